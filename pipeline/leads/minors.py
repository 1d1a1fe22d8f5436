"""Who is shown as a minor: anyone whom any linked row makes under 18 at the case date.

Scoring takes one birth date per person (a trusted ID's first). Masking errs towards
privacy instead: when the sources disagree — a household head's ID copied into a child's
row of the monitoring export says 40, the case-party list says 7 — the child's name is
masked wherever it leaves the audit files. Every birth date a row gives counts: the
prepared `birth`, the date inside any ID number of the row (trusted or not) and the stated
出生日期. A date after the case date is an error, not a minor, and is ignored.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.normalise.dates import parse_date

# 未成年人: under 18 (民法典 第十七条), the age score.py uses for the minor rule.
ADULT_AGE = 18
MINOR_COLUMN = "minor_any_source"


def _row_births(frame: pl.DataFrame) -> pl.DataFrame:
    """(person_id, birth) for every birth date any row of `frame` states or implies."""
    dates = [pl.col(c) for c in ("birth", "id_birth") if c in frame.columns]
    if "birth_date" in frame.columns:
        dates.append(parse_date("birth_date"))
    if not dates or "person_id" not in frame.columns:
        return pl.DataFrame(schema={"person_id": pl.Utf8, "birth": pl.Date})
    return (
        frame.select("person_id", pl.concat_list(d.cast(pl.Date) for d in dates).alias("birth"))
        .explode("birth")
        .drop_nulls()
        .unique()
    )


def age_on(birth: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Whole years from `birth` to `day` (a birthday not yet reached that year counts not)."""
    # month and day as Int32: dt.month() is Int8, and month * 100 overflows it
    before_birthday = (day.dt.month().cast(pl.Int32) * 100 + day.dt.day().cast(pl.Int32)) < (
        birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day().cast(pl.Int32)
    )
    return (
        day.dt.year().cast(pl.Int32)
        - birth.dt.year().cast(pl.Int32)
        - before_birthday.cast(pl.Int32)
    )


def minors_by_any_row(
    frames: dict[str, pl.DataFrame], leads: pl.DataFrame, today: date | None = None
) -> pl.DataFrame:
    """(person_id, case_id, minor_any_source) for every lead: true when any linked row of the
    person gives a birth date under 18 at the case's 受理日期 (today when it has none)."""
    births = pl.concat([_row_births(f) for f in frames.values() if f is not None])
    on = pl.col("case_accepted").fill_null(today or date.today())
    ages = (
        leads.select("person_id", "case_id", "case_accepted")
        .join(births, on="person_id", how="left")
        .with_columns(age_on(pl.col("birth"), on).alias("_age"))
    )
    minor = pl.col("_age").is_between(0, ADULT_AGE - 1)
    return ages.group_by("person_id", "case_id").agg(minor.any().alias(MINOR_COLUMN))


def with_minor_flag(frame: pl.DataFrame, minors: pl.DataFrame) -> pl.DataFrame:
    """`frame` (candidates or excluded leads) with `minor_any_source`: its own `is_minor`
    or any linked row's birth date."""
    if frame.is_empty():
        return frame
    joined = frame.join(minors, on=["person_id", "case_id"], how="left").rechunk()
    return joined.with_columns(
        (pl.col("is_minor").fill_null(False) | pl.col(MINOR_COLUMN).fill_null(False)).alias(
            MINOR_COLUMN
        )
    )
