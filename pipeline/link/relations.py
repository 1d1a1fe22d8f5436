"""ID numbers a monitoring row cannot hold: the birth date contradicts the relation to the head.

The monitoring export lists each member with 与户主关系. A child of the head born before
the head, or a grandchild older than the head's spouse, does not hold the ID written in
the row: it is another member's (most often the head's, copied when the head's own row is
missing or the number was mistyped). Such an ID is dropped from the row, which then links
on its name, place and phone; its birth date and sex, read from the number, go with it.

A member `g` generations below the head (之子 1, 之孙女 2) must be born at least
`min_years_per_generation * g` years (schemas/vocabulary.yaml) after the head (or, without a head row, the head's
spouse); one above (之父 -1) as much before. Relations of no fixed generation (兄弟姐妹,
其他) are not checked.
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Vocabulary

# what a row loses with an ID that is another's: the number and what was read from it
ID_AND_READINGS = ("id_norm", "id_birth", "id_sex", "birth", "sex_norm")


def drop_ids_where(
    frame: pl.DataFrame, foreign: pl.Expr, columns: tuple[str, ...] = ID_AND_READINGS
) -> pl.DataFrame:
    """Rows where `foreign` holds lose their ID: `columns` set null, `id_status` "foreign",
    untrusted. (pipeline/link/records.py drops IDs the same way for its other reasons.)"""
    frame = frame.with_columns(foreign.fill_null(False).alias("_drop_id"))
    drop = pl.col("_drop_id")
    return frame.with_columns(
        *(pl.when(drop).then(None).otherwise(pl.col(c)).alias(c) for c in columns),
        pl.when(drop).then(pl.lit("foreign")).otherwise(pl.col("id_status")).alias("id_status"),
        (pl.col("id_trusted").fill_null(False) & ~drop).alias("id_trusted"),
    ).drop("_drop_id")


def _reference_birth(frame: pl.DataFrame, relation: str, alias: str) -> pl.DataFrame:
    """Per household, the ID birth date of its one row of `relation` with a trusted ID."""
    rows = frame.filter(
        (pl.col("_relation") == relation)
        & pl.col("id_trusted").fill_null(False)
        & pl.col("id_birth").is_not_null()
    )
    return (
        rows.group_by("household_id")
        .agg(pl.col("id_birth").first().alias(alias), pl.len().alias("_n"))
        .filter(pl.col("_n") == 1)
        .drop("_n")
    )


def drop_ids_contradicting_relation(frame: pl.DataFrame, vocabulary: Vocabulary) -> pl.DataFrame:
    """Drop the ID of monitoring rows whose ID birth date contradicts their relation."""
    needed = {"relation", "household_id", "id_birth", "id_trusted", "record_key"}
    if not needed <= set(frame.columns) or frame.is_empty():
        return frame
    work = frame.with_columns(
        pl.col("relation").cast(pl.Utf8).str.strip_chars().alias("_relation"),
        pl.col("id_birth").cast(pl.Date, strict=False),
    )
    head = _reference_birth(work, vocabulary.household_head, "_head")
    spouse = _reference_birth(work, vocabulary.spouse, "_spouse")
    generation = pl.col("_relation").replace_strict(
        vocabulary.relation_generations, default=None, return_dtype=pl.Int32
    )
    reference = pl.coalesce("_head", "_spouse")
    years = (pl.col("id_birth").dt.year() - reference.dt.year()).cast(pl.Int32)
    gap = pl.col("_generation") * vocabulary.min_years_per_generation
    contradicts = (
        pl.when(pl.col("_generation") > 0)
        .then(years < gap)
        .when(pl.col("_generation") < 0)
        .then(years > gap)
        .otherwise(False)
        .fill_null(False)
    )
    flagged = (
        work.select("record_key", "household_id", "id_birth", generation.alias("_generation"))
        .filter(pl.col("_generation") != 0)
        .join(head, on="household_id", how="left")
        .join(spouse, on="household_id", how="left")
        .filter(contradicts)
        .select("record_key")
    )
    if flagged.is_empty():
        return frame
    return drop_ids_where(frame, pl.col("record_key").is_in(flagged["record_key"].implode()))
