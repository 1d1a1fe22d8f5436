"""Row rules: split each prepared source into accepted rows and quarantined rows.

A row that cannot be used goes to quarantine with its rule and a reason; a row with a
damaged but usable field is kept and flagged (`flags`: comma-separated flag names).
Vocabularies, date bounds and duplicate keys come from the source's expectation suite
(schemas/suites/), the same data the Great Expectations run reads. Counts reconcile per
file: read = accepted + quarantined, checked here and written in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.config import Config, SourceSpec, SuiteSpec
from pipeline.errors import ReconciliationError
from pipeline.ingest.read import JUNK_COLUMN, FileReport
from pipeline.outputs.masking import mask_id
from pipeline.validate.expectations import date_status, duplicate_hash

QUARANTINE_SCHEMA = pl.Schema(
    {
        "source": pl.Utf8,
        "file": pl.Utf8,
        "sheet": pl.Utf8,
        "row_number": pl.Int64,
        "excel_row": pl.Int64,
        "rule": pl.Utf8,
        "reason": pl.Utf8,
    }
)
# Flags on kept rows: the field is damaged but the row is still usable.
FLAG_RULES = {
    "id_bad_check": "证件号码校验位错误，不作为唯一标识使用",
    "id_excel_damaged": "证件号码疑经Excel转换损坏（末位丢失或科学计数法）",
    "id_legacy15": "15位旧证件号码，已升位为18位",
}
# Flags named after a field: `<prefix><field>`.
_FIELD_FLAG_RULES = {
    "date_unparseable_": "日期无法识别",
    "date_implausible_": "日期超出合理范围",
    "vocab_": "取值不在词表中（schemas/suites）",
    "duplicate_": "重复记录（同一键值出现多次）",
}
# How much of an unusable value a quarantine reason quotes.
_SHOWN_CHARS = 20
JUNK_REASONS = {
    "blank_row": "空行：该行所有单元格为空",
    "repeated_header": "表头行在数据中重复出现（多表拼接或分页导出），非记录",
    "total_row": "合计/小计行，非个人记录",
}


def describe_flag(flag: str) -> str:
    """Plain-Chinese meaning of a flag name."""
    if flag in FLAG_RULES:
        return FLAG_RULES[flag]
    for prefix, text in _FIELD_FLAG_RULES.items():
        if flag.startswith(prefix):
            return f"{text}：{flag.removeprefix(prefix)}"
    return flag


@dataclass(frozen=True)
class ValidatedSource:
    accepted: pl.DataFrame
    quarantined: pl.DataFrame


def _header(spec: SourceSpec, field: str) -> str:
    return spec.fields[field][0] if spec.fields.get(field) else field


def _reason_rules(
    spec: SourceSpec, suite: SuiteSpec | None, frame: pl.DataFrame
) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(rule, condition that quarantines, reason text) in order of precedence."""
    canonical = [c for c in spec.fields if c in frame.columns]
    rules: list[tuple[str, pl.Expr, pl.Expr]] = []
    if JUNK_COLUMN in frame.columns:
        rules += [
            (rule, pl.col(JUNK_COLUMN) == rule, pl.lit(reason))
            for rule, reason in JUNK_REASONS.items()
        ]
    # Without the ingest marker (a frame built elsewhere), a row with every field empty is blank.
    rules.append(
        (
            "blank_row",
            pl.all_horizontal(pl.col(c).is_null() for c in canonical),
            pl.lit(JUNK_REASONS["blank_row"]),
        )
    )
    for field in spec.required:
        if field == "id_number":
            continue  # an ID may be missing on one row; the row still links by name and birth date
        rules.append(
            (
                f"missing_{field}",
                pl.col(field).is_null(),
                pl.lit(f"必填字段“{_header(spec, field)}”（{field}）为空"),
            )
        )
        if field == "name" and "name_norm" in frame.columns:
            rules.append(_unusable_name_rule(spec))
    if "id_status" in frame.columns:
        rules.append(
            (
                "id_bad_shape",
                pl.col("id_status") == "bad_shape",
                pl.lit("证件号码格式不符（非15/18位）：") + pl.col("id_masked"),
            )
        )
    for field, rule in suite.dates.items() if suite else ():
        if rule.on_bad == "quarantine" and field in frame.columns:
            status = date_status(field, rule)
            rules.append(
                (
                    f"bad_date_{field}",
                    status.is_in(["unparseable", "implausible"]),
                    pl.lit(f"关键日期“{_header(spec, field)}”无法识别或不合理：") + pl.col(field),
                )
            )
    return rules


def _unusable_name_rule(spec: SourceSpec) -> tuple[str, pl.Expr, pl.Expr]:
    """A name cell that is filled but holds no letter (`=1+1`, `-`, `123`): not a name.

    The reason quotes the cell, cut short and with long digit runs hidden (an ID number
    pasted into the name column must not reach quarantine.csv).
    """
    shown = pl.col("name").str.replace_all(r"\d{6,}", "******").str.slice(0, _SHOWN_CHARS)
    return (
        "unusable_name",
        pl.col("name").is_not_null() & pl.col("name_norm").is_null(),
        pl.lit(f"“{_header(spec, 'name')}”一栏不含文字，不能作为姓名：") + shown,
    )


def _flag_columns(suite: SuiteSpec | None, frame: pl.DataFrame) -> dict[str, pl.Expr]:
    """Flag name -> the condition that raises it, in the order flags are written (the ID's,
    then each date's, vocabulary's and duplicate key's of the suite)."""
    flags: dict[str, pl.Expr] = {}
    if "id_status" in frame.columns:
        for id_status in ("bad_check", "excel_damaged", "legacy15"):
            flags[f"id_{id_status}"] = pl.col("id_status") == id_status
    if suite is None:
        return flags
    for field, rule in suite.dates.items():
        if rule.on_bad == "flag" and field in frame.columns:
            # one of the two at most: the status is computed once, as a column
            for kind in ("unparseable", "implausible"):
                flags[f"date_{kind}_{field}"] = pl.col(f"_status_{field}") == kind
    for field, values in suite.vocabularies.items():
        if field in frame.columns:
            flags[f"vocab_{field}"] = pl.col(field).is_not_null() & ~pl.col(field).is_in(
                list(values)
            )
    for name, fields in suite.unique.items():
        if all(f in frame.columns for f in fields):
            key = duplicate_hash(fields)
            flags[f"duplicate_{name}"] = key.is_not_null() & key.is_duplicated()
    return flags


def _date_statuses(suite: SuiteSpec | None, frame: pl.DataFrame) -> list[pl.Expr]:
    if suite is None:
        return []
    return [
        date_status(field, rule).alias(f"_status_{field}")
        for field, rule in suite.dates.items()
        if rule.on_bad == "flag" and field in frame.columns
    ]


def row_flags(suite: SuiteSpec | None, frame: pl.DataFrame) -> pl.Series:
    """`flags` of every row: the comma-separated names of the flags that apply, or null.

    Each flag is a boolean column first (two bits a row, where text for every row took 16
    bytes a flag); the names are written for the flagged rows only.
    """
    flags = _flag_columns(suite, frame)
    if not flags or frame.is_empty():
        return pl.Series("flags", [None] * frame.height, dtype=pl.Utf8)
    raised = frame.with_columns(_date_statuses(suite, frame)).select(
        condition.fill_null(False).alias(f"_if_{name}") for name, condition in flags.items()
    )
    flagged = raised.select(pl.any_horizontal(pl.all())).to_series()
    names = raised.filter(flagged).select(
        pl.concat_str(
            [pl.when(pl.col(f"_if_{name}")).then(pl.lit(name)) for name in flags],
            separator=",",
            ignore_nulls=True,
        ).replace("", None)
    )
    # row i takes the names of its place among the flagged rows; unflagged rows, null
    place = pl.when(flagged).then(flagged.cum_sum() - 1)
    return names.to_series().gather(pl.select(place).to_series()).alias("flags")


def validate_rows(
    source: str,
    frame: pl.DataFrame,
    spec: SourceSpec,
    suite: SuiteSpec | None = None,
    *,
    consume: bool = False,
) -> ValidatedSource:
    """Apply the row rules; the first rule that fires names the quarantine reason.

    Junk rows (blank, repeated header, total) are quarantined, not dropped, and take no
    part in the duplicate flags.

    Args:
        consume: move `frame`'s columns into the accepted rows one at a time, leaving
            `frame` empty, so that a provincial source is never held twice (prepared and
            accepted) while it is filtered.
    """
    keep = _usable_rows(frame, spec, suite)
    # rule and reason are written for the quarantined rows only (the first rule that fires
    # on a row does not depend on the other rows)
    rejected = frame.filter(~keep)
    refs = rejected.select(
        "source",
        "file",
        "sheet",
        "row_number",
        pl.col("excel_row") if "excel_row" in frame.columns else pl.lit(None, dtype=pl.Int64),
    )
    quarantined = refs.hstack(_rule_marks(rejected, spec, suite)).rename(
        {"_rule": "rule", "_reason": "reason"}
    )
    del rejected
    rows_read = frame.height
    accepted = _moved_rows(frame, keep) if consume else frame.filter(keep)
    if "excel_row" not in accepted.columns:  # a frame built elsewhere: the row is unknown
        accepted = accepted.with_columns(pl.lit(None, dtype=pl.Int64).alias("excel_row"))
    accepted = accepted.with_columns(row_flags(suite, accepted)).drop(JUNK_COLUMN, strict=False)
    if accepted.height + quarantined.height != rows_read:
        raise ReconciliationError(
            f"{source}: read {rows_read} rows but accepted {accepted.height}"
            f" + quarantined {quarantined.height}"
        )
    return ValidatedSource(accepted=accepted, quarantined=quarantined.cast(QUARANTINE_SCHEMA))


def _usable_rows(frame: pl.DataFrame, spec: SourceSpec, suite: SuiteSpec | None) -> pl.Series:
    """True where no row rule fires: the conditions alone, as one boolean column."""
    conditions = [c.fill_null(False) for _, c, _ in _reason_rules(spec, suite, frame)]
    return frame.select(~pl.any_horizontal(conditions)).to_series()


def _rule_marks(frame: pl.DataFrame, spec: SourceSpec, suite: SuiteSpec | None) -> pl.DataFrame:
    """`_rule` and `_reason` of every row: the first rule that fires, null for a usable row."""
    df = (
        frame.with_columns(mask_id("id_number").alias("id_masked"))
        if "id_number" in frame.columns
        else frame
    )
    rule_expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    reason_expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for rule, condition, reason in reversed(_reason_rules(spec, suite, df)):
        rule_expr = pl.when(condition).then(pl.lit(rule)).otherwise(rule_expr)
        reason_expr = pl.when(condition).then(reason).otherwise(reason_expr)
    return df.select(rule_expr.alias("_rule"), reason_expr.alias("_reason"))


def _moved_rows(frame: pl.DataFrame, keep: pl.Series) -> pl.DataFrame:
    """`frame.filter(keep)`, taking each column out of `frame` as it is filtered."""
    return pl.DataFrame([frame.drop_in_place(name).filter(keep) for name in list(frame.columns)])


def rows_per_file(frame: pl.DataFrame) -> dict[tuple[str, str | None], int]:
    """Rows of `frame` per (file, sheet): counted by group, never by filtering every column."""
    counted = frame.select("file", "sheet").group_by("file", "sheet").len()
    return {(file, sheet): n for file, sheet, n in counted.iter_rows()}


def count_per_file(reports: list[FileReport], validated: ValidatedSource) -> None:
    """Write accepted / quarantined counts into each file's report; check they reconcile."""
    quarantined = rows_per_file(validated.quarantined)
    accepted = rows_per_file(validated.accepted)
    for report in reports:
        report.rows_quarantined = quarantined.get((report.file, report.sheet), 0)
        report.rows_accepted = accepted.get((report.file, report.sheet), 0)
        if report.rows_read != report.rows_accepted + report.rows_quarantined:
            raise ReconciliationError(
                f"{report.source}: {report.file}: read {report.rows_read} rows but accepted "
                f"{report.rows_accepted} + quarantined {report.rows_quarantined}"
            )


def quarantine_limit_breaches(
    config: Config, reports: dict[str, list[FileReport]], validated: dict[str, ValidatedSource]
) -> list[str]:
    """One line per source whose quarantined share passes its limit (schemas/pipeline.yaml)."""
    breaches = []
    for source, files in reports.items():
        read = sum(f.rows_read for f in files)
        quarantined = sum(f.rows_quarantined for f in files)
        limit = config.pipeline.max_quarantine_share.get(
            source, config.pipeline.default_max_quarantine_share
        )
        if read and quarantined / read > limit:
            top = (
                validated[source].quarantined["rule"].value_counts(sort=True).head(2)
                if source in validated
                else None
            )
            rules = ", ".join(f"{r} {n}" for r, n in top.iter_rows()) if top is not None else ""
            breaches.append(
                f"{source}: {quarantined} of {read} rows quarantined "
                f"({quarantined / read:.1%} > limit "
                f"{limit:.1%}){f', mostly {rules}' if rules else ''}"
            )
    return breaches
