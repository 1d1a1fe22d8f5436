"""run_partitioned(inputs, out, work, map_fn) -> RunResult: `run` with its heavy steps in parts.

The table of contents of a run whose row work is done part by part by `map_fn` (the
built-in `map` in one process; a Dask client's map, or Prefect tasks on a Dask cluster,
in flows/): every part is a function of paths on the shared `work` folder, returning paths
and counts. The driver does what needs the whole province, from the parts' parquet:

| stage    | on the workers, part by part               | on the driver                              |
|----------|--------------------------------------------|--------------------------------------------|
| ingest   | read, normalise, row rules: one per file   | -                                          |
| validate | -                                          | duplicate keys, GX on the derived views, reports, filters |
| signals  | facts: slices by case summary / rows       | rows put back in order                     |
| link     | link_people: one per region partition      | linkage table, split, join by trusted ID   |
| score    | score_leads: slices of leads               | build_leads, rank, reviews, review model   |
| write    | -                                          | the run folder                             |

The run folder is the one `run(..., link=partitioned linker)` writes (tested): the same
files, masking and manifest.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.config import Config, LinkageSettings, load_config
from pipeline.ingest.read import SourceFrame
from pipeline.leads.decisions import STORE_NAME
from pipeline.link.partition import MapFn
from pipeline.outputs.decisions import write_decision_store
from pipeline.outputs.folder import RunFolder
from pipeline.partitioned.files import CheckedFile, check_file, csv_parts, input_files
from pipeline.partitioned.linking import link_via_files
from pipeline.partitioned.scoring import score_in_slices
from pipeline.partitioned.signals import facts_in_slices
from pipeline.partitioned.validate import validate_checked_files
from pipeline.run import (
    _Timer,
    link_sources,
    new_run_id,
    rows_handed_over,
    score_sources,
    write_run_folder,
)
from pipeline.state import (
    STAGES,
    CompletedRun,
    Ingested,
    ProgressCallback,
    RunInputs,
    RunResult,
    StageEvent,
)
from pipeline.validate.expectations import preload_great_expectations
from pipeline.validate.filters import RunFilters


def run_partitioned(
    inputs: RunInputs,
    out: Path,
    work: Path,
    map_fn: MapFn = map,
    config: Config | None = None,
    filters: RunFilters | None = None,
    progress: ProgressCallback | None = None,
    slices: int = 0,
) -> RunResult:
    """Run every stage, row work in parts by `map_fn`, and write `<out>/<run_id>/`.

    Args:
        work: a folder every worker sees at the same path (a shared file system); the
            run's parts go to `<work>/<run_id>/` and are deleted at the end.
        slices: how many slices of text (per source) and of leads; 0 (the default) for
            `text_slice_rows` and `lead_slice_rows` of schemas/partitioning.yaml.
    """
    config = config or load_config()
    timer = _Timer(progress)
    counted = partial(_counted_map, map_fn, timer)
    preload_great_expectations()
    started = datetime.now(UTC)
    scratch = Path(work) / new_run_id(started)
    try:
        with timer.stage(
            "ingest", rows=lambda: sum(r.rows_read for c in checked for r in c.reports)
        ):
            files = [
                part
                for item in input_files(inputs.by_source())
                for part in csv_parts(item, config, scratch)
            ]
            check = partial(check_file, config=config, work=scratch)
            checked = list(counted("ingest")(check, files))
        adhoc = filters is not None and not filters.is_empty()
        folder = RunFolder(Path(out), scratch.name, config.pipeline.adhoc_folder if adhoc else None)
        parts = _Parts(started, scratch, counted, slices, timer)
        try:
            return _run_stages(checked, inputs, config, filters, folder, parts)
        except BaseException:
            folder.discard()
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # personal data: the run folder is the copy


@dataclass(frozen=True)
class _Parts:
    """How the stages after ingest run their parts."""

    started: datetime
    scratch: Path
    counted: Callable[[str], MapFn]
    slices: int
    timer: _Timer


def _run_stages(
    checked: list[CheckedFile],
    inputs: RunInputs,
    config: Config,
    filters: RunFilters | None,
    folder: RunFolder,
    parts: _Parts,
) -> RunResult:
    """validate -> signals -> link -> score -> write, as `run` does, row work in parts."""
    timer, scratch = parts.timer, parts.scratch
    with timer.stage("validate", rows=lambda: _rows(validated.accepted)):
        reports, validated = validate_checked_files(
            checked, list(inputs.by_source()), config, folder, filters
        )
    sources = {n: SourceFrame(n, pl.DataFrame(), r) for n, r in reports.items()}
    with timer.stage("signals"):
        # as `run` does: the rows live on in the facts' frames alone, not in `validated`
        # too (which held every column of every accepted row to the write stage)
        rows, validated = rows_handed_over(validated)
        facts = facts_in_slices(
            rows.accepted, config, scratch, parts.counted("signals"), parts.slices
        )
        del rows
    link = partial(_link, config=config, work=scratch, map_fn=parts.counted("link"))
    with timer.stage("link", rows=lambda: linked.result.blocking.candidate_pairs):
        linked = link_sources(facts, config, link, work=scratch)
    score = partial(_score, work=scratch, map_fn=parts.counted("score"), slices=parts.slices)
    with timer.stage("score", rows=lambda: scored.candidates.height):
        scored = score_sources(linked, config, inputs, folder, score)
    with timer.stage("write"):
        ingested = Ingested(parts.started, sources)
        completed = CompletedRun(folder.run_id, ingested, validated, linked, scored)
        manifest = write_run_folder(folder, completed, config, timer.seconds)
        final = folder.commit()
        if scored.history.height or (folder.out / STORE_NAME).exists():
            write_decision_store(folder.out / STORE_NAME, scored.history)
    return RunResult(folder.run_id, final, manifest, scored.candidates, linked.result)


def _rows(frames: dict[str, pl.DataFrame]) -> int:
    return sum(f.height for f in frames.values())


def _link(
    records: pl.DataFrame, settings: LinkageSettings, config: Config, work: Path, map_fn: MapFn
) -> Any:
    return link_via_files(records, settings, config.partitioning, work, map_fn)


def _score(
    leads: pl.DataFrame, config: Config, work: Path, map_fn: MapFn, slices: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return score_in_slices(leads, config, work, map_fn, slices)


def _counted_map(map_fn: MapFn, timer: _Timer, stage: str) -> MapFn:
    """`map_fn` that reports each part done (parts_done / parts_total) to the progress callback."""

    def mapped(fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        items = list(items)
        index = STAGES.index(stage) + 1
        for done, result in enumerate(map_fn(fn, items), 1):
            if timer.progress is not None:
                elapsed = time.perf_counter() - timer.start
                timer.progress(
                    StageEvent(
                        stage, index, len(STAGES), False, 0.0, elapsed, None, done, len(items)
                    )
                )
            yield result

    return mapped
