"""Facts from free text, slice by slice on the workers.

Petition texts are read row by row, so any slice of rows gives the facts the whole
source would. A case summary is read once for every row that shares it (the victims it
names are each other's "others"), so case rows are sliced by the summary's hash: rows of
one summary always land in one slice. The driver puts the rows back in their order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from pipeline.config import Config
from pipeline.link.partition import MapFn
from pipeline.run import FREE_TEXT_COLUMNS
from pipeline.signals.case_text import case_facts_frame
from pipeline.signals.petition_text import petition_facts_frame
from pipeline.state import WithFacts

_POSITION = "_row_position"


@dataclass(frozen=True)
class TextSlice:
    source: str
    path: str
    out: str


def facts_in_slices(
    frames: dict[str, pl.DataFrame], config: Config, work: Path, map_fn: MapFn, slices: int = 0
) -> WithFacts:
    """`read_free_text` of run.py, its slices run by `map_fn`.

    Args:
        slices: per source; 0 for one slice per `text_slice_rows` (schemas/partitioning.yaml).
    """
    out = dict(frames)
    items: list[TextSlice] = []
    for source, bucket in (("cases", _summary_bucket), ("petitions", _row_bucket)):
        if source in frames:
            rows = config.partitioning.text_slice_rows
            count = slices or max(1, -(-frames[source].height // rows))
            items += write_slices(frames[source], source, bucket(count), Path(work) / "text")
    done = list(map_fn(partial(read_facts, config=config), items))
    for source in ("cases", "petitions"):
        parts = [pl.read_parquet(s.out) for s in done if s.source == source]
        if parts:
            joined = pl.concat(parts, how="vertical_relaxed").sort(_POSITION)
            out[source] = joined.drop(_POSITION, *FREE_TEXT_COLUMNS, strict=False)
        elif source in frames:  # no rows (a filter took them all): the columns still
            out[source] = text_facts(frames[source], source, config)
    return WithFacts(out)


def _summary_bucket(slices: int) -> Callable[[pl.DataFrame], pl.Expr]:
    def bucket(_frame: pl.DataFrame) -> pl.Expr:
        by_text = pl.col("summary").hash(seed=0) % slices
        return (
            pl.when(pl.col("summary").is_null()).then(pl.col(_POSITION) % slices).otherwise(by_text)
        )

    return bucket


def _row_bucket(slices: int) -> Callable[[pl.DataFrame], pl.Expr]:
    def bucket(frame: pl.DataFrame) -> pl.Expr:
        size = max(1, -(-frame.height // slices))
        return pl.col(_POSITION) // size

    return bucket


def write_slices(
    frame: pl.DataFrame,
    source: str,
    bucket: Callable[[pl.DataFrame], pl.Expr],
    folder: Path,
) -> list[TextSlice]:
    """One parquet per non-empty slice of `frame`, each row with its position."""
    folder.mkdir(parents=True, exist_ok=True)
    numbered = frame.with_row_index(_POSITION)
    keyed = numbered.with_columns(bucket(numbered).cast(pl.Int64).alias("_slice"))
    items = []
    for (number,), part in sorted(keyed.group_by("_slice"), key=lambda g: int(g[0][0])):
        path = folder / f"{source}-{int(number):04d}.parquet"
        part.drop("_slice").write_parquet(path)
        items.append(TextSlice(source, str(path), str(path.with_suffix(".facts.parquet"))))
    return items


def read_facts(item: TextSlice, config: Config) -> TextSlice:
    """The facts of one slice, written beside it (on a worker)."""
    text_facts(pl.read_parquet(item.path), item.source, config).write_parquet(item.out)
    return item


def text_facts(frame: pl.DataFrame, source: str, config: Config) -> pl.DataFrame:
    if source == "cases":
        return case_facts_frame(frame, config.text_patterns, config.scoring.roles["victim"])
    return petition_facts_frame(frame, config.text_patterns)
