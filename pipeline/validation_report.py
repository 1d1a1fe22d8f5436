"""The steward's one-page summary: per source and file, what was read, kept, flagged and rejected."""

from __future__ import annotations

import polars as pl

from pipeline.ingest import FileReport
from pipeline.validate import FLAG_RULES, ValidatedSource

_EXAMPLES = 3


def steward_summary(reports: dict[str, list[FileReport]], validated: dict[str, ValidatedSource]) -> str:
    """Markdown with counts and row references only: no ID number, phone or name."""
    lines = ["# 数据校验摘要 / Validation summary", ""]
    for source, files in reports.items():
        v = validated[source]
        lines += [f"## {source}", "", "| file | encoding | rows read | accepted | quarantined |", "|---|---|---:|---:|---:|"]
        for r in files:
            where = r.file + (f" [{r.sheet}]" if r.sheet else "")
            lines.append(f"| {where} | {r.encoding} | {r.rows_read} | {r.rows_accepted} | {r.rows_quarantined} |")
        lines.append("")
        if v.quarantined.height:
            lines += ["Quarantined by rule:", ""]
            by_rule = v.quarantined.group_by("rule").agg(
                pl.len().alias("n"),
                pl.format("{}#{}", "file", "row_number").head(_EXAMPLES).alias("rows"),
                pl.col("reason").first(),
            ).sort("n", descending=True)
            for rule, n, rows, reason in by_rule.iter_rows():
                lines.append(f"- `{rule}`: {n} rows — {reason} (e.g. {', '.join(rows)})")
            lines.append("")
        flags = v.accepted.drop_nulls("flags").group_by("flags").agg(
            pl.len().alias("n"), pl.format("{}#{}", "file", "row_number").head(_EXAMPLES).alias("rows")
        ).sort("n", descending=True) if "flags" in v.accepted.columns else pl.DataFrame()
        if flags.height:
            lines += ["Kept but flagged:", ""]
            for flag, n, rows in flags.iter_rows():
                lines.append(f"- `{flag}`: {n} rows — {FLAG_RULES.get(flag, flag)} (e.g. {', '.join(rows)})")
            lines.append("")
    return "\n".join(lines) + "\n"
