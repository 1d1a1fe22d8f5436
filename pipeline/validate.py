"""Row rules: split each prepared source into accepted rows and quarantined rows.

A row that cannot be used goes to quarantine with its rule and a reason; a row with a
damaged but usable field is kept and flagged. Counts reconcile per file:
read = accepted + quarantined, checked here and written in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.config import SourceSpec
from pipeline.errors import ReconciliationError

QUARANTINE_SCHEMA = {
    "source": pl.Utf8,
    "file": pl.Utf8,
    "sheet": pl.Utf8,
    "row_number": pl.Int64,
    "rule": pl.Utf8,
    "reason": pl.Utf8,
}
# Flags on kept rows: the field is damaged but the row is still usable.
FLAG_RULES = {
    "id_bad_check": "证件号码校验位错误，不作为唯一标识使用",
    "id_excel_damaged": "证件号码疑经Excel转换损坏（末位丢失或科学计数法）",
    "id_legacy15": "15位旧证件号码，已升位为18位",
}


@dataclass(frozen=True)
class ValidatedSource:
    accepted: pl.DataFrame
    quarantined: pl.DataFrame


def _reason_rules(spec: SourceSpec, frame: pl.DataFrame) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(rule, condition that quarantines, reason text) in order of precedence."""
    canonical = [c for c in spec.fields if c in frame.columns]
    rules: list[tuple[str, pl.Expr, pl.Expr]] = [
        ("blank_row", pl.all_horizontal(pl.col(c).is_null() for c in canonical), pl.lit("空行：所有字段为空")),
    ]
    for field in spec.required:
        if field == "id_number":
            continue  # an ID may be missing on one row; the row still links by name and birth date
        column = "name_norm" if field == "name" else field
        header = spec.fields[field][0] if spec.fields[field] else field
        rules.append(
            (f"missing_{field}", pl.col(column).is_null(), pl.lit(f"必填字段“{header}”（{field}）为空"))
        )
    if "id_status" in frame.columns:
        rules.append(
            (
                "id_bad_shape",
                pl.col("id_status") == "bad_shape",
                pl.lit("证件号码格式不符（非15/18位）：") + pl.col("id_masked"),
            )
        )
    return rules


def mask_id(column: str) -> pl.Expr:
    """First 6 and last 2 characters kept: enough for a steward to find the row, not to identify."""
    text = pl.col(column).cast(pl.Utf8)
    length = text.str.len_chars()
    return (
        pl.when(length > 8)
        .then(text.str.slice(0, 6) + pl.lit("*").repeat_by(length - 8).list.join("") + text.str.slice(-2))
        .when(text.is_not_null())
        .then(pl.lit("***"))
    )


def validate_rows(source: str, frame: pl.DataFrame, spec: SourceSpec) -> ValidatedSource:
    """Apply the row rules; the first rule that fires names the quarantine reason."""
    df = frame.with_columns(mask_id("id_number").alias("id_masked")) if "id_number" in frame.columns else frame
    rule_expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    reason_expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for rule, condition, reason in reversed(_reason_rules(spec, df)):
        rule_expr = pl.when(condition).then(pl.lit(rule)).otherwise(rule_expr)
        reason_expr = pl.when(condition).then(reason).otherwise(reason_expr)
    df = df.with_columns(rule_expr.alias("_rule"), reason_expr.alias("_reason"))
    if "id_status" in df.columns:
        flag = (
            pl.when(pl.col("id_status") == "bad_check").then(pl.lit("id_bad_check"))
            .when(pl.col("id_status") == "excel_damaged").then(pl.lit("id_excel_damaged"))
            .when(pl.col("id_status") == "legacy15").then(pl.lit("id_legacy15"))
        )
        df = df.with_columns(flag.alias("flags"))
    else:
        df = df.with_columns(pl.lit(None, dtype=pl.Utf8).alias("flags"))
    quarantined = df.filter(pl.col("_rule").is_not_null()).select(
        "source", "file", "sheet", "row_number", pl.col("_rule").alias("rule"), pl.col("_reason").alias("reason")
    )
    accepted = df.filter(pl.col("_rule").is_null()).drop("_rule", "_reason", "id_masked", strict=False)
    if accepted.height + quarantined.height != frame.height:
        raise ReconciliationError(
            f"{source}: read {frame.height} rows but accepted {accepted.height} + quarantined {quarantined.height}"
        )
    return ValidatedSource(accepted=accepted, quarantined=quarantined.cast(QUARANTINE_SCHEMA))
