"""线索清单.csv, the reviewers' list: the ranked leads in Chinese, for people.

Masked ID numbers; a minor's name (any linked row under 18 at the case date, leads/minors.py)
masked in the name column and wherever the lead's texts quote it; sources by their labels
(schemas/sources.yaml); rows cited as Excel shows them (outputs/row_refs.py); 变化情况 in the
words of schemas/vocabulary.yaml; decision and note columns to fill in. The headers of the
columns read back as reviews (线索编号, 审核结论, 审核备注, 证据指纹) are the first aliases of
the `reviews` source in schemas/sources.yaml, so what is written is what is read.
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Config
from pipeline.leads.minors import MINOR_COLUMN
from pipeline.outputs.masking import hide_name_in_texts, mask_id, name_unless_protected
from pipeline.outputs.row_refs import evidence_with_excel_rows, reasons_with_excel_rows

# Columns read back as reviews: their headers come from sources.yaml's `reviews` aliases.
READ_BACK = ("candidate_id", "decision", "note", "evidence_hash")
# Reviewer file: Chinese headers, in the order a reviewer reads a row.
REVIEWER_COLUMNS = {
    "rank": "排名",
    "candidate_id": READ_BACK,
    "tier": "线索等级",
    "score": "评分",
    "is_new_text": "是否新增",
    "status_text": "变化情况",
    "victim_display": "被害人",
    "id_masked": "证件号码（脱敏）",
    "sex_text": "性别",
    "age_at_case": "案发时年龄",
    "case_id": "案件编号",
    "case_name": "案件名称",
    "charge": "案由",
    "harm_line": "伤害要件",
    "compensation_line": "赔偿要件",
    "hardship_line": "困难要件",
    "forgiveness_text": "谅解情况",
    "accept_text": "采纳可能性",
    # stated once, in the header: what the short references mean
    "reasons_text": "推荐理由（分值；#后为Excel行号，表头为第1行）",
    "applicants": "建议申请人",
    "indicative_range": "参考救助区间",
    "sources_text": "线索来源",
    "evidence": "证据（来源文件#Excel行号）",
    "decision": READ_BACK,
    "note": READ_BACK,
    "evidence_hash": READ_BACK,
}
# Texts that may quote the victim's name (the case summary's sentences, the case's name).
_QUOTING_TEXTS = ("case_name", "harm_line", "compensation_line", "hardship_line", "reasons_text")
_FORGIVENESS = {"forgiven": "已谅解", "not_forgiven": "不予谅解", "unknown": "不明"}


def reviewer_headers(config: Config) -> dict[str, str]:
    """Column -> header; the read-back columns named by the `reviews` source's first alias."""
    aliases = config.source("reviews").fields
    return {
        column: aliases[column][0] if header is READ_BACK else str(header)
        for column, header in REVIEWER_COLUMNS.items()
    }


def reviewer_frame(
    candidates: pl.DataFrame, config: Config, refs: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The reviewer's list of `candidates`; `refs` (`row_references`) turn the rows cited in
    reasons and evidence into the rows Excel shows."""
    headers = reviewer_headers(config)
    if candidates.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(headers.values(), pl.Utf8))
    frame = candidates
    for column, dtype in (("accept_probability", pl.Float64), ("model_reason", pl.Utf8)):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(column))
    for column in ("decision", "note"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("", dtype=pl.Utf8).alias(column))
    if refs is not None:
        frame = frame.with_columns(
            reasons_with_excel_rows(frame, refs, config.source_labels(short=True)).alias("reasons"),
            evidence_with_excel_rows(frame, refs, config.source_labels()).alias("evidence"),
        )
    frame = frame.with_columns(_display_columns(config))
    frame = frame.with_columns(
        hide_name_in_texts(_QUOTING_TEXTS, name="victim_name", protected=MINOR_COLUMN)
    )
    return frame.select(pl.col(c).alias(h) for c, h in headers.items())


def _display_columns(config: Config) -> list[pl.Expr]:
    """The columns shown in words: masked ID and minor's name, sex, new, status, elements,
    forgiveness and the sources by their labels."""
    statuses = config.vocabulary.lead_status_text.model_dump()
    return [
        mask_id("id_number").alias("id_masked"),
        name_unless_protected("victim_name", "is_minor", MINOR_COLUMN).alias("victim_display"),
        pl.col("sex")
        .cast(pl.Utf8)
        .replace_strict({"M": "男", "F": "女"}, default=None)
        .alias("sex_text"),
        pl.col("is_new")
        .replace_strict({True: "是", False: "否"}, default="是", return_dtype=pl.Utf8)
        .alias("is_new_text"),
        pl.col("status").replace_strict(statuses, default=None).alias("status_text"),
        *(
            pl.concat_str(pl.col(f"{e}_status"), pl.lit(" "), pl.col(f"{e}_evidence")).alias(
                f"{e}_line"
            )
            for e in ("harm", "compensation", "hardship")
        ),
        pl.col("forgiveness")
        .replace_strict(_FORGIVENESS, default="不明", return_dtype=pl.Utf8)
        .alias("forgiveness_text"),
        _accept_text().alias("accept_text"),
        _reasons_text().alias("reasons_text"),
        pl.col("sources")
        .str.split("+")
        .list.eval(pl.element().replace(config.source_labels()))
        .list.join("+")
        .alias("sources_text"),
    ]


def _accept_text() -> pl.Expr:
    """采纳可能性 as a percentage, empty while the review model is off."""
    probability = pl.col("accept_probability")
    percent = (probability * 100).round(0).cast(pl.Int64).cast(pl.Utf8) + "%"
    return pl.when(probability.is_not_null()).then(percent).otherwise(pl.lit(""))


def _reasons_text() -> pl.Expr:
    """The reasons, after the review model's line when it moved the lead."""
    model = pl.col("model_reason").fill_null("")
    return pl.when(model != "").then(model + "；" + pl.col("reasons")).otherwise(pl.col("reasons"))
