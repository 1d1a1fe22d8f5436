"""run(inputs, out) -> RunResult: the table of contents. The command line and the flows call this.

Each stage is a function from the previous stage's frozen result (pipeline/state.py) to its own.
"""

from __future__ import annotations

import logging
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.coded import CODED_SOURCES
from pipeline.config import Config, LinkageSettings, load_config
from pipeline.errors import QuarantineLimitError
from pipeline.ingest.decisions import read_decision_store
from pipeline.ingest.read import JUNK_COLUMN, SourceFrame, read_source
from pipeline.leads.build import build_leads
from pipeline.leads.decisions import STORE_NAME, latest_decisions, record_decisions
from pipeline.leads.learning import apply_review_model, train_review_model
from pipeline.leads.minors import minors_by_any_row, with_minor_flag
from pipeline.leads.referrals import build_referrals
from pipeline.leads.review_features import feature_labels, with_features
from pipeline.leads.reviews import (
    carry_over_reviews,
    mark_new,
    previous_candidates,
    read_reviews,
    review_counts,
    rows_to_carry,
)
from pipeline.leads.score import score_leads
from pipeline.leads.sources import lead_source_summary
from pipeline.link.people import link_people
from pipeline.link.records import (
    LINKAGE_INPUT_COLUMNS,
    numbered_records,
    with_household_numbers_checked,
)
from pipeline.outputs.decisions import write_decision_store
from pipeline.outputs.folder import RunFolder
from pipeline.outputs.manifest import build_manifest, run_summary_markdown
from pipeline.outputs.run_report import run_report
from pipeline.outputs.tables import write_tables
from pipeline.outputs.validation_page import validation_page
from pipeline.signals.case_text import case_facts_reading
from pipeline.signals.petition_text import petition_facts_frame
from pipeline.signals.readers import TextReaders
from pipeline.spill import SCORED_COLUMNS, read_back, spilled_sources
from pipeline.state import (
    PROJECT_ROOT,
    SAMPLE_DIR,
    STAGES,
    CompletedRun,
    FactsOnTheWay,
    Ingested,
    Linked,
    ProgressCallback,
    RunInputs,
    RunResult,
    Scored,
    StageEvent,
    Validated,
    WithFacts,
)
from pipeline.validate.expectations import (
    expectation_view,
    preload_great_expectations,
    run_expectation_suites,
)
from pipeline.validate.filters import RunFilters, apply_filters
from pipeline.validate.report import steward_summary
from pipeline.validate.results import validation_results
from pipeline.validate.rows import (
    ValidatedSource,
    count_per_file,
    quarantine_limit_breaches,
)
from pipeline.validate.sliced import ExpectationRecords, validate_in_slices

__all__ = [
    "PROJECT_ROOT",
    "SAMPLE_DIR",
    "STAGES",
    "RunFilters",
    "RunInputs",
    "RunResult",
    "StageEvent",
    "run",
]

log = logging.getLogger("relief_leads")
# Free text the facts are read from; nothing after the signals stage reads it.
FREE_TEXT_COLUMNS = ("summary", "text")
# The sources read_free_text reads facts from.
TEXT_SOURCES = ("cases", "petitions")
# What every row gets from the link: its person, and what person_links.csv shows of the
# link (pipeline/outputs/tables.py reads them from the frames, not by a second join).
LINK_COLUMNS = ("person_id", "link_confidence", "cluster_size", "linked_by")
_BIRTH_COLUMNS = ("person_id", "birth", "id_birth", "birth_date")
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
    timer = _Timer(progress)
    preload_great_expectations()
    with timer.stage("ingest", rows=lambda: _rows(ingested.sources)):
        ingested = ingest_sources(inputs, config)
    adhoc = filters is not None and not filters.is_empty()
    folder = RunFolder(
        Path(out), new_run_id(ingested.started), config.pipeline.adhoc_folder if adhoc else None
    )
    try:
        with TextReaders(config.text_patterns, config.pipeline.text_workers) as readers:
            # the text workers start while this process validates (TextReaders.start_workers)
            readers.start_workers(_case_rows(ingested))
            with timer.stage("validate", rows=lambda: _rows(validated.accepted)):
                validated = validate_sources(ingested, config, folder, filters, timer)
            with timer.stage("signals"):
                rows, validated = rows_handed_over(validated)
                # the petitions read here; the case summaries read by the workers while
                # this process links (the link stage waits for them at its end)
                with_facts = read_free_text(rows, config, readers, wait=False)
                del rows  # the rows live on in with_facts alone (linking lets them go)
            with timer.stage("link", rows=lambda: linked.result.blocking.candidate_pairs):
                linked = link_sources(with_facts, config, link, work=folder.path)
                del with_facts  # its frames and facts live on in linked alone
                readers.close(wait=False)  # the workers end while the run scores
        with timer.stage("score", rows=lambda: scored.candidates.height):
            scored = score_sources(linked, config, inputs, folder)
        with timer.stage("write"):
            completed = CompletedRun(folder.run_id, ingested, validated, linked, scored)
            manifest = write_run_folder(folder, completed, config, timer.seconds)
            final = folder.commit()
            if scored.history.height or (folder.out / STORE_NAME).exists():
                write_decision_store(folder.out / STORE_NAME, scored.history)
    except BaseException:
        folder.discard()
        raise
    log.info("run %s written: %d leads", folder.run_id, scored.candidates.height)
    return RunResult(folder.run_id, final, manifest, scored.candidates, linked.result)


def _rows(frames: dict[str, Any]) -> int:
    return sum(getattr(f, "frame", f).height for f in frames.values())


def _case_rows(ingested: Ingested) -> int:
    """The case rows read: no more case texts than that are read (one per summary and victim)."""
    cases = ingested.sources.get("cases")
    return cases.frame.height if cases is not None else 0


def ingest_sources(inputs: RunInputs, config: Config) -> Ingested:
    """Read every input file of every source as text."""
    started = datetime.now(UTC)
    sources = {
        name: read_source(name, path, config, code=name in CODED_SOURCES)
        for name, path in inputs.by_source().items()
    }
    return Ingested(started, sources)


def validate_sources(
    ingested: Ingested,
    config: Config,
    folder: RunFolder,
    filters: RunFilters | None,
    timer: _Timer,
) -> Validated:
    """Normalise, apply row rules and expectation suites, stop on a broken export, filter."""
    suites = config.suites
    checked: dict[str, ValidatedSource] = {}
    views: dict[str, pl.DataFrame] = {}
    sampled: dict[str, dict[str, int]] = {}
    for name, source in ingested.sources.items():
        checked[name], view = _validate_source(name, source, config, sampled)
        if view is not None:
            views[name] = view
    reports = {name: s.files for name, s in ingested.sources.items()}
    with timer.stage("expectations"):
        expectations = run_expectation_suites(
            views, config.sources, suites, (folder.path / "validation" / "data_docs").resolve()
        )
    breaches = quarantine_limit_breaches(config, reports, checked)
    results = validation_results(reports, checked, expectations, config, sampled)
    folder.write_text("validation/summary.md", steward_summary(results, breaches))
    folder.write_text("validation/report.html", validation_page(results, breaches, folder.run_id))
    check_quarantine_limits(breaches, folder)
    accepted = {name: apply_filters(name, v.accepted, filters) for name, v in checked.items()}
    filtered_out = {name: checked[name].accepted.height - f.height for name, f in accepted.items()}
    return Validated(checked, accepted, filters, filtered_out, sampled, results)


def _validate_source(
    name: str, source: SourceFrame, config: Config, sampled: dict[str, dict[str, int]]
) -> tuple[ValidatedSource, pl.DataFrame | None]:
    """One source's accepted rows and quarantine, and the view its expectation suite checks.

    The raw frame is taken from `source` (its reports stay) and normalised and checked a
    slice at a time (pipeline/validate/sliced.py): raw, prepared and accepted rows are
    never all held at once.
    """
    suite = config.suites.get(name)
    sample = _expectation_records(config, name) if suite is not None else None
    # the rows of the sources without free text wait coded (pipeline/coded.py)
    code = name in CODED_SOURCES
    result = validate_in_slices(source, config.source(name), suite, sample, code=code)
    count_per_file(source.files, result.checked)
    if suite is None or result.records is None:
        return result.checked, None
    if sample is not None and result.records_read > sample.cap:
        sampled[name] = {"rows": result.records_read, "sampled": sample.cap}
    return result.checked, expectation_view(result.records, config.source(name), suite)


def _expectation_records(config: Config, name: str) -> ExpectationRecords:
    """The records GX checks: layout rows (blank, total, repeated header) are quarantined
    anyway; above the cap a fixed sample (the row rules still check every row). Only the
    fields the suite reads are kept: the sample draws rows, whatever the columns."""
    suite = config.suites[name]
    fields = {*config.source(name).required, "id_status", JUNK_COLUMN, *suite.dates}
    fields |= {*suite.vocabularies, *(f for key in suite.unique.values() for f in key)}
    return ExpectationRecords(frozenset(fields), config.pipeline.expectations_max_rows)


def check_quarantine_limits(breaches: list[str], folder: RunFolder) -> None:
    """Stop the run when a source passed its quarantine limit, keeping only the validation report.

    The partial folder becomes `<run_id>-FAILED` (it never looks complete, and `latest`
    does not move) so the steward can read `validation/summary.md` and the Data Docs.
    """
    if breaches:
        failed = folder.fail()
        raise QuarantineLimitError(
            "run stopped, too many rows quarantined (the export looks broken): "
            + "; ".join(breaches)
            + f". Steward summary: {failed / 'validation' / 'summary.md'}"
        )


def rows_handed_over(validated: Validated) -> tuple[Validated, Validated]:
    """The accepted rows, to read the facts from, and `validated` without them.

    The sources without free text wait beside the text reading with only the columns
    linking, scoring and writing read (`_kept_after_signals`); the rest of their columns
    (raw names, phones, flags) is let go now rather than at the link stage. The rows are
    then held by the first result alone: `validated` is to be replaced by the second.
    """
    rows = validated.accepted
    for name in rows.keys() - set(TEXT_SOURCES):
        rows[name] = _kept_after_signals(rows[name])
    return Validated({}, rows), validated.without_rows()


def _kept_after_signals(frame: pl.DataFrame) -> pl.DataFrame:
    keep = {*LINKAGE_INPUT_COLUMNS, *SCORED_COLUMNS}
    return frame.select(c for c in frame.columns if c in keep or c.startswith("fact_"))


def read_free_text(
    validated: Validated, config: Config, readers: TextReaders | None = None, wait: bool = True
) -> WithFacts:
    """Facts from case summaries (per victim) and petition texts, read by `readers` (the
    run's, its workers perhaps started already; else a TextReaders of its own).

    Without `wait`, the case summaries are handed to the readers' workers and the cases'
    facts are `pending`: this process links meanwhile (linking reads no fact) and
    `link_sources` adds them when the case rows come back from its spill. The linker
    leaves a core idle for much of its time; the readers use it.
    """
    if readers is None:
        with TextReaders(config.text_patterns, config.pipeline.text_workers) as own:
            return read_free_text(validated, config, own)
    frames = dict(validated.accepted)
    patterns = config.text_patterns
    if "petitions" in frames:
        frames["petitions"] = petition_facts_frame(frames["petitions"], patterns, readers).drop(
            FREE_TEXT_COLUMNS, strict=False
        )
    reading = case_facts_reading(frames["cases"], patterns, config.scoring.roles["victim"], readers)
    if not wait:
        return WithFacts(frames, pending={"cases": reading})
    frames["cases"] = reading.facts(frames["cases"]).drop(FREE_TEXT_COLUMNS, strict=False)
    return WithFacts(frames)


def link_sources(
    with_facts: WithFacts, config: Config, link: LinkFn, work: Path | None = None
) -> Linked:
    """One person_id for every accepted row; `with_facts` hands its frames over (see
    WithFacts.release), and only the columns scoring and writing read are kept.

    Each frame goes to parquet in a folder of `work` (the system's temporary folder when
    None) with only those columns, and its part of the linkage table is built from the
    columns linking reads and written there too (pipeline/spill.py); the table is read back
    and linked while the frames wait on disk. The folder is removed at the end.
    """
    frames, pending = with_facts.release(), dict(with_facts.pending)
    with tempfile.TemporaryDirectory(prefix="link-", dir=work) as folder:
        spilled = spilled_sources(frames, config.vocabulary, Path(folder))
        records = _linkage_table(dict(spilled.parts), spilled.latest_petition)
        result = link(records, config.linkage)
        del records
        person_of = result.links.select(
            "record_key", *(c for c in LINK_COLUMNS if c in result.links.columns)
        )
        linked = {
            n: _with_person_ids(_with_facts(read_back(p), pending.get(n)), person_of)
            for n, p in spilled.frames.items()
        }
    return Linked(linked, result)


def _with_facts(frame: pl.DataFrame, pending: FactsOnTheWay | None) -> pl.DataFrame:
    """`frame` with the facts still on their way to it, its texts let go."""
    if pending is None:
        return frame
    return pending.facts(frame).drop(FREE_TEXT_COLUMNS, strict=False)


def _linkage_table(parts: dict[str, Path], latest: date | None) -> pl.DataFrame:
    """The linkage table read back from its parts: the monitoring rows, then the others'
    with the IDs that are a monitoring household's dropped (in memory, as linkage_records)."""
    monitoring = read_back(parts.pop("poverty")) if "poverty" in parts else None
    others = with_household_numbers_checked(monitoring, [read_back(p) for p in parts.values()])
    stacked = [p for p in (monitoring, others) if p is not None]
    del monitoring, others  # numbered_records lets go of them a column at a time
    return numbered_records(stacked, latest)


def _with_person_ids(frame: pl.DataFrame, person_of: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the link's columns of its record_key (person_id, link_confidence, and
    what person_links.csv shows besides), its columns shared, not copied by a join of the
    whole frame."""
    linked = frame.select("record_key").join(
        person_of, on="record_key", how="left", maintain_order="left"
    )
    return frame.with_columns(linked.drop("record_key").get_columns())


# Scores the leads: score_leads in one process, or in slices on a cluster (pipeline/partitioned/).
ScoreFn = Callable[[pl.DataFrame, Config], tuple[pl.DataFrame, pl.DataFrame]]


def score_sources(
    linked: Linked,
    config: Config,
    inputs: RunInputs,
    folder: RunFolder,
    score: ScoreFn = score_leads,
) -> Scored:
    """Leads scored against the legal test, marked new against the last full run
    (`folder.baseline`, `<out>/latest`), decisions carried over (the history's, then the
    reviews file's), ordered within tiers by the review model."""
    leads = build_leads(linked.frames, config.scoring, config.vocabulary)
    candidates, excluded = score(leads, config)
    minors = minors_by_any_row(_rows_of_victims(linked.frames, leads), leads)
    candidates, excluded = with_minor_flag(candidates, minors), with_minor_flag(excluded, minors)
    candidates = mark_new(candidates, previous_candidates(folder.baseline))
    decisions = config.vocabulary.review_decisions
    reviews, counts = None, None
    if inputs.reviews is not None:
        reviews = read_reviews(read_source("reviews", Path(inputs.reviews), config), decisions)
    history = read_decision_store(folder.out / STORE_NAME)
    carried = rows_to_carry(history, reviews, decisions)
    if carried.height:
        candidates = carry_over_reviews(candidates, carried, decisions)
    if reviews is not None:
        counts = review_counts(reviews, candidates)
        _log_unknown_decisions(counts)
    candidates = with_features(candidates, config.scoring)
    history = record_decisions(history, candidates, folder.run_id, datetime.now(UTC).date())
    model = train_review_model(
        latest_decisions(history), config.scoring.learning, config.vocabulary.review_decisions
    )
    labels = feature_labels(config.scoring, config.source_labels(short=False))
    candidates = apply_review_model(candidates, model, config.scoring, labels)
    return Scored(
        leads=leads,
        candidates=candidates,
        excluded=excluded,
        referrals=build_referrals(candidates, excluded),
        lead_sources=lead_source_summary(leads, candidates, config),
        reviews=reviews,
        review_counts=counts,
        history=history,
        review_model=model,
    )


def _rows_of_victims(
    frames: dict[str, pl.DataFrame], leads: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The rows of the leads' persons, with their birth columns: all that masking minors
    reads (every row of a victim counts), without exploding the birth dates of everyone."""
    victims = leads.select("person_id").unique()
    return {
        name: frame.select(c for c in frame.columns if c in _BIRTH_COLUMNS).join(
            victims, on="person_id", how="semi"
        )
        for name, frame in frames.items()
    }


def _log_unknown_decisions(counts: dict[str, Any]) -> None:
    """Say that decisions were not recognised, and where (rows only: the words are in summary.md)."""
    unknown = counts["decisions_unknown"]
    if unknown:
        log.warning(
            "reviews: %d decision(s) not in schemas/vocabulary.yaml, kept as written: %s",
            len(unknown),
            ", ".join(u["row"] for u in unknown[:10]) + (" …" if len(unknown) > 10 else ""),
        )


def write_run_folder(
    folder: RunFolder, completed: CompletedRun, config: Config, timings: dict[str, float]
) -> dict[str, Any]:
    """Every table, the manifest and the summary into the (still hidden) run folder."""
    write_tables(folder, completed, config)
    manifest = build_manifest(completed, config, timings, folder.describe())
    folder.write_json("manifest.json", manifest)
    folder.write_text("summary.md", run_summary_markdown(manifest))
    folder.write_text("report.html", run_report(manifest))
    return manifest
