"""Columns of few distinct values held as polars categoricals while the rows wait.

Polars keeps every value of a text column in a 16-byte view, however short the value: a
column of 性别 or 户类型 costs 31 MB at 2 M rows, as much as a column of names. The
monitoring export is mostly such columns (25 of its 41 accepted columns have at most ~1,200
distinct values), so its accepted rows took 1.45 GB at 2 M rows where their
values need less than half (docs/scale.md, issue 16 session 12). A categorical keeps a
4-byte code a row and each distinct value once.

The rows of the sources without free text (`CODED_SOURCES`) are coded as each file is read,
decoded a slice at a time to be normalised and checked, coded again as validation accepts
them, and wait coded to the run folder; the steps that read them as text decode them
(`decoded`, `as_text`). The linkage table's own columns of few values are categoricals too
(pipeline/link/records.py RECORD_SCHEMA). Only the columns named in `CODED_COLUMNS` are
coded, whatever the data: places and categories that take a few thousand values at most in
a province, never names, numbers, dates or addresses (a categorical of mostly distinct
values costs more than the text). A categorical sorts, compares, joins and writes to CSV
as its text does.
"""

from __future__ import annotations

import polars as pl

# the sources whose rows wait coded: those without free text (the text stage reads the others)
CODED_SOURCES = frozenset({"poverty", "relief_history"})

CODED_COLUMNS = frozenset(
    {
        "source", "file", "sheet", "relation", "sex", "sex_norm", "county", "town",
        "village", "hamlet", "household_type", "monitor_type", "risk_type", "risk_cleared",
        "risk_identified", "health", "labour", "school", "id_status", "id_sex", "id_region",
    }
)  # fmt: skip


def coded(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its text columns named in CODED_COLUMNS as categoricals."""
    return frame.with_columns(
        pl.col(c).cast(pl.Categorical)
        for c, dtype in frame.schema.items()
        if c in CODED_COLUMNS and dtype == pl.String
    )


def decoded(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its categorical columns as text again (the frame `coded` was given)."""
    return frame.with_columns(
        pl.col(c).cast(pl.String) for c, dtype in frame.schema.items() if dtype == pl.Categorical
    )


def as_text(column: str) -> pl.Expr:
    """`column` as text, coded or not: for the string functions (`str.*`)."""
    return pl.col(column).cast(pl.String)
