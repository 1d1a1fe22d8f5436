"""run(inputs, out) -> RunResult: compose the stages. The command line and the flows call this."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.config import Config, load_config
from pipeline.errors import InputError, QuarantineLimitError
from pipeline.expectations import (
    expectation_view,
    load_suites,
    preload_great_expectations,
    run_expectation_suites,
)
from pipeline.ingest import JUNK_COLUMN, SourceFrame, read_source
from pipeline.filters import RunFilters, apply_filters
from pipeline.lead_sources import lead_source_markdown, lead_source_summary
from pipeline.leads import build_leads
from pipeline.link.people import LinkResult, link_people
from pipeline.link.records import linkage_records
from pipeline.outputs import CANDIDATE_COLUMNS, RunFolder, reviewer_frame
from pipeline.prepare import prepare_source
from pipeline.referrals import build_referrals
from pipeline.reviews import carry_over_reviews
from pipeline.score import score_leads
from pipeline.signals.case_text import case_facts_frame
from pipeline.signals.petition_text import petition_facts_frame
from pipeline.validate import (
    QUARANTINE_SCHEMA,
    ValidatedSource,
    count_per_file,
    quarantine_limit_breaches,
    validate_rows,
)
from pipeline.validation_report import steward_summary

log = logging.getLogger("relief_leads")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "sample_data"


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
class RunResult:
    run_id: str
    folder: Path
    manifest: dict[str, Any]
    candidates: pl.DataFrame = field(repr=False)
    links: LinkResult = field(repr=False)


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        log.info("stage %s: start", name)
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)
        log.info("stage %s: done in %.2fs", name, self.seconds[name])


def code_version() -> str:
    try:
        base = version("relief-leads")
    except PackageNotFoundError:
        base = "0+unknown"
    try:
        rev = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()
        return f"{base}+{rev}" if rev else base
    except (OSError, subprocess.SubprocessError):
        return base


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def _check_quarantine_limits(breaches: list[str], folder: RunFolder) -> None:
    """Stop the run when a source passed its quarantine limit, keeping only the validation report.

    The partial folder becomes `<run_id>-FAILED` (it never looks complete, and `latest`
    does not move) so the steward can read `validation/summary.md` and the Data Docs.
    """
    if breaches:
        failed = folder.out / f"{folder.run_id}-FAILED"
        folder.path.rename(failed)
        raise QuarantineLimitError(
            "run stopped, too many rows quarantined (the export looks broken): " + "; ".join(breaches)
            + f". Steward summary: {failed / 'validation' / 'summary.md'}"
        )


def run_summary_markdown(manifest: dict[str, Any]) -> str:
    """The analyst's one-page summary of a run: counts only, no personal data."""
    counts = manifest["counts"]
    lines = [
        f"# Run {manifest['run_id']}",
        "",
        f"code {manifest['code_version']}, config {manifest['config_hash']}, "
        f"{manifest['started']} → {manifest['finished']}",
        "",
        "| source | rows read | accepted | quarantined |",
        "|---|---:|---:|---:|",
    ]
    for source, read in counts["rows_read"].items():
        lines.append(
            f"| {source} | {read} | {counts['rows_accepted'][source]} | {counts['rows_quarantined'][source]} |"
        )
    tiers = counts["leads_by_tier"]
    by_tier = ", ".join(f"{t} {tiers.get(t, 0)}" for t in ("高", "中", "低"))
    lines += [
        "",
        f"Persons linked: {counts['linkage']['persons']} from {counts['linkage']['records']} rows.",
        "",
        f"Leads: {counts['leads']} ({by_tier}); new {counts['leads_new']}; "
        f"excluded {counts['leads_excluded']}; referrals {counts['referrals']}.",
        "",
        lead_source_markdown(counts["lead_sources"]),
    ]
    return "\n".join(lines) + "\n"


def _previous_candidates(out: Path) -> pl.DataFrame | None:
    previous = out / "latest" / "candidates.csv"
    if not previous.exists():
        return None
    return pl.read_csv(previous, infer_schema=False, columns=["candidate_id", "evidence_hash"])


def run(
    inputs: RunInputs,
    out: Path = Path("runs"),
    config: Config | None = None,
    filters: RunFilters | None = None,
) -> RunResult:
    """Run every stage on the inputs and write `<out>/<run_id>/`; return what was written."""
    config = config or load_config()
    started = datetime.now(UTC)
    run_id = new_run_id(started)
    timer = _Timer()
    out = Path(out)

    preload_great_expectations()
    with timer.stage("ingest"):
        sources: dict[str, SourceFrame] = {
            name: read_source(name, path, config) for name, path in inputs.by_source().items()
        }
    folder = RunFolder(out, run_id)
    try:
        result = _run_stages(config, inputs, sources, folder, timer, started, filters)
    except BaseException:
        if folder.path.exists():
            folder.discard()
        raise
    return result


def _run_stages(
    config: Config,
    inputs: RunInputs,
    sources: dict[str, SourceFrame],
    folder: RunFolder,
    timer: _Timer,
    started: datetime,
    filters: RunFilters | None = None,
) -> RunResult:
    with timer.stage("validate"):
        suites = load_suites(config.sources)
        prepared: dict[str, pl.DataFrame] = {}
        validated: dict[str, ValidatedSource] = {}
        views: dict[str, pl.DataFrame] = {}
        for name, source in sources.items():
            frame = prepare_source(name, source.frame)
            validated[name] = validate_rows(name, frame, config.source(name), suites.get(name))
            prepared[name] = validated[name].accepted
            count_per_file(source.files, validated[name])
            if name in suites:
                # Layout rows (blank, total, repeated header) are quarantined; GX sees the records.
                records = frame.filter(pl.col(JUNK_COLUMN).is_null()) if JUNK_COLUMN in frame.columns else frame
                views[name] = expectation_view(records, config.source(name), suites[name])
        reports = {name: s.files for name, s in sources.items()}
        with timer.stage("expectations"):
            expectations = run_expectation_suites(
                views, config.sources, suites, folder.path / "validation" / "data_docs"
            )
        breaches = quarantine_limit_breaches(config, reports, validated)
        folder.write_text("validation/summary.md", steward_summary(reports, validated, expectations, breaches))
        _check_quarantine_limits(breaches, folder)
        filtered_out = {}
        for name in list(prepared):
            before = prepared[name].height
            prepared[name] = apply_filters(name, prepared[name], filters)
            filtered_out[name] = before - prepared[name].height
        filter_info = {
            "filters": filters.describe() if filters else None,
            "rows_filtered_out": filtered_out,
        }

    with timer.stage("signals"):
        prepared["cases"] = case_facts_frame(prepared["cases"])
        if "petitions" in prepared:
            prepared["petitions"] = petition_facts_frame(prepared["petitions"])

    with timer.stage("link"):
        records = linkage_records(prepared)
        linked = link_people(records, config.linkage)
        person_of = linked.links.select("record_key", "person_id", "link_confidence")
        for name in list(prepared):
            prepared[name] = prepared[name].join(person_of, on="record_key", how="left")

    with timer.stage("score"):
        leads = build_leads(prepared, config.scoring)
        candidates, excluded = score_leads(leads, config.scoring)
        candidates = _mark_new(candidates, _previous_candidates(folder.out))
        reviews = None
        if inputs.reviews is not None:
            reviews = read_source("reviews", Path(inputs.reviews), config)
            candidates = carry_over_reviews(candidates, reviews.frame)
        referrals = build_referrals(candidates, excluded)
        sources_summary = lead_source_summary(leads, candidates, config.scoring)

    with timer.stage("write"):
        result = _write_outputs(
            config, inputs, sources, validated, prepared, linked, candidates, excluded, referrals,
            folder, timer, started, reviews, sources_summary, filter_info,
        )
    return result


def evidence_hash() -> pl.Expr:
    """Fingerprint of what a lead rests on: a change means a reviewer should look again."""
    return (pl.col("evidence") + "|" + pl.col("score_breakdown")).map_elements(
        lambda s: hashlib.sha256(s.encode()).hexdigest()[:10], return_dtype=pl.Utf8
    )


def _mark_new(candidates: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    if candidates.is_empty():
        return candidates
    candidates = candidates.with_columns(evidence_hash().alias("evidence_hash"))
    if previous is None:
        return candidates.with_columns(pl.lit(True).alias("is_new"), pl.lit("new").alias("status"))
    prev = previous.rename({"evidence_hash": "_prev_hash"})
    return candidates.join(prev, on="candidate_id", how="left").with_columns(
        pl.col("_prev_hash").is_null().alias("is_new"),
        pl.when(pl.col("_prev_hash").is_null()).then(pl.lit("new"))
        .when(pl.col("_prev_hash") != pl.col("evidence_hash")).then(pl.lit("changed"))
        .otherwise(pl.lit("unchanged")).alias("status"),
    ).drop("_prev_hash").sort("rank")


def _write_outputs(
    config: Config,
    inputs: RunInputs,
    sources: dict[str, SourceFrame],
    validated: dict[str, ValidatedSource],
    prepared: dict[str, pl.DataFrame],
    linked: LinkResult,
    candidates: pl.DataFrame,
    excluded: pl.DataFrame,
    referrals: pl.DataFrame,
    folder: RunFolder,
    timer: _Timer,
    started: datetime,
    reviews: SourceFrame | None,
    sources_summary: dict[str, Any],
    filter_info: dict[str, Any],
) -> RunResult:
    present = [c for c in CANDIDATE_COLUMNS if c in candidates.columns]
    folder.write_frame("candidates.csv", candidates.select(present) if candidates.height else candidates)
    folder.write_frame("线索清单.csv", reviewer_frame(candidates), bom=True)
    links = pl.concat(
        [f.select("source", "file", "sheet", "row_number", "record_key") for f in prepared.values()]
    ).join(linked.links.drop("idx"), on="record_key", how="left")
    folder.write_frame(
        "person_links.csv",
        links.select("source", "file", "sheet", "row_number", "person_id", "link_confidence", "cluster_size"),
    )
    quarantine = pl.concat([v.quarantined for v in validated.values()]) if validated else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    folder.write_frame("quarantine.csv", quarantine)
    folder.write_frame("referrals.csv", referrals)
    if excluded.height:
        folder.write_frame(
            "excluded_leads.csv",
            excluded.select("candidate_id", "person_id", "case_id", "score", "exclusions", "evidence"),
        )
    band = config.linkage.clustering.review_band
    review = linked.pairs.filter(pl.col("match_probability").is_between(band[0], band[1]))
    keys = linked.links.select("idx", "record_key")
    folder.write_frame(
        "link_review.csv",
        review.join(keys.rename({"idx": "idx_l", "record_key": "record_l"}), on="idx_l")
        .join(keys.rename({"idx": "idx_r", "record_key": "record_r"}), on="idx_r")
        .select("record_l", "record_r", pl.col("match_probability").round(4), "match_weight",
                pl.selectors.starts_with("gamma_"), pl.selectors.starts_with("w_").round(3))
        .sort("match_probability", descending=True),
    )
    finished = datetime.now(UTC)
    tiers = candidates.group_by("tier").len().sort("tier") if candidates.height else pl.DataFrame()
    manifest: dict[str, Any] = {
        "run_id": folder.run_id,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "code_version": code_version(),
        "config_hash": config.digest,
        "inputs": {
            name: [vars(r) | {"headers_found": len(r.headers_found)} for r in s.files]
            for name, s in sources.items()
        },
        "reviews": None if reviews is None else [vars(r) | {"headers_found": len(r.headers_found)} for r in reviews.files],
        "counts": {
            "rows_read": {n: sum(r.rows_read for r in s.files) for n, s in sources.items()},
            "rows_accepted": {n: v.accepted.height for n, v in validated.items()},
            "rows_quarantined": {n: v.quarantined.height for n, v in validated.items()},
            "linkage": linked.summary(),
            "leads": candidates.height,
            "leads_by_tier": dict(zip(tiers["tier"].to_list(), tiers["len"].to_list(), strict=True)) if tiers.height else {},
            "leads_new": int(candidates["is_new"].sum()) if candidates.height else 0,
            "leads_excluded": excluded.height,
            "exclusions": (
                excluded["exclusion_rules"].str.split(",").explode().value_counts().to_dicts()
                if excluded.height else []
            ),
            "referrals": referrals.height,
            "leads_cross_source": int(candidates["cross_source"].sum()) if candidates.height else 0,
            "lead_sources": sources_summary,
            "rows_filtered_out": filter_info["rows_filtered_out"],
        },
        "filters": filter_info["filters"],
        "linkage_model": linked.model.describe(),
        "timings_seconds": timer.seconds,
    }
    for name, files in manifest["inputs"].items():
        for report in files:
            if report["rows_read"] != report["rows_accepted"] + report["rows_quarantined"]:
                raise InputError(f"{name}: {report['file']}: rows do not reconcile")
    folder.write_json("manifest.json", manifest)
    folder.write_text("summary.md", run_summary_markdown(manifest))
    final = folder.commit()
    log.info("run %s written: %d leads, %d rows quarantined", folder.run_id, candidates.height, quarantine.height)
    return RunResult(run_id=folder.run_id, folder=final, manifest=manifest, candidates=candidates, links=linked)
