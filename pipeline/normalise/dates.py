"""Dates in every form the exports use, to `pl.Date`, with the precision they carry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

DateColumn = str | pl.Expr

_SEP = r"\s*(?:[-/.]|年)\s*"
_MONTH_SEP = r"\s*(?:[-/.]|月)\s*"
_TIME = r"(?:(?:T|\s+)\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?"
# Day precision: 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, with an optional time.
_DAY_PATTERNS = (
    rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_MONTH_SEP}(?P<d>\d{{1,2}})\s*日?{_TIME}$",
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$",
)
# Month precision (the monitoring system's format): 202403, 2024-03, 2024年3月.
_MONTH_PATTERNS = (
    r"^(?P<y>\d{4})(?P<m>\d{2})$",
    rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}})\s*月?$",
)
_SERIAL = r"^(\d{1,5})(?:\.\d+)?$"
_SERIAL_RANGE = (1, 60_000)
# A bare 4-digit year is far likelier a year than an Excel serial in 1905: not a date.
_YEAR_LIKE = (1900, 2100)
_EXCEL_EPOCH = date(1899, 12, 30)
_VALID_YEARS = (1900, 2100)


def _to_expr(col: DateColumn) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def _clean_text(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.String).str.normalize("NFKC").str.strip_chars().str.strip_chars_start("'")


def _date_from_patterns(text: pl.Expr, patterns: Sequence[str], with_day: bool) -> pl.Expr:
    candidates = []
    for pattern in patterns:
        parts = text.str.extract_groups(pattern)
        day = parts.struct.field("d").str.zfill(2) if with_day else pl.lit("01")
        iso = pl.concat_str(
            parts.struct.field("y"), parts.struct.field("m").str.zfill(2), day, separator="-"
        )
        candidates.append(iso.str.to_date("%Y-%m-%d", strict=False))
    parsed = pl.coalesce(candidates)
    return pl.when(parsed.dt.year().is_between(*_VALID_YEARS)).then(parsed)


def _date_from_serial(text: pl.Expr) -> pl.Expr:
    serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    usable = serial.is_between(*_SERIAL_RANGE) & ~serial.is_between(*_YEAR_LIKE)
    return pl.when(usable).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial))


def _parsed(col: DateColumn) -> tuple[pl.Expr, pl.Expr]:
    """(day-precision date, month-precision date); at most one is non-null per row."""
    text = _clean_text(_to_expr(col))
    by_day = pl.coalesce(
        _date_from_patterns(text, _DAY_PATTERNS, with_day=True), _date_from_serial(text)
    )
    by_month = _date_from_patterns(text, _MONTH_PATTERNS, with_day=False)
    return by_day, by_month


def parse_date(col: DateColumn) -> pl.Expr:
    """Date from any export format; year-month values give the first of the month.

    The result keeps the input column name.

    Accepts 2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日, datetime text,
    202403, 2024-03, 2024年3月 and Excel serial numbers (1..60000 days after
    1899-12-30, except 1900..2100, which read as bare years). Null for anything
    else, impossible dates (2024-02-30) and years outside 1900..2100.
    """
    by_day, by_month = _parsed(col)
    return pl.coalesce(by_day, by_month).name.keep()


def date_precision(col: DateColumn) -> pl.Expr:
    """Precision of what `parse_date` read: "day", "month", or null where it read nothing."""
    by_day, by_month = _parsed(col)
    return (
        pl.when(by_day.is_not_null())
        .then(pl.lit("day"))
        .when(by_month.is_not_null())
        .then(pl.lit("month"))
        .alias("date_precision")
    )


def with_date_columns(
    df: pl.DataFrame, columns: Sequence[str], suffix: str = "_date"
) -> pl.DataFrame:
    """Add `<column><suffix>` (pl.Date) for each text column named in `columns`."""
    return df.with_columns(parse_date(c).alias(f"{c}{suffix}") for c in columns)
