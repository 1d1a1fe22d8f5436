"""Place keys that hold the whole place: a village with its town and county.

Village names repeat across towns and counties (there are thousands of 红旗村), so a key
on the village name alone pairs strangers from every 红旗村 of a province. `place_key`
is a list of "county|town|village" keys per row:

- a row stating county, town and village has its own key;
- a row stating less (an address of `红旗村` or `商南县红旗村`) has the key of every place
  of the table that fits what it states — the places come from the rows that state all
  three, above all the monitoring export — or, when no such place fits, a key of what
  it states;
- a row fitting more than `max_candidates` places gets none (a bare 红旗村 in a province
  says nothing about where it is), and neither does a row without a village.

Blocking on a list column pairs two rows sharing any of its values
(pipeline/link/blocking.py).
"""

from __future__ import annotations

import itertools

import polars as pl

from pipeline.config import PlaceKeySettings

PLACE_KEY = "place_key"
_SEPARATOR = "|"


def _key(columns: tuple[str, ...], present: tuple[str, ...]) -> pl.Expr:
    """county|town|village with an empty part for each level not in `present`."""
    parts = [pl.col(c) if c in present else pl.lit("") for c in columns]
    return pl.concat_str(parts, separator=_SEPARATOR)


def _patterns(columns: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The partial places a row can state: the village and any of the higher levels."""
    village, higher = columns[-1], columns[:-1]
    found: list[tuple[str, ...]] = []
    for mask in range(2 ** len(higher) - 1):  # every subset but all of them
        found.append((*(c for i, c in enumerate(higher) if mask >> i & 1), village))
    return found


def place_keys(records: pl.DataFrame, settings: PlaceKeySettings) -> pl.Series:
    """The `place_key` list of each record (in record order); see the module docstring."""
    columns = settings.levels
    stated = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    rows = records.select(*columns).with_row_index("_row")
    full = rows.filter(stated)
    places = full.select(*columns).unique().with_columns(_key(columns, columns).alias("_key"))
    found = [full.select("_row", pl.concat_list(_key(columns, columns)).alias(PLACE_KEY))]
    for pattern in _patterns(columns):
        missing = [c for c in columns if c not in pattern]
        these = rows.filter(
            pl.all_horizontal(pl.col(c).is_not_null() for c in pattern)
            & pl.all_horizontal(pl.col(c).is_null() for c in missing)
        )
        if these.is_empty():
            continue
        fitting = places.group_by(pattern).agg(pl.col("_key").unique().sort())
        joined = these.join(fitting, on=list(pattern), how="left")
        own = pl.concat_list(_key(columns, pattern))
        found.append(
            joined.select(
                "_row",
                pl.when(pl.col("_key").is_null())
                .then(own)
                .when(pl.col("_key").list.len() <= settings.max_candidates)
                .then(pl.col("_key"))
                .alias(PLACE_KEY),
            )
        )
    keyed = pl.concat(found).sort("_row")
    out = rows.select("_row").join(keyed, on="_row", how="left", maintain_order="left")
    return out[PLACE_KEY].alias(PLACE_KEY)


def with_place_keys(records: pl.DataFrame, settings: PlaceKeySettings | None) -> pl.DataFrame:
    """`records` with `place_key` (when the config asks for it)."""
    if settings is None or not set(settings.levels) <= set(records.columns):
        return records
    keys = place_keys(records, settings)
    # in the chunks of the other columns: a frame whose columns are chunked differently is
    # realigned by every later select (0.1-0.3 s each over a 2 M linkage table read back
    # in row groups: docs/scale.md, session 13); slices of the one chunk are views
    lengths = records.get_column(records.columns[0]).chunk_lengths()
    if len(lengths) > 1:
        starts = itertools.accumulate(lengths, initial=0)
        keys = pl.concat(
            [keys.slice(start, n) for start, n in zip(starts, lengths, strict=False)],
            rechunk=False,
        )
    return records.with_columns(keys)
