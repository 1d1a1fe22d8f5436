"""Add the standard normalised columns to each accepted source frame.

Composes the pure normalisers of pipeline/normalise/; the result is what linking,
lead building and scoring read (column names in docs/architecture.md).
"""

from __future__ import annotations

import polars as pl

from pipeline.normalise.dates import parse_date
from pipeline.normalise.distinct import per_distinct_value
from pipeline.normalise.ids import TRUSTED_ID_STATUSES, with_id_columns
from pipeline.normalise.names import name_key_table, with_name_columns
from pipeline.normalise.phones import with_phone_columns
from pipeline.normalise.places import clean_place, with_place_columns

_SEX_WORDS = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"}
# Rows normalised at once: a provincial export's intermediate columns stay within ~0.3 GB.
PREPARE_SLICE_ROWS = 1_000_000


def _ensure(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    missing = [c for c in columns if c not in frame.columns]
    return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in missing)


def prepare_source(
    source: str,
    frame: pl.DataFrame,
    slice_rows: int = PREPARE_SLICE_ROWS,
    names: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Normalise IDs, names, phones, places, birth date and sex of one source.

    Every normaliser works row by row, so a large source is prepared `slice_rows` rows at a
    time: the same values, with the normalisers' working memory bounded by a slice.

    Args:
        names: `name_keys` of the whole source when `frame` is a slice of it, so that a
            name in many slices is normalised once.
    """
    if frame.height <= slice_rows:
        return _prepared(source, frame, names)
    slices = range(0, frame.height, slice_rows)
    return pl.concat([_prepared(source, frame.slice(o, slice_rows), names) for o in slices])


def name_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """The normalised name and pinyin of every distinct name of a source (`name_key_table`)."""
    names = frame.get_column("name") if "name" in frame.columns else pl.Series([], dtype=pl.Utf8)
    return name_key_table(names)


def _prepared(source: str, frame: pl.DataFrame, names: pl.DataFrame | None) -> pl.DataFrame:
    df = _ensure(frame, "id_number", "name", "phone", "birth_date", "sex", "address")
    # the decoded IDs and the looked-up names come in chunks of their own: one chunk a
    # column again, or each later step copies the slice whole to realign it
    df = with_id_columns(df, "id_number").rechunk()
    df = with_name_columns(df, "name", names).rechunk()
    df = with_phone_columns(df, "phone")
    if source == "poverty":
        # a few hundred distinct places in millions of rows: each cleaned once
        df = df.with_columns(
            per_distinct_value(c, clean_place(c), pl.String())
            for c in ("county", "town", "village")
        )
    else:
        df = with_place_columns(df, "address")
    trusted = pl.col("id_status").is_in(TRUSTED_ID_STATUSES)
    stated_birth = per_distinct_value("birth_date", parse_date("birth_date"), pl.Date())
    stated_sex = pl.col("sex").str.strip_chars().replace_strict(_SEX_WORDS, default=None)
    return df.with_columns(
        id_trusted=trusted,
        birth=pl.when(trusted)
        .then(pl.col("id_birth"))
        .otherwise(pl.coalesce(stated_birth, pl.col("id_birth"))),
        sex_norm=pl.when(trusted)
        .then(pl.col("id_sex"))
        .otherwise(pl.coalesce(stated_sex, pl.col("id_sex"))),
    )
