"""The link stage's spills: the accepted rows on disk while the linker runs.

The linker needs the linkage table (pipeline/link/records.py) in memory, not the accepted
rows. So each source's rows go to a folder as the columns scoring and writing read
(`SCORED_COLUMNS`, the facts), its part of the linkage table is built from the columns
linking reads and written beside them, and the frames come back only once the links are
made (pipeline/run.py `link_sources`).

Three things keep the monitoring rows' spill from raising the run's peak (docs/scale.md,
session 11): the spills are written in row groups (`ROW_GROUP`) and read back a column at
a time (`read_back`); the monitoring rows' part of the table is built a slice of whole
households at a time (`_records_spilled`); and a column of nulls comes back as a null
column. Spilling the monitoring rows in a thread while the text workers read was measured
and not kept: the same peak, and ~1.5 s slower once the texts were read faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.coded import decoded
from pipeline.config import Vocabulary
from pipeline.link.records import (
    LINKAGE_INPUT_COLUMNS,
    LINKED_SOURCES,
    CaseLookups,
    case_lookups,
    latest_petition_date,
    source_records,
)

# rows per row group of a spill: a write takes ~+50 MB at this size (2 M rows, 26 columns)
ROW_GROUP = 65_536
# The monitoring rows' part of the linkage table is built this many rows at a time, a set of
# whole households each time (`_records_spilled`): built at once, it held the rows' linkage
# columns and the whole part together (+0.4 GB at 2 M rows).
RECORD_SLICE_ROWS = 500_000
# each slice's rows' places in the source, to put the slices back in the source's order
_POSITION = "_position"

# What the score and write stages read of the accepted rows, besides the `fact_*` columns:
# the record reference, the case, the household's monitoring fields and the person's
# normalised identity (pipeline/leads/build.py, leads/minors.py, outputs/tables.py).
SCORED_COLUMNS = frozenset(
    {
        "source", "file", "sheet", "row_number", "excel_row", "record_key",
        "case_id", "case_name", "charge", "role", "accepted", "case_ref",
        "injury", "loss", "compensation", "forgiveness", "status",
        "household_id", "relation", "household_type", "monitor_type", "risk_type",
        "risk_cleared", "risk_identified", "income_per_capita", "health", "labour",
        "name_norm", "birth", "birth_date", "sex", "sex_norm", "id_number", "id_norm",
        "id_trusted", "id_birth", "id_region",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Spilled:
    """What linking wrote to its folder: the linkage table's parts (in LINKED_SOURCES
    order), the slim frames (in the frames' order), and the latest petition date (the
    age class is judged on it)."""

    parts: dict[str, Path]
    frames: dict[str, Path]
    latest_petition: date | None


def spilled_sources(
    frames: dict[str, pl.DataFrame], vocabulary: Vocabulary, spill: Path
) -> Spilled:
    """Every frame written to `spill` slim (`scored_columns`) and let go, a source at a
    time; a linked source's part of the linkage table (pipeline/link/records.py) is built
    from the columns linking reads (`LINKAGE_INPUT_COLUMNS`) and written after it. No
    frame is held in full beside another's part, nor beside the table. `frames` ends empty."""
    cases = case_lookups(frames.get("cases"))
    latest = latest_petition_date(frames.get("petitions"))
    waiting = {name: spill / f"frame-{name}.parquet" for name in frames}
    parts: dict[str, Path] = {}
    for source in sorted(frames, key=_linking_order):
        frame = frames.pop(source)
        _spilled(scored_columns(frame), waiting[source])
        if source in LINKED_SOURCES and not frame.is_empty():
            linking = frame.select(c for c in frame.columns if c in LINKAGE_INPUT_COLUMNS)
            del frame
            path = spill / f"records-{source}.parquet"
            parts[source] = _records_spilled(source, linking, cases, vocabulary, path)
    return Spilled(parts, waiting, latest)


def _records_spilled(
    source: str, linking: pl.DataFrame, cases: CaseLookups, vocabulary: Vocabulary, path: Path
) -> Path:
    """`source_records` of `linking` written to `path`: for the monitoring rows, a folder of
    slices of whole households (every step of `source_records` that reads other rows reads
    the household's: the head's ID, birth bounds, relations), each with its rows' places
    (`read_back` puts them back in order); else one file."""
    if source != "poverty" or linking.height <= RECORD_SLICE_ROWS:
        return _spilled(source_records(source, decoded(linking), cases, vocabulary), path)
    count = -(-linking.height // RECORD_SLICE_ROWS)
    slice_of = linking.select(pl.col("household_id").hash(seed=0) % count).to_series()
    path.mkdir()
    for i in range(count):
        rows = slice_of == i
        part = source_records(source, decoded(linking.filter(rows)), cases, vocabulary)
        _spilled(part.with_columns(rows.arg_true().alias(_POSITION)), path / f"{i:04d}.parquet")
    return path


def _linking_order(source: str) -> int:
    return LINKED_SOURCES.index(source) if source in LINKED_SOURCES else len(LINKED_SOURCES)


def _spilled(frame: pl.DataFrame, path: Path) -> Path:
    """`frame` written to `path` in row groups of ROW_GROUP rows: written as one group, the
    monitoring rows' columns took +0.3-0.4 GB at once (docs/scale.md); `read_back` gives
    the frame back in one chunk."""
    frame.write_parquet(path, compression="lz4", row_group_size=ROW_GROUP)
    return path


def read_back(path: Path) -> pl.DataFrame:
    """A spill read back a column at a time, each column in one chunk (as the linker and
    the later stages had it in memory: over columns chunked unlike each other, polars
    copies a frame to filter it). Read whole, its row groups come in as chunks, and
    rechunking the frame whole would hold it twice. A folder of slices
    (`_records_spilled`) comes back in the order of the rows it was built from."""
    if path.is_dir():
        return _slices_read_back(sorted(path.iterdir()))
    return pl.DataFrame(
        [
            _compact(pl.read_parquet(path, columns=[c]).to_series())
            for c in pl.read_parquet_schema(path)
        ]
    )


def _compact(column: pl.Series) -> pl.Series:
    """`column` in one chunk; a column of nulls only (the monitoring rows' 工作表 and 出生日期
    columns) as a null column, which polars holds in a few bytes a row where the one read
    back from parquet holds 16 (32 MB at 2 M rows)."""
    if column.len() and column.null_count() == column.len():
        return pl.repeat(None, column.len(), dtype=column.dtype, eager=True).alias(column.name)
    return column.rechunk()


def _slices_read_back(files: list[Path]) -> pl.DataFrame:
    def column(name: str) -> pl.Series:
        return pl.concat([pl.read_parquet(f, columns=[name]).to_series() for f in files])

    order = column(_POSITION).arg_sort()
    names = [c for c in pl.read_parquet_schema(files[0]) if c != _POSITION]
    return pl.DataFrame([_compact(column(c).gather(order)) for c in names])


def scored_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns scoring and the run folder read (SCORED_COLUMNS, the facts); the rest
    (raw names, phones, places, linkage keys) served linking and are let go."""
    keep = [c for c in frame.columns if c in SCORED_COLUMNS or c.startswith("fact_")]
    return frame.select(keep)
