"""A source normalised and checked a slice of rows at a time.

Every row rule reads one row, so a slice gives the rows the whole source would; the two
things that need the whole source are done on small columns: duplicate keys (`unique` in
schemas/suites/) are compared as one hash a row once every slice is checked, and the
records Great Expectations checks are the fixed sample a whole-source draw takes (the
same positions, in the same order), taken from each slice as it passes. So raw, prepared
and accepted rows of a provincial source are never all held at once: each raw slice is
let go once its rows are accepted.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import polars as pl

from pipeline.coded import coded, decoded
from pipeline.config import SourceSpec, SuiteSpec
from pipeline.ingest.read import JUNK_COLUMN, SourceFrame
from pipeline.normalise.prepare import name_keys, prepare_source
from pipeline.validate.expectations import duplicate_hash
from pipeline.validate.rows import ValidatedSource, validate_rows

# Rows normalised and checked at once: ~0.2 GB of working memory at the monitoring export's
# width (names are normalised once for the whole source: `name_keys`).
SLICE_ROWS = 250_000
_POSITION, _ORDER = "_record_position", "_sample_order"


@dataclass(frozen=True)
class ExpectationRecords:
    """Which records the expectation suite checks: its fields, and at most `cap` of them."""

    fields: frozenset[str]
    cap: int


@dataclass(frozen=True)
class CheckedSource:
    """Accepted and quarantined rows; the suite's fields of the records GX checks (None
    without a suite) and how many records there were before any sample."""

    checked: ValidatedSource
    records: pl.DataFrame | None
    records_read: int


def validate_in_slices(
    source: SourceFrame,
    spec: SourceSpec,
    suite: SuiteSpec | None,
    sample: ExpectationRecords | None,
    slice_rows: int = SLICE_ROWS,
    *,
    code: bool = False,
) -> CheckedSource:
    """`prepare_source` and `validate_rows` of `source`'s rows, `slice_rows` at a time.

    The raw frame is taken from `source` (its reports stay). The result equals
    `validate_rows(prepare_source(frame))` with the records `sample` describes drawn from
    the prepared rows as `DataFrame.sample(n=cap, seed=0)` draws them; with `code`, its
    columns of few values (pipeline/coded.py) coded as each slice is accepted.
    """
    frame = source.release()
    records_read = _record_count(frame)
    draw = _sample_draw(records_read, sample.cap) if sample is not None else None
    names = name_keys(frame) if frame.height > slice_rows else None
    slices = [frame.slice(o, slice_rows) for o in range(0, max(frame.height, 1), slice_rows)]
    del frame  # each slice's raw cells go once the slice is checked
    row_suite = suite.model_copy(update={"unique": {}}) if suite is not None else None
    accepted: list[pl.DataFrame] = []
    quarantined: list[pl.DataFrame] = []
    hashes: list[pl.DataFrame] = []
    records: list[pl.DataFrame] = []
    seen = 0
    while slices:
        raw = decoded(slices.pop(0)).rechunk()  # decoded columns are one chunk, the rest not
        prepared = prepare_source(source.source, raw, names=names)
        if sample is not None:
            part, seen = _records_of(prepared, sample.fields, seen, draw)
            records.append(part)
        checked = validate_rows(source.source, prepared, spec, row_suite, consume=True)
        hashes.append(duplicate_hashes(checked.accepted, suite))
        # one chunk a column per slice: a frame whose columns are cut into chunks at
        # different rows is copied whole by the next lazy query on it (+1.1 GB at 2 M rows)
        accepted.append((coded(checked.accepted) if code else checked.accepted).rechunk())
        quarantined.append(checked.quarantined)
    rows = _with_duplicates_flagged(accepted, hashes)
    return CheckedSource(
        ValidatedSource(rows, pl.concat(quarantined, how="vertical")),
        _in_draw_order(records) if sample is not None else None,
        records_read,
    )


def _with_duplicates_flagged(
    accepted: list[pl.DataFrame], hashes: list[pl.DataFrame]
) -> pl.DataFrame:
    """The slices' accepted rows as one frame, with the duplicate keys found across all of
    them flagged slice by slice (so every column keeps one chunk a slice)."""
    repeated = duplicate_flags(pl.concat(hashes, how="vertical") if hashes[0].width else hashes[0])
    if repeated is not None:
        starts = itertools.accumulate((part.height for part in accepted), initial=0)
        accepted = [
            with_duplicate_flags(part, repeated.slice(start, part.height))
            for part, start in zip(accepted, starts, strict=False)
        ]
    return pl.concat(accepted, how="vertical")


def _record_count(frame: pl.DataFrame) -> int:
    """Rows that are records, not layout (blank, total or repeated header rows)."""
    if JUNK_COLUMN not in frame.columns:
        return frame.height
    return frame.height - int(frame.get_column(JUNK_COLUMN).is_not_null().sum())


def _sample_draw(records: int, cap: int) -> pl.DataFrame | None:
    """Positions of the records `sample(n=cap, seed=0)` of all records draws, with their
    order in the draw; None when every record is checked. The draw depends on the number
    of rows alone, so a frame of positions draws the same rows."""
    if records <= cap:
        return None
    positions = pl.DataFrame({_POSITION: pl.int_range(records, eager=True, dtype=pl.UInt32)})
    return positions.sample(n=cap, seed=0).with_row_index(_ORDER)


def _records_of(
    prepared: pl.DataFrame, fields: frozenset[str], seen: int, draw: pl.DataFrame | None
) -> tuple[pl.DataFrame, int]:
    """The suite's fields of this slice's records in the draw (all of them without one),
    and the records seen so far."""
    records = prepared.select(c for c in prepared.columns if c in fields)
    if JUNK_COLUMN in records.columns:
        records = records.filter(pl.col(JUNK_COLUMN).is_null())
    if draw is None:
        return records, seen + records.height
    drawn = records.with_row_index(_POSITION, offset=seen).join(draw, on=_POSITION, how="inner")
    return drawn.drop(_POSITION), seen + records.height


def _in_draw_order(records: list[pl.DataFrame]) -> pl.DataFrame:
    """The slices' records as one frame, in the order the draw took them."""
    joined = pl.concat(records, how="vertical")
    if _ORDER not in joined.columns:
        return joined
    return joined.sort(_ORDER).drop(_ORDER)


def duplicate_hashes(accepted: pl.DataFrame, suite: SuiteSpec | None) -> pl.DataFrame:
    """One hash column per duplicate key of the suite (`unique`) whose fields are all there."""
    keys = suite.unique.items() if suite is not None else ()
    return accepted.select(
        duplicate_hash(fields).alias(name)
        for name, fields in keys
        if all(f in accepted.columns for f in fields)
    )


def duplicate_flags(hashes: pl.DataFrame) -> pl.Series | None:
    """Per row, `duplicate_<name>` of each key that repeats among the rows (comma-joined,
    null where none); None without a key. `hashes` are `duplicate_hashes` of the rows."""
    if not hashes.width:
        return None
    repeated = [
        pl.when(pl.col(n).is_not_null() & pl.col(n).is_duplicated()).then(pl.lit(f"duplicate_{n}"))
        for n in hashes.columns
    ]
    joined = pl.concat_str(repeated, separator=",", ignore_nulls=True).replace("", None)
    return hashes.select(joined.alias("flags")).to_series()


def with_duplicate_flags(accepted: pl.DataFrame, repeated: pl.Series) -> pl.DataFrame:
    """`flags` with the rows' `duplicate_flags` after them, as `row_flags` orders them."""
    flags = pl.concat_str([pl.col("flags"), pl.lit(repeated)], separator=",", ignore_nulls=True)
    return accepted.with_columns(flags.replace("", None).alias("flags"))
