"""Prefect artifacts of a run: a markdown summary and a table of counts, no personal data.

Built from the manifest's counts only (rows per source, quarantined, leads per tier, new,
excluded, referrals), and refused if an ID-number or mobile-number shape shows up anyway.
"""

from __future__ import annotations

import re
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.tasks import RunSummary

# Shapes that must never reach an artifact: ID numbers and mobile numbers.
PERSONAL_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


# No cache and no persisted result, like every task here (why: flows/tasks.py).
@task(
    name="publish-run-artifacts",
    retries=2,
    retry_delay_seconds=5,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def publish_run_artifacts(summary: RunSummary, flow_name: str) -> None:
    """A markdown summary and a table of counts for the run, shown in Prefect's UI."""
    rows = count_rows(summary.counts)
    markdown = summary_markdown(summary, flow_name, rows)
    for text in (markdown, repr(rows)):
        if PERSONAL_NUMBER.search(text):  # counts only by construction; this guards the future
            raise ValueError("run summary looks like it holds an ID or phone number; not published")
    key = f"{flow_name}-run"
    create_markdown_artifact(
        markdown=markdown, key=f"{key}-summary", description=f"run {summary.run_id}"
    )
    create_table_artifact(
        table=rows, key=f"{key}-counts", description=f"run {summary.run_id}: counts"
    )


def count_rows(counts: dict[str, Any]) -> list[dict[str, Any]]:
    """Counts as a tidy table: one row per (measure, source or tier)."""
    rows: list[dict[str, Any]] = []
    validation = counts.get("validation", {})
    for source, read in counts.get("rows_read", {}).items():
        quarantined = counts.get("rows_quarantined", {}).get(source, 0)
        rows += [
            {"measure": "rows read", "of": source, "value": read},
            {
                "measure": "rows accepted",
                "of": source,
                "value": counts.get("rows_accepted", {}).get(source, 0),
            },
            {"measure": "rows quarantined", "of": source, "value": quarantined},
            {
                "measure": "validation",
                "of": source,
                "value": validation_text(validation.get(source)),
            },
        ]
    rows.append({"measure": "leads", "of": "all", "value": counts.get("leads", 0)})
    rows += [
        {"measure": "leads", "of": f"tier {t}", "value": n}
        for t, n in counts.get("leads_by_tier", {}).items()
    ]
    for measure in ("leads_new", "leads_excluded", "leads_cross_source", "referrals"):
        if measure in counts:
            rows.append(
                {"measure": measure.replace("_", " "), "of": "all", "value": counts[measure]}
            )
    return rows


def validation_text(result: dict[str, Any] | None) -> str:
    """A source's validation as the steward summary and the Data Docs word it (Succeeded /
    Failed, pipeline/validate/results.py), with each share next to its threshold."""
    if not result:
        return "not validated"
    met = (
        f"{result['expectations_met']} of {result['expectations']} expectations met"
        if result.get("expectations") is not None
        else "no expectation suite"
    )
    return (
        f"{result['status']}: {met}; {result['quarantined_percent']:g}% quarantined "
        f"(limit {result['quarantine_limit_percent']:g}%)"
    )


def summary_markdown(summary: RunSummary, flow_name: str, rows: list[dict[str, Any]]) -> str:
    counts = summary.counts
    tiers = ", ".join(f"{t} {n}" for t, n in counts.get("leads_by_tier", {}).items()) or "none"
    lines = [
        f"# Relief leads: {flow_name} run `{summary.run_id}`",
        "",
        f"**{counts.get('leads', 0)} leads** ({tiers}); {counts.get('leads_new', 0)} new; "
        f"{counts.get('leads_excluded', 0)} excluded; {counts.get('referrals', 0)} referrals.",
        "",
        f"Run folder: `{summary.folder}` (reviewers open `线索清单.csv`; analysts `report.html`; "
        "stewards `validation/report.html`, `validation/summary.md` and `quarantine.csv`).",
        "",
        "| measure | of | value |",
        "|---|---|---|",
        *(f"| {r['measure']} | {r['of']} | {r['value']} |" for r in rows),
        "",
        f"Code `{summary.code_version}`, config `{summary.config_hash[:12]}`; stage seconds: "
        + ", ".join(f"{k} {v:.1f}" for k, v in summary.timings_seconds.items()),
    ]
    return "\n".join(lines)
