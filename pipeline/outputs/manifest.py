"""The run's audit record (manifest.json) and the analyst's one-page summary (summary.md).

Counts, hashes and timings only: nothing here may carry a name, an ID number or a phone,
because the summary is also what the flows publish as a Prefect artifact.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.errors import ReconciliationError
from pipeline.leads.sources import lead_source_markdown
from pipeline.outputs.counts import run_counts
from pipeline.state import CompletedRun

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def code_version() -> str:
    """Package version plus the git revision when run from a checkout."""
    try:
        base = version("relief-leads")
    except PackageNotFoundError:
        base = "0+unknown"
    try:
        rev = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        return f"{base}+{rev}" if rev else base
    except (OSError, subprocess.SubprocessError):
        return base


def _file_entries(files: list[Any]) -> list[dict[str, Any]]:
    return [vars(r) | {"headers_found": len(r.headers_found)} for r in files]


def build_manifest(
    run: CompletedRun,
    config: Config,
    timings: dict[str, float],
    place: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest of a finished run; checks read = accepted + quarantined for every file.

    Args:
        place: the run folder's scope, location and baseline (`RunFolder.describe`).
    """
    scored, validated, sources = run.scored, run.validated, run.ingested.sources
    manifest: dict[str, Any] = {
        "run_id": run.run_id,
        "started": run.ingested.started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "code_version": code_version(),
        "config_hash": config.digest,
        "config_files": list(config.files_read),
        "run_folder": place or {},
        "inputs": {name: _file_entries(s.files) for name, s in sources.items()},
        "reviews": None if scored.reviews is None else _file_entries(scored.reviews.source.files),
        "filters": None
        if validated.filters is None or validated.filters.is_empty()
        else validated.filters.describe(),
        "counts": run_counts(run, config),
        "linkage_model": run.linked.result.model.describe(),
        "review_model": scored.review_model.describe(),
        "decision_history": scored.history.height,
        "timings_seconds": timings,
    }
    for name, files in manifest["inputs"].items():
        for report in files:
            if report["rows_read"] != report["rows_accepted"] + report["rows_quarantined"]:
                raise ReconciliationError(
                    f"{name}: {report['file']}: read {report['rows_read']} rows but accepted "
                    f"{report['rows_accepted']} + quarantined {report['rows_quarantined']}"
                )
    return manifest


def _element_table(by_element: dict[str, dict[str, int]]) -> list[str]:
    lines = ["| legal element | met ✓ | unclear ? | missing ✗ |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {c['✓']} | {c['?']} | {c['✗']} |" for name, c in by_element.items()]
    return lines


def _review_model_lines(model: dict[str, Any]) -> list[str]:
    """How the reviewers' decisions ordered this run: on or off, and how well it separates."""
    if not model:
        return []
    lines = [f"Review model (learning from decisions): {model.get('reason')}.", ""]
    holdout = model.get("holdout") or {}
    if model.get("active") and holdout.get("auc") is not None:
        lines += [
            f"On {holdout['held_out']} decisions, each held out once, AUC {holdout['auc']:.3f} "
            f"against {holdout.get('auc_legal_test_order', 0):.3f} for the legal test's own "
            "order (1.0 separates 采纳 from 不采纳 perfectly, 0.5 not at all).",
            "",
            "| predicted 采纳 | leads | mean predicted | share 采纳 |",
            "|---|---:|---:|---:|",
        ]
        lines += [
            f"| {row['decile']} | {row['leads']} | {row['predicted']:.2f} | {row['accepted']:.2f} |"
            for row in holdout.get("calibration", [])
        ]
        lines.append("")
    elif model.get("active"):
        lines += [f"Held-out check: {holdout.get('note', 'not available')}.", ""]
    return lines


def run_summary_markdown(manifest: dict[str, Any]) -> str:
    """The analyst's one-page summary of a run: counts only, no personal data."""
    counts = manifest["counts"]
    lines = [
        f"# Run {manifest['run_id']}",
        "",
        f"code {manifest['code_version']}, config {manifest['config_hash']}, "
        f"{manifest['started']} → {manifest['finished']}",
        "",
        "Charts of this run, on one page that works offline: [report.html](report.html); the "
        "stewards' validation report: [validation/report.html](validation/report.html).",
        "",
        "| source | rows read | accepted | quarantined |",
        "|---|---:|---:|---:|",
    ]
    for source, read in counts["rows_read"].items():
        accepted, quarantined = counts["rows_accepted"][source], counts["rows_quarantined"][source]
        lines.append(f"| {source} | {read} | {accepted} | {quarantined} |")
    tiers = counts["leads_by_tier"]
    by_tier = ", ".join(f"{t} {n}" for t, n in tiers.items())
    lines += [
        "",
        f"Persons linked: {counts['linkage']['persons']} from {counts['linkage']['records']} rows.",
        "",
        f"Leads: {counts['leads']} ({by_tier}); new {counts['leads_new']}; "
        f"excluded {counts['leads_excluded']}; referrals {counts['referrals']}.",
        "",
        "高 = all three elements of the legal test met; 中 = none missing, one unclear; 低 = otherwise.",
        "",
        *_element_table(counts.get("leads_by_element", {})),
        "",
        *_review_model_lines(manifest.get("review_model") or {}),
        lead_source_markdown(counts["lead_sources"]),
    ]
    lines += review_lines(counts.get("reviews"))
    if manifest.get("filters"):
        place = manifest.get("run_folder") or {}
        lines += [
            f"Filters: {manifest['filters']}; rows outside them: {counts['rows_filtered_out']}.",
            "",
            f"Ad-hoc run: written to `{place.get('folder')}`, moves `{place.get('moves_latest')}`"
            f" only; new leads are new against `{place.get('new_against')}` (the last full run).",
            "",
        ]
    return "\n".join(lines) + "\n"


def review_lines(reviews: dict[str, Any] | None) -> list[str]:
    """What was read from the reviewers' file and carried, and the words not recognised."""
    if not reviews:
        return []
    by_word = "、".join(f"{w} {n}" for w, n in reviews["decisions_by_word"].items()) or "none"
    lines = [
        f"Reviews: {reviews['rows_read']} rows read, {reviews['decisions_read']} decisions "
        f"({reviews['decisions_recognised']} recognised: {by_word}; "
        f"{reviews['decisions_through_synonyms']} written as a synonym), carried to "
        f"{reviews['decisions_carried']} leads with {reviews['notes_carried']} notes; "
        f"{reviews['changed_since_review']} decided leads whose evidence changed (证据有变化); "
        f"{reviews['decided_leads_not_in_this_run']} decisions for leads not in this run.",
        "",
    ]
    unknown = reviews["decisions_unknown"]
    if unknown:
        lines += [
            f"Decisions not recognised ({len(unknown)}), kept as written with their notes — "
            "correct them in the file, or add the word to `review_decisions` in "
            "schemas/vocabulary.yaml:",
            "",
            *(f"- {u['row']}: “{u['word']}”" for u in unknown),
            "",
        ]
    return lines
