"""The steward's one-page summary (validation/summary.md), from the validation results.

Per source and file: what was read, kept, flagged and rejected, each share next to the
threshold it was held to, and the source's status in the one wording of
validate/results.py. Counts, row references and masked examples only.
"""

from __future__ import annotations

from pipeline.validate.expectations import SuiteOutcome
from pipeline.validate.results import FAILED, STATUS_MEANING, SUCCEEDED, SourceValidation

_WORST = 5
OFFLINE_PAGE = "report.html"


def steward_summary(results: dict[str, SourceValidation], stopped: list[str] | None = None) -> str:
    """Markdown with counts, thresholds, row references and masked examples only.

    Args:
        stopped: the quarantine limits passed, when they stop the run.
    """
    lines = [
        "# 数据校验摘要 / Validation summary",
        "",
        f"The same report as one page that works offline: [{OFFLINE_PAGE}]({OFFLINE_PAGE}).",
        "",
        "Rows are named `file[sheet]#row`, the row number Excel or WPS shows "
        "(行号为表格中的行号，表头为第1行，表头上方有标题行时顺延).",
        "",
        f"Status: {STATUS_MEANING}",
        "",
    ]
    if stopped:
        lines += [
            "> **运行已停止 / RUN STOPPED** — too many rows quarantined, the export looks broken. "
            "No lead list was produced. Fix the export (or raise `max_quarantine_share` in "
            "schemas/pipeline.yaml if this share is expected) and run again.",
            ">",
            *(f"> - {line}" for line in stopped),
            "",
        ]
    lines += ["| source | status | quarantined (share, limit) | expectations met |"]
    lines += ["|---|---|---|---|"]
    lines += [
        f"| {r.source} | **{r.status}** | {r.quarantine_text()} | {_met(r.expectations)} |"
        for r in results.values()
    ]
    lines.append("")
    for result in results.values():
        lines += _source_section(result)
    return "\n".join(lines) + "\n"


def _met(outcome: SuiteOutcome | None) -> str:
    if outcome is None:
        return "no suite"
    return f"{sum(o.success for o in outcome.outcomes)} of {len(outcome.outcomes)}"


def _source_section(r: SourceValidation) -> list[str]:
    """One source's part of the summary: its files, worst problems, rules, flags and GX."""
    lines = [f"## {r.source} — {r.status}", "", *_file_table(r)]
    flagged = sum(f.flagged for f in r.files)
    lines += [
        "",
        f"Quarantined: {r.quarantine_text()}. Rows with at least one flag (kept): {flagged}.",
        "",
    ]
    worst = sorted(
        [(q.rows, f"quarantined `{q.name}`", q.meaning, q.examples) for q in r.quarantined]
        + [(f.rows, f"flagged `{f.name}`", f.meaning, f.examples) for f in r.flagged],
        key=lambda t: -t[0],
    )[:_WORST]
    lines += _listed(
        "Worst problems:",
        [
            f"{i}. {what}: {n} rows — {text} (e.g. {ex})"
            for i, (n, what, text, ex) in enumerate(worst, 1)
        ],
    )
    lines += _listed(
        "Quarantined by rule:",
        [f"- `{q.name}`: {q.rows} rows — {q.meaning} (e.g. {q.examples})" for q in r.quarantined],
    )
    lines += _listed(
        "Kept but flagged:",
        [f"- `{f.name}`: {f.rows} rows — {f.meaning} (e.g. {f.examples})" for f in r.flagged],
    )
    if r.expectations is not None:
        lines += _gx_lines(r.expectations)
    if r.sampled:
        lines += [
            f"Note: expectations for {r.source} ran on a fixed sample of {r.sampled['sampled']:,} "
            f"of {r.sampled['rows']:,} rows; the row rules above checked every row.",
            "",
        ]
    return lines


def _gx_lines(outcome: SuiteOutcome) -> list[str]:
    docs = (
        f" — Data Docs (need a network for their styles): [{outcome.docs_page}]({outcome.docs_page})"
        if outcome.docs_page
        else ""
    )
    lines = [
        f"Great Expectations: {suite_status(outcome)}, {_met(outcome)} expectations met{docs}",
        "",
    ]
    lines += [
        "| expectation | column | result | unexpected (share, allowed) |",
        "|---|---|---|---:|",
    ]
    for o in sorted(outcome.outcomes, key=lambda o: o.success):
        result = SUCCEEDED if o.success else f"**{FAILED}**"
        lines.append(f"| {o.expectation} | {o.column} | {result} | {o.unexpected_text()} |")
    return [*lines, ""]


def suite_status(outcome: SuiteOutcome) -> str:
    return SUCCEEDED if outcome.success else FAILED


def _listed(title: str, items: list[str]) -> list[str]:
    """A titled list and a blank line after it; nothing when there are no items."""
    return [title, "", *items, ""] if items else []


def _file_table(r: SourceValidation) -> list[str]:
    """A row per file (or sheet): encoding, rows read, accepted, quarantined and flagged."""
    lines = [
        "| file | encoding | rows read | accepted | quarantined | flagged (kept) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.where} | {f.encoding} | {f.read} | {f.accepted} | {f.quarantined} | {f.flagged} |"
        for f in r.files
    ]
    return lines
