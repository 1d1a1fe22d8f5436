"""The steward's one-page summary: per source and file, what was read, kept, flagged and rejected.

Counts, row references and masked examples only: no full ID number, phone or name.
"""

from __future__ import annotations

import polars as pl

from pipeline.ingest.read import FileReport
from pipeline.outputs.masking import mask_id
from pipeline.validate.expectations import SuiteOutcome
from pipeline.validate.rows import ValidatedSource, describe_flag

_EXAMPLES = 3
_WORST = 5
# Date fields whose values are personal data: examples show only the row.
_PERSONAL_DATES = ("birth_date",)


def _row_ref() -> pl.Expr:
    """`file[sheet]#row`, the row as a spreadsheet shows it (the header is row 1, or lower
    when title rows sit above it)."""
    where = (
        pl.when(pl.col("sheet").is_not_null())
        .then(pl.format("{}[{}]", "file", "sheet"))
        .otherwise(pl.col("file"))
    )
    return pl.format("{}#{}", where, excel_row())


def excel_row() -> pl.Expr:
    """The row a spreadsheet shows; data row + 1 for frames built without ingest's excel_row."""
    return pl.coalesce(pl.col("^excel_row$"), pl.col("row_number") + 1)


def _example_value(flag: str) -> pl.Expr | None:
    """What a steward may see of the flagged value: masked ID, the odd date or category."""
    if flag.startswith("id_"):
        return mask_id("id_number")
    for prefix in ("date_unparseable_", "date_implausible_", "vocab_"):
        if flag.startswith(prefix):
            field = flag.removeprefix(prefix)
            return None if field in _PERSONAL_DATES else pl.col(field)
    return None


def _flag_lines(accepted: pl.DataFrame) -> list[tuple[str, int, str]]:
    """(flag, rows, examples) per flag, most frequent first."""
    if "flags" not in accepted.columns or accepted["flags"].null_count() == accepted.height:
        return []
    counts = (
        accepted.select(pl.col("flags").str.split(","))
        .explode("flags")
        .drop_nulls()
        .group_by("flags")
        .len()
        .sort(["len", "flags"], descending=[True, False])
    )
    lines = []
    for flag, n in counts.iter_rows():
        rows = accepted.filter(pl.col("flags").str.split(",").list.contains(flag)).head(_EXAMPLES)
        value = _example_value(flag)
        example = (
            pl.format("{} ({})", _row_ref(), value.fill_null("空"))
            if value is not None and value.meta.root_names()[0] in rows.columns
            else _row_ref()
        )
        lines.append((flag, n, ", ".join(rows.select(example).to_series().to_list())))
    return lines


def _quarantine_lines(quarantined: pl.DataFrame) -> list[tuple[str, int, str, str]]:
    """(rule, rows, reason of the first row, examples) per rule, most frequent first."""
    if quarantined.is_empty():
        return []
    by_rule = (
        quarantined.group_by("rule", maintain_order=True)
        .agg(
            pl.len().alias("n"),
            _row_ref().head(_EXAMPLES).alias("rows"),
            pl.col("reason").first(),
        )
        .sort(["n", "rule"], descending=[True, False])
    )
    return [(rule, n, reason, ", ".join(rows)) for rule, n, rows, reason in by_rule.iter_rows()]


def _gx_lines(outcome: SuiteOutcome) -> list[str]:
    met = sum(o.success for o in outcome.outcomes)
    docs = f" — Data Docs: [{outcome.docs_page}]({outcome.docs_page})" if outcome.docs_page else ""
    lines = [f"Great Expectations: {met} of {len(outcome.outcomes)} expectations met{docs}", ""]
    lines += ["| expectation | column | result | unexpected |", "|---|---|---|---:|"]
    for o in sorted(outcome.outcomes, key=lambda o: o.success):
        share = (
            f"{o.unexpected_count} ({o.unexpected_percent:.1f}%)"
            if o.unexpected_percent is not None
            else "—"
        )
        lines.append(
            f"| {o.expectation} | {o.column} | {'ok' if o.success else '**FAILED**'} | {share} |"
        )
    return [*lines, ""]


def steward_summary(
    reports: dict[str, list[FileReport]],
    validated: dict[str, ValidatedSource],
    expectations: dict[str, SuiteOutcome] | None = None,
    stopped: list[str] | None = None,
) -> str:
    """Markdown with counts, row references and masked examples only.

    Args:
        expectations: the GX outcome per source, when the suites ran.
        stopped: the quarantine limits passed, when they stop the run.
    """
    lines = [
        "# 数据校验摘要 / Validation summary",
        "",
        "Rows are named `file[sheet]#row`, the row number Excel or WPS shows "
        "(行号为表格中的行号，表头为第1行，表头上方有标题行时顺延).",
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
    for source, files in reports.items():
        outcome = expectations.get(source) if expectations else None
        lines += _source_section(source, files, validated[source], outcome)
    return "\n".join(lines) + "\n"


def _source_section(
    source: str, files: list[FileReport], v: ValidatedSource, outcome: SuiteOutcome | None
) -> list[str]:
    """One source's part of the summary: its files, worst problems, rules, flags and GX."""
    flag_lines = _flag_lines(v.accepted)
    flagged = v.accepted["flags"].is_not_null().sum() if "flags" in v.accepted.columns else 0
    lines = [f"## {source}", "", *_file_table(files, v.accepted)]
    lines += [f"\nRows with at least one flag: {flagged}.", ""]
    quarantine_lines = _quarantine_lines(v.quarantined)
    worst = sorted(
        [(n, f"quarantined `{rule}`", reason, ex) for rule, n, reason, ex in quarantine_lines]
        + [(n, f"flagged `{flag}`", describe_flag(flag), ex) for flag, n, ex in flag_lines],
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
        [
            f"- `{rule}`: {n} rows — {reason} (e.g. {ex})"
            for rule, n, reason, ex in quarantine_lines
        ],
    )
    lines += _listed(
        "Kept but flagged:",
        [f"- `{flag}`: {n} rows — {describe_flag(flag)} (e.g. {ex})" for flag, n, ex in flag_lines],
    )
    if outcome is not None:
        lines += _gx_lines(outcome)
    return lines


def _listed(title: str, items: list[str]) -> list[str]:
    """A titled list and a blank line after it; nothing when there are no items."""
    return [title, "", *items, ""] if items else []


def _file_table(files: list[FileReport], accepted: pl.DataFrame) -> list[str]:
    """A row per file (or sheet): encoding, rows read, accepted, quarantined and flagged."""
    lines = [
        "| file | encoding | rows read | accepted | quarantined | flagged (kept) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in files:
        where = r.file + (f" [{r.sheet}]" if r.sheet else "")
        n_flagged = (
            accepted.filter(
                (pl.col("file") == r.file)
                & pl.col("sheet").eq_missing(r.sheet)
                & pl.col("flags").is_not_null()
            ).height
            if "flags" in accepted.columns
            else 0
        )
        lines.append(
            f"| {where} | {r.encoding} | {r.rows_read} | {r.rows_accepted} "
            f"| {r.rows_quarantined} | {n_flagged} |"
        )
    return lines
