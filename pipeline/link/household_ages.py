"""Birth years a household allows a monitoring row whose own birth date is unknown.

A monitoring row whose ID was lost to Excel (`6.11023E+17`) or dropped as another's has no
birth date, and a case row of its name meets it on name and village alone. Its 与户主关系
and the birth dates of the household's other members still bound its age: a son is born
18-45 years after the head, a spouse within 12 years of the head
(`relation_birth_years`, schemas/vocabulary.yaml). Each member with a trusted ID bounds
the head's birth year (a son born 1990 puts the head at 1945-1972); the bounds of all
such members together bound the head, and the row's relation bounds the row from the
head's. A household whose members' bounds do not meet (a wrong relation or a number
that is another's) bounds nobody.

`birth_low` and `birth_high` (1 January of the first year, 31 December of the last) are
set on such rows only; a comparison level reads them against the other row's birth date
(a father of 1960 is not the son born 18-45 years after a head of 1958), and a row whose
every allowed year is under 16 on the latest petition date is a child's (`age_class`).
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Vocabulary

BOUND_COLUMNS = ("birth_low", "birth_high")


def _relation_years(vocabulary: Vocabulary, which: int) -> pl.Expr:
    """The relation's least (`which` 0) or greatest (1) years after the head; null unlisted."""
    years = {word: bounds[which] for word, bounds in vocabulary.relation_birth_years.items()}
    return (
        pl.col("relation")
        .cast(pl.Utf8)
        .str.strip_chars()
        .replace_strict(years, default=None, return_dtype=pl.Int32)
    )


def _head_years(known: pl.DataFrame) -> pl.DataFrame:
    """Per household, the head's birth years every member of known birth allows."""
    year = pl.col("birth").dt.year().cast(pl.Int32)
    return (
        known.group_by("household_id")
        .agg(
            (year - pl.col("_after_high")).max().alias("_head_low"),
            (year - pl.col("_after_low")).min().alias("_head_high"),
        )
        .filter(pl.col("_head_low") <= pl.col("_head_high"))
    )


def with_birth_bounds(frame: pl.DataFrame, vocabulary: Vocabulary) -> pl.DataFrame:
    """`birth_low`, `birth_high` (Date) on monitoring rows without a birth date whose
    household bounds them; null elsewhere."""
    empty = [pl.lit(None, dtype=pl.Date).alias(c) for c in BOUND_COLUMNS]
    needed = {"relation", "household_id", "birth", "id_trusted"}
    if not vocabulary.relation_birth_years or not needed <= set(frame.columns):
        return frame.with_columns(empty)
    work = frame.select(
        "household_id",
        "birth",
        pl.col("id_trusted").fill_null(False),
        _relation_years(vocabulary, 0).alias("_after_low"),
        _relation_years(vocabulary, 1).alias("_after_high"),
    ).with_row_index("_row")
    related = pl.col("household_id").is_not_null() & pl.col("_after_low").is_not_null()
    unknown = work.filter(related & pl.col("birth").is_null())
    if unknown.is_empty():
        return frame.with_columns(empty)
    known = work.filter(
        related
        & pl.col("birth").is_not_null()
        & pl.col("id_trusted")
        & pl.col("household_id").is_in(unknown["household_id"].unique().implode())
    )
    bounded = unknown.join(_head_years(known), on="household_id").select(
        "_row",
        pl.date(pl.col("_head_low") + pl.col("_after_low"), 1, 1).alias("birth_low"),
        pl.date(pl.col("_head_high") + pl.col("_after_high"), 12, 31).alias("birth_high"),
    )
    rows = pl.DataFrame({"_row": pl.int_range(frame.height, eager=True, dtype=pl.UInt32)})
    bounds = rows.join(bounded, on="_row", how="left", maintain_order="left")
    return frame.with_columns(bounds["birth_low"], bounds["birth_high"])
