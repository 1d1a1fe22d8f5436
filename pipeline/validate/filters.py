"""Analysts' filters for an ad-hoc run: one county, a date window.

Applied to the accepted rows after validation, so every input row is still counted
as read and accepted or quarantined; rows outside the filter are counted apart in
the manifest (`rows_filtered_out`). The monitoring export is filtered by county
only; cases by 受理日期 and petitions by 信访日期 within the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pipeline.coded import as_text
from pipeline.normalise.dates import parse_date

# Which accepted date of each source a window applies to.
_DATE_FIELD = {"cases": "accepted", "petitions": "received"}


@dataclass(frozen=True)
class RunFilters:
    """county: a county name as written in the exports (商南县, or 商南); since/until inclusive."""

    county: str | None = None
    since: date | None = None
    until: date | None = None

    def is_empty(self) -> bool:
        return self.county is None and self.since is None and self.until is None

    def describe(self) -> dict[str, str | None]:
        return {
            "county": self.county,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }


def _in_county(source: str, frame: pl.DataFrame, county: str) -> pl.Expr:
    """Rows whose county (structured or parsed from the address) names the county."""
    name = county.strip()
    checks = []
    if "county" in frame.columns:
        checks.append(as_text("county").str.contains(name, literal=True))
    if source != "poverty" and "address" in frame.columns:
        checks.append(as_text("address").str.contains(name, literal=True))
    if not checks:
        return pl.lit(True)
    # A row that names no county at all is kept: it may well be local, and the linker decides.
    unknown = pl.all_horizontal(
        pl.col(c).is_null() for c in ("county", "address") if c in frame.columns
    )
    return pl.any_horizontal(checks).fill_null(False) | unknown


def apply_filters(source: str, frame: pl.DataFrame, filters: RunFilters | None) -> pl.DataFrame:
    """Keep the rows of `frame` inside the filters (all of them when there are none)."""
    if filters is None or filters.is_empty() or frame.is_empty():
        return frame
    keep: pl.Expr = pl.lit(True)
    if filters.county and source in ("poverty", "petitions", "cases"):
        keep = keep & _in_county(source, frame, filters.county)
    field = _DATE_FIELD.get(source)
    if field and field in frame.columns and (filters.since or filters.until):
        when = parse_date(field)
        if filters.since:
            keep = keep & (when >= filters.since).fill_null(True)
        if filters.until:
            keep = keep & (when <= filters.until).fill_null(True)
    return frame.filter(keep)
