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

import polars as pl

from pipeline.config import Config
from pipeline.errors import ReconciliationError
from pipeline.leads.sources import lead_source_markdown
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


def build_manifest(run: CompletedRun, config: Config, timings: dict[str, float]) -> dict[str, Any]:
    """The manifest of a finished run; checks read = accepted + quarantined for every file."""
    scored, validated, sources = run.scored, run.validated, run.ingested.sources
    candidates, excluded = scored.candidates, scored.excluded
    tier_counts = candidates["tier"].value_counts() if candidates.height else None
    counted = {} if tier_counts is None else dict(tier_counts.iter_rows())
    # in the order of the tiers in scoring.yaml, every tier named (0 when empty)
    by_tier = {tier: counted.get(tier, 0) for tier in config.scoring.tiers}
    manifest: dict[str, Any] = {
        "run_id": run.run_id,
        "started": run.ingested.started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "code_version": code_version(),
        "config_hash": config.digest,
        "config_files": list(config.files_read),
        "inputs": {name: _file_entries(s.files) for name, s in sources.items()},
        "reviews": None if scored.reviews is None else _file_entries(scored.reviews.files),
        "filters": validated.filters.describe() if validated.filters else None,
        "counts": {
            "rows_read": {n: sum(r.rows_read for r in s.files) for n, s in sources.items()},
            "rows_accepted": {n: v.accepted.height for n, v in validated.checked.items()},
            "rows_quarantined": {n: v.quarantined.height for n, v in validated.checked.items()},
            "rows_filtered_out": validated.filtered_out,
            "linkage": run.linked.result.summary(),
            "leads": candidates.height,
            "leads_by_tier": by_tier,
            "leads_by_element": leads_by_element(candidates),
            "leads_new": int(candidates["is_new"].sum()) if candidates.height else 0,
            "leads_excluded": excluded.height,
            "exclusions": (
                excluded["exclusion_rules"]
                .str.split(",")
                .explode()
                .value_counts()
                .sort(["count", "exclusion_rules"], descending=[True, False])
                .to_dicts()
                if excluded.height
                else []
            ),
            "referrals": scored.referrals.height,
            "leads_cross_source": int(candidates["cross_source"].sum()) if candidates.height else 0,
            "lead_sources": scored.lead_sources,
            "expectations_sampled": validated.expectations_sampled,
        },
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


_ELEMENTS = {"harm": "伤害", "compensation": "赔偿", "hardship": "困难"}


def leads_by_element(candidates: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Per legal element, how many leads have it met (✓), unclear (?) or missing (✗)."""
    out: dict[str, dict[str, int]] = {}
    for column, name in _ELEMENTS.items():
        status = f"{column}_status"
        counted = (
            dict(candidates[status].value_counts().iter_rows())
            if candidates.height and status in candidates.columns
            else {}
        )
        out[name] = {mark: int(counted.get(mark, 0)) for mark in ("✓", "?", "✗")}
    return out


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
            f"On {holdout['held_out']} held-out decisions, AUC {holdout['auc']:.3f} "
            "(1.0 separates 采纳 from 不采纳 perfectly, 0.5 not at all).",
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
    if manifest.get("filters"):
        lines += [
            f"Filters: {manifest['filters']}; rows outside them: {counts['rows_filtered_out']}.",
            "",
        ]
    return "\n".join(lines) + "\n"
