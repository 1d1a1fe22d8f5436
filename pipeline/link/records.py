"""The linkage table: one row per accepted input row, with the columns comparisons read."""

from __future__ import annotations

import polars as pl

LINKED_SOURCES = ("poverty", "petitions", "cases", "relief_history")

RECORD_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "idx": pl.UInt32,
    "record_key": pl.Utf8,
    "source": pl.Utf8,
    "name_norm": pl.Utf8,
    "name_pinyin": pl.Utf8,
    "surname_pinyin": pl.Utf8,
    "id_norm": pl.Utf8,
    "id_status": pl.Utf8,
    "id_trusted": pl.Boolean,
    "id_float_like": pl.Boolean,
    "id_damaged": pl.Boolean,
    "trusted_id": pl.Utf8,
    "id_head": pl.Utf8,
    "id_tail": pl.Utf8,
    "birth": pl.Date,
    "sex_norm": pl.Utf8,
    "phone_norm": pl.Utf8,
    "county": pl.Utf8,
    "town": pl.Utf8,
    "village": pl.Utf8,
    "household_id": pl.Utf8,
    "person_no": pl.Utf8,
    "monitoring_person": pl.Utf8,
}


def id_float_like(column: str) -> pl.Expr:
    """An 18-digit ID that looks like it went through a float, even if its check digit passes.

    Excel keeps 15 significant digits (`…000`); a number cell read back gives the float's
    exact value, which is a multiple of its spacing (128 at this size). A genuine ID has
    these shapes by chance about once in 110, and then only loses its trust as a unique
    key for linking; it still links on every other field.
    """
    digits = pl.col(column).cast(pl.UInt64, strict=False)
    round_trip = digits.cast(pl.Float64).cast(pl.UInt64, strict=False)
    return (
        digits.is_not_null() & ((round_trip == digits) | pl.col(column).str.ends_with("000"))
    ).fill_null(False)


def linkage_records(prepared: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Stack the prepared sources into the linkage table (schema RECORD_SCHEMA)."""
    parts = []
    for source in LINKED_SOURCES:
        frame = prepared.get(source)
        if frame is None or frame.is_empty():
            continue
        for column in ("household_id", "person_no", "county", "town", "village"):
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
        float_like = id_float_like("id_norm")
        id_digits_intact = (
            pl.col("id_status").is_in(("valid", "legacy15", "bad_check")) & ~float_like
        )
        parts.append(
            frame.select(
                "record_key",
                "source",
                "name_norm",
                "name_pinyin",
                pl.col("name_pinyin").str.split(" ").list.first().alias("surname_pinyin"),
                "id_norm",
                "id_status",
                (pl.col("id_trusted") & ~float_like).alias("id_trusted"),
                float_like.alias("id_float_like"),
                ((pl.col("id_status") == "excel_damaged").fill_null(False) | float_like).alias(
                    "id_damaged"
                ),
                pl.when(pl.col("id_trusted") & ~float_like)
                .then(pl.col("id_norm"))
                .alias("trusted_id"),
                pl.col("id_norm").str.slice(0, 9).alias("id_head"),
                pl.when(id_digits_intact).then(pl.col("id_norm").str.slice(9)).alias("id_tail"),
                "birth",
                "sex_norm",
                "phone_norm",
                "county",
                "town",
                "village",
                "household_id",
                "person_no",
                # the monitoring system's person key; a row without one is its own person
                pl.when(pl.col("source") == "poverty")
                .then(pl.coalesce("person_no", "record_key"))
                .alias("monitoring_person"),
            )
        )
    records = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=RECORD_SCHEMA)
    records = records.with_row_index("idx")
    return records.select(pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items())
