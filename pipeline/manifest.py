"""The run's audit record (manifest.json) and the analyst's one-page summary (summary.md).

Counts, hashes and timings only: nothing here may carry a name, an ID number or a phone,
because the summary is also what the flows publish as a Prefect artifact.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from pipeline.errors import ReconciliationError
from pipeline.lead_sources import lead_source_markdown

if TYPE_CHECKING:
    from pipeline.run import RunState

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
    state: RunState, run_id: str, config_digest: str, timings: dict[str, float]
) -> dict[str, Any]:
    """The manifest of a finished run; checks read = accepted + quarantined for every file."""
    candidates, excluded = state.candidates, state.excluded
    tiers = candidates.group_by("tier").len() if candidates.height else pl.DataFrame()
    manifest: dict[str, Any] = {
        "run_id": run_id,
        "started": state.started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "code_version": code_version(),
        "config_hash": config_digest,
        "inputs": {name: _file_entries(s.files) for name, s in state.sources.items()},
        "reviews": None if state.reviews is None else _file_entries(state.reviews.files),
        "filters": state.filters.describe() if state.filters else None,
        "counts": {
            "rows_read": {n: sum(r.rows_read for r in s.files) for n, s in state.sources.items()},
            "rows_accepted": {n: v.accepted.height for n, v in state.validated.items()},
            "rows_quarantined": {n: v.quarantined.height for n, v in state.validated.items()},
            "rows_filtered_out": state.filtered_out,
            "linkage": state.linked.summary(),
            "leads": candidates.height,
            "leads_by_tier": dict(zip(tiers["tier"].to_list(), tiers["len"].to_list(), strict=True))
            if tiers.height
            else {},
            "leads_new": int(candidates["is_new"].sum()) if candidates.height else 0,
            "leads_excluded": excluded.height,
            "exclusions": (
                excluded["exclusion_rules"].str.split(",").explode().value_counts().to_dicts()
                if excluded.height
                else []
            ),
            "referrals": state.referrals.height,
            "leads_cross_source": int(candidates["cross_source"].sum()) if candidates.height else 0,
            "lead_sources": state.lead_sources,
            "expectations_sampled": state.expectations_sampled,
        },
        "linkage_model": state.linked.model.describe(),
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
    if manifest.get("filters"):
        lines += [
            f"Filters: {manifest['filters']}; rows outside them: {counts['rows_filtered_out']}.",
            "",
        ]
    return "\n".join(lines) + "\n"
