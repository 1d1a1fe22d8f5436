"""run(inputs, out) -> RunResult: compose the stages. The command line and the flows call this.

Each stage is a function that reads and extends a RunState; `run` is the table of contents.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.config import Config, LinkageSettings, load_config
from pipeline.errors import QuarantineLimitError
from pipeline.expectations import (
    expectation_view,
    load_suites,
    preload_great_expectations,
    run_expectation_suites,
)
from pipeline.filters import RunFilters, apply_filters
from pipeline.ingest import JUNK_COLUMN, SourceFrame, read_source
from pipeline.lead_sources import lead_source_summary
from pipeline.leads import build_leads
from pipeline.link.people import LinkResult, link_people
from pipeline.link.records import linkage_records
from pipeline.manifest import build_manifest, run_summary_markdown
from pipeline.outputs import RunFolder, write_tables
from pipeline.prepare import prepare_source
from pipeline.referrals import build_referrals
from pipeline.reviews import carry_over_reviews, mark_new, previous_candidates
from pipeline.score import score_leads
from pipeline.signals.case_text import case_facts_frame
from pipeline.signals.petition_text import petition_facts_frame
from pipeline.validate import (
    ValidatedSource,
    count_per_file,
    quarantine_limit_breaches,
    validate_rows,
)
from pipeline.validation_report import steward_summary

log = logging.getLogger("relief_leads")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "sample_data"
STAGES = ("ingest", "validate", "signals", "link", "score", "write")


@dataclass(frozen=True)
class RunInputs:
    """Paths of one run's inputs; each a file or a folder of files."""

    poverty: Path
    petitions: Path
    cases: Path
    relief_history: Path | None = None
    reviews: Path | None = None

    @classmethod
    def sample(cls, root: Path = SAMPLE_DIR) -> RunInputs:
        relief = root / "relief_history.csv"
        return cls(
            poverty=root / "poverty.xlsx",
            petitions=root / "petitions.csv",
            cases=root / "cases.csv",
            relief_history=relief if relief.exists() else None,
        )

    def by_source(self) -> dict[str, Path]:
        paths = {
            "poverty": self.poverty,
            "petitions": self.petitions,
            "cases": self.cases,
            "relief_history": self.relief_history,
        }
        return {k: Path(v) for k, v in paths.items() if v is not None}


@dataclass
class RunState:
    """What the stages have produced so far; frames stay in memory, never in logs."""

    started: datetime
    filters: RunFilters | None
    sources: dict[str, SourceFrame] = field(default_factory=dict)
    validated: dict[str, ValidatedSource] = field(default_factory=dict)
    prepared: dict[str, pl.DataFrame] = field(default_factory=dict)
    filtered_out: dict[str, int] = field(default_factory=dict)
    linked: LinkResult = field(init=False)
    leads: pl.DataFrame = field(init=False)
    candidates: pl.DataFrame = field(init=False)
    excluded: pl.DataFrame = field(init=False)
    referrals: pl.DataFrame = field(init=False)
    reviews: SourceFrame | None = None
    lead_sources: dict[str, Any] = field(default_factory=dict)
    expectations_sampled: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class RunResult:
    run_id: str
    folder: Path
    manifest: dict[str, Any]
    candidates: pl.DataFrame = field(repr=False)
    links: LinkResult = field(repr=False)


@dataclass(frozen=True)
class StageEvent:
    """Progress of a run, for a terminal display or structured logs: counts and seconds only."""

    stage: str
    index: int
    total: int
    done: bool
    seconds: float
    elapsed: float
    rows: int | None = None


ProgressCallback = Callable[[StageEvent], None]
# The linker: link_people in one process, or a partitioned linker (pipeline/link/partition.py)
# whose partitions a Dask cluster runs (flows/distributed.py). Both return what run() reads.
LinkFn = Callable[[pl.DataFrame, LinkageSettings], Any]


class _Timer:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self.start = time.perf_counter()

    @contextmanager
    def stage(self, name: str, rows: Callable[[], int | None] = lambda: None) -> Iterator[None]:
        index = STAGES.index(name) + 1 if name in STAGES else 0
        began = time.perf_counter()
        self._emit(StageEvent(name, index, len(STAGES), False, 0.0, began - self.start))
        log.info("stage %s: start", name)
        yield
        self.seconds[name] = round(time.perf_counter() - began, 3)
        log.info("stage %s: done in %.2fs", name, self.seconds[name])
        self._emit(
            StageEvent(
                name,
                index,
                len(STAGES),
                True,
                self.seconds[name],
                time.perf_counter() - self.start,
                rows(),
            )
        )

    def _emit(self, event: StageEvent) -> None:
        if self.progress is not None:
            self.progress(event)


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def run(
    inputs: RunInputs,
    out: Path = Path("runs"),
    config: Config | None = None,
    filters: RunFilters | None = None,
    progress: ProgressCallback | None = None,
    link: LinkFn = link_people,
) -> RunResult:
    """Run every stage on the inputs and write `<out>/<run_id>/`; return what was written."""
    config = config or load_config()
    state = RunState(started=datetime.now(UTC), filters=filters)
    timer = _Timer(progress)
    preload_great_expectations()
    with timer.stage("ingest", rows=lambda: sum(s.frame.height for s in state.sources.values())):
        state.sources = {
            name: read_source(name, path, config) for name, path in inputs.by_source().items()
        }
    folder = RunFolder(Path(out), new_run_id(state.started))
    try:
        with timer.stage("validate", rows=lambda: sum(f.height for f in state.prepared.values())):
            _validate(state, config, folder, timer)
        with timer.stage("signals"):
            _read_free_text(state)
        with timer.stage("link", rows=lambda: state.linked.blocking.candidate_pairs):
            _link(state, config, link)
        with timer.stage("score", rows=lambda: state.candidates.height):
            _score(state, config, inputs, folder.out)
        with timer.stage("write"):
            write_tables(folder, state, config.linkage.clustering.review_band)
            manifest = build_manifest(state, folder.run_id, config.digest, timer.seconds)
            folder.write_json("manifest.json", manifest)
            folder.write_text("summary.md", run_summary_markdown(manifest))
            final = folder.commit()
    except BaseException:
        folder.discard()
        raise
    log.info("run %s written: %d leads", folder.run_id, state.candidates.height)
    return RunResult(folder.run_id, final, manifest, state.candidates, state.linked)


def _validate(state: RunState, config: Config, folder: RunFolder, timer: _Timer) -> None:
    """Normalise, apply row rules and expectation suites, stop on a broken export, filter."""
    suites = load_suites(config.sources)
    views: dict[str, pl.DataFrame] = {}
    for name, source in state.sources.items():
        frame = prepare_source(name, source.frame)
        state.validated[name] = validate_rows(name, frame, config.source(name), suites.get(name))
        state.prepared[name] = state.validated[name].accepted
        count_per_file(source.files, state.validated[name])
        if name in suites:
            # Layout rows (blank, total, repeated header) are quarantined; GX sees the records.
            records = (
                frame.filter(pl.col(JUNK_COLUMN).is_null())
                if JUNK_COLUMN in frame.columns
                else frame
            )
            cap = config.pipeline.expectations_max_rows
            if records.height > cap:
                state.expectations_sampled[name] = {"rows": records.height, "sampled": cap}
                records = records.sample(n=cap, seed=0)
            views[name] = expectation_view(records, config.source(name), suites[name])
    reports = {name: s.files for name, s in state.sources.items()}
    with timer.stage("expectations"):
        expectations = run_expectation_suites(
            views, config.sources, suites, (folder.path / "validation" / "data_docs").resolve()
        )
    breaches = quarantine_limit_breaches(config, reports, state.validated)
    summary = steward_summary(reports, state.validated, expectations, breaches)
    for name, sampled in state.expectations_sampled.items():
        summary += (
            f"\nNote: expectations for {name} ran on a fixed sample of {sampled['sampled']:,} of "
            f"{sampled['rows']:,} rows; the row rules above checked every row.\n"
        )
    folder.write_text("validation/summary.md", summary)
    _check_quarantine_limits(breaches, folder)
    for name in list(state.prepared):
        before = state.prepared[name].height
        state.prepared[name] = apply_filters(name, state.prepared[name], state.filters)
        state.filtered_out[name] = before - state.prepared[name].height


def _check_quarantine_limits(breaches: list[str], folder: RunFolder) -> None:
    """Stop the run when a source passed its quarantine limit, keeping only the validation report.

    The partial folder becomes `<run_id>-FAILED` (it never looks complete, and `latest`
    does not move) so the steward can read `validation/summary.md` and the Data Docs.
    """
    if breaches:
        failed = folder.out / f"{folder.run_id}-FAILED"
        folder.path.rename(failed)
        raise QuarantineLimitError(
            "run stopped, too many rows quarantined (the export looks broken): "
            + "; ".join(breaches)
            + f". Steward summary: {failed / 'validation' / 'summary.md'}"
        )


def _read_free_text(state: RunState) -> None:
    state.prepared["cases"] = case_facts_frame(state.prepared["cases"])
    if "petitions" in state.prepared:
        state.prepared["petitions"] = petition_facts_frame(state.prepared["petitions"])


def _link(state: RunState, config: Config, link: LinkFn) -> None:
    state.linked = link(linkage_records(state.prepared), config.linkage)
    person_of = state.linked.links.select("record_key", "person_id", "link_confidence")
    for name in list(state.prepared):
        state.prepared[name] = state.prepared[name].join(person_of, on="record_key", how="left")


def _score(state: RunState, config: Config, inputs: RunInputs, out: Path) -> None:
    state.leads = build_leads(state.prepared, config.scoring)
    candidates, state.excluded = score_leads(state.leads, config.scoring)
    candidates = mark_new(candidates, previous_candidates(out))
    if inputs.reviews is not None:
        state.reviews = read_source("reviews", Path(inputs.reviews), config)
        candidates = carry_over_reviews(candidates, state.reviews.frame)
    state.candidates = candidates
    state.referrals = build_referrals(candidates, state.excluded)
    state.lead_sources = lead_source_summary(state.leads, candidates, config.scoring)
