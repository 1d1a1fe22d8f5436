"""What validation found per source, once, for every page that shows it.

The steward's summary (validate/report.py), the offline validation page
(outputs/validation_page.py), the manifest, the analysts' run report and the Prefect
artifact all read these results, so each percentage comes with its threshold and each
source's status is one word everywhere: the words of the Great Expectations Data Docs,
Succeeded or Failed.

Counts, row references and masked examples only: no full ID number, phone or name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.config import Config
from pipeline.ingest.read import FileReport
from pipeline.outputs.masking import mask_id
from pipeline.validate.expectations import SuiteOutcome
from pipeline.validate.rows import ValidatedSource, describe_flag, rows_per_file

SUCCEEDED, FAILED = "Succeeded", "Failed"
STATUS_MEANING = (
    f"{FAILED}: at least one expectation not met, or more rows quarantined than the source's "
    f"limit (schemas/pipeline.yaml); {SUCCEEDED} otherwise. "
    "状态用语与 Great Expectations 的 Data Docs 一致。"
)
_EXAMPLES = 3
# Date fields whose values are personal data: examples show only the row.
_PERSONAL_DATES = ("birth_date",)


def row_ref() -> pl.Expr:
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


@dataclass(frozen=True)
class RuleCount:
    """A quarantine rule or a flag: rows, what it means, and a few example rows."""

    name: str
    rows: int
    meaning: str
    examples: str


@dataclass(frozen=True)
class FileRow:
    """One file (or sheet) of a source: where, encoding, and its row counts."""

    where: str
    encoding: str
    read: int
    accepted: int
    quarantined: int
    flagged: int


@dataclass(frozen=True)
class SourceValidation:
    """One source's validation: rows, the quarantine share against its limit, rules, flags,
    the expectation suite's outcome, and its status."""

    source: str
    files: tuple[FileRow, ...]
    quarantine_limit: float
    quarantined: tuple[RuleCount, ...]
    flagged: tuple[RuleCount, ...]
    expectations: SuiteOutcome | None
    sampled: dict[str, int] | None = None

    @property
    def rows_read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def quarantined_share(self) -> float:
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0

    @property
    def over_limit(self) -> bool:
        return self.quarantined_share > self.quarantine_limit

    @property
    def status(self) -> str:
        failed_suite = self.expectations is not None and not self.expectations.success
        return FAILED if self.over_limit or failed_suite else SUCCEEDED

    def quarantine_text(self) -> str:
        """`11 of 3,308 rows (0.3%, limit 20.0%)`: the share always next to its limit."""
        return (
            f"{self.rows_quarantined:,} of {self.rows_read:,} rows "
            f"({self.quarantined_share:.1%}, limit {self.quarantine_limit:.1%})"
        )

    def describe(self) -> dict[str, Any]:
        """For the manifest (and through it the Prefect artifact and the run report)."""
        outcomes = self.expectations.outcomes if self.expectations else ()
        return {
            "status": self.status,
            "rows_read": self.rows_read,
            "rows_accepted": sum(f.accepted for f in self.files),
            "rows_quarantined": self.rows_quarantined,
            "rows_flagged": sum(f.flagged for f in self.files),
            "quarantined_percent": round(100 * self.quarantined_share, 2),
            "quarantine_limit_percent": round(100 * self.quarantine_limit, 2),
            "over_quarantine_limit": self.over_limit,
            "expectations_met": sum(o.success for o in outcomes) if self.expectations else None,
            "expectations": len(outcomes) if self.expectations else None,
            "expectations_failed": [o.describe() for o in outcomes if not o.success],
        }


def validation_results(
    reports: dict[str, list[FileReport]],
    validated: dict[str, ValidatedSource],
    expectations: dict[str, SuiteOutcome] | None,
    config: Config,
    sampled: dict[str, dict[str, int]] | None = None,
) -> dict[str, SourceValidation]:
    """Every source's validation, in the order the sources were read."""
    settings = config.pipeline
    return {
        source: SourceValidation(
            source=source,
            files=tuple(_file_rows(files, validated[source].accepted)),
            quarantine_limit=settings.max_quarantine_share.get(
                source, settings.default_max_quarantine_share
            ),
            quarantined=tuple(_quarantine_counts(validated[source].quarantined)),
            flagged=tuple(_flag_counts(validated[source].accepted)),
            expectations=(expectations or {}).get(source),
            sampled=(sampled or {}).get(source),
        )
        for source, files in reports.items()
    }


def _file_rows(files: list[FileReport], accepted: pl.DataFrame) -> list[FileRow]:
    flagged = (
        rows_per_file(accepted.select("file", "sheet", "flags").drop_nulls("flags"))
        if "flags" in accepted.columns
        else {}
    )
    rows = []
    for r in files:
        where = r.file + (f" [{r.sheet}]" if r.sheet else "")
        rows.append(
            FileRow(
                where,
                r.encoding,
                r.rows_read,
                r.rows_accepted,
                r.rows_quarantined,
                flagged.get((r.file, r.sheet), 0),
            )
        )
    return rows


def _example_value(flag: str) -> pl.Expr | None:
    """What a steward may see of the flagged value: masked ID, the odd date or category."""
    if flag.startswith("id_"):
        return mask_id("id_number")
    for prefix in ("date_unparseable_", "date_implausible_", "vocab_"):
        if flag.startswith(prefix):
            field = flag.removeprefix(prefix)
            return None if field in _PERSONAL_DATES else pl.col(field)
    return None


def _flag_counts(accepted: pl.DataFrame) -> list[RuleCount]:
    """Per flag, most frequent first: rows, meaning and example rows (masked values)."""
    if "flags" not in accepted.columns or accepted["flags"].null_count() == accepted.height:
        return []
    # the flagged rows only: most rows carry no flag
    flagged = accepted.lazy().filter(pl.col("flags").is_not_null())
    counts = (
        flagged.select(pl.col("flags").str.split(","))
        .explode("flags")
        .drop_nulls()
        .collect()
        .group_by("flags")
        .len()
        .sort(["len", "flags"], descending=[True, False])
    )
    out = []
    for flag, n in counts.iter_rows():
        value = _example_value(flag)
        example = (
            pl.format("{} ({})", row_ref(), value.fill_null("空"))
            if value is not None and value.meta.root_names()[0] in accepted.columns
            else row_ref()
        )
        # lazily: only the example's columns of the first rows are ever copied. In memory,
        # not streaming: polars 2.1's streaming engine panicked here (binview `i < self.len()`)
        # on the 9 M province's case rows read back in 4 parts (11 chunks a column).
        rows = (
            flagged.filter(pl.col("flags").str.split(",").list.contains(flag))
            .head(_EXAMPLES)
            .select(example)
            .collect(engine="in-memory")
        )
        examples = ", ".join(rows.to_series().to_list())
        out.append(RuleCount(flag, n, describe_flag(flag), examples))
    return out


def _quarantine_counts(quarantined: pl.DataFrame) -> list[RuleCount]:
    """Per rule, most frequent first: rows, the first row's reason and example rows."""
    if quarantined.is_empty():
        return []
    by_rule = (
        quarantined.group_by("rule", maintain_order=True)
        .agg(
            pl.len().alias("n"),
            row_ref().head(_EXAMPLES).alias("rows"),
            pl.col("reason").first(),
        )
        .sort(["n", "rule"], descending=[True, False])
    )
    return [
        RuleCount(rule, n, reason, ", ".join(rows)) for rule, n, rows, reason in by_rule.iter_rows()
    ]
