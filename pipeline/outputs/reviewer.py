"""线索清单.csv, the reviewers' list: the ranked leads in Chinese, for people.

Masked ID numbers; a minor's name (any linked row under 18 at the case date, leads/minors.py)
masked in the name column and wherever the lead's texts quote it; sources by their labels
(schemas/sources.yaml); empty decision and note columns to fill in.
"""

from __future__ import annotations

import polars as pl

from pipeline.leads.minors import MINOR_COLUMN
from pipeline.outputs.masking import hide_name_in_texts, mask_id, name_unless_protected

# Reviewer file: Chinese headers, in the order a reviewer reads a row.
REVIEWER_COLUMNS = {
    "rank": "排名",
    "candidate_id": "线索编号",
    "tier": "线索等级",
    "score": "评分",
    "is_new_text": "是否新增",
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
    "reasons": "推荐理由（分值）",
    "applicants": "建议申请人",
    "indicative_range": "参考救助区间",
    "sources_text": "线索来源",
    "evidence": "证据（来源行）",
    "decision": "审核结论",
    "note": "审核备注",
    "evidence_hash": "证据指纹",
}
# Texts that may quote the victim's name (the case summary's sentences, the case's name).
_QUOTING_TEXTS = ("case_name", "harm_line", "compensation_line", "hardship_line", "reasons")
_FORGIVENESS = {"forgiven": "已谅解", "not_forgiven": "不予谅解", "unknown": "不明"}


def reviewer_frame(candidates: pl.DataFrame, source_labels: dict[str, str]) -> pl.DataFrame:
    """The reviewer's list: masked IDs, minors' names masked, sources by `source_labels`
    (schemas/sources.yaml's `label`), empty decision and note."""
    if candidates.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(REVIEWER_COLUMNS.values(), pl.Utf8))
    frame = candidates.with_columns(
        mask_id("id_number").alias("id_masked"),
        name_unless_protected("victim_name", "is_minor", MINOR_COLUMN).alias("victim_display"),
        pl.col("sex")
        .cast(pl.Utf8)
        .replace_strict({"M": "男", "F": "女"}, default=None)
        .alias("sex_text"),
        pl.col("is_new")
        .replace_strict({True: "是", False: "否"}, default="是", return_dtype=pl.Utf8)
        .alias("is_new_text"),
        *(
            pl.concat_str(pl.col(f"{e}_status"), pl.lit(" "), pl.col(f"{e}_evidence")).alias(
                f"{e}_line"
            )
            for e in ("harm", "compensation", "hardship")
        ),
        pl.col("forgiveness")
        .replace_strict(_FORGIVENESS, default="不明", return_dtype=pl.Utf8)
        .alias("forgiveness_text"),
        pl.col("sources")
        .str.split("+")
        .list.eval(pl.element().replace(source_labels))
        .list.join("+")
        .alias("sources_text"),
    )
    for column in ("decision", "note"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("", dtype=pl.Utf8).alias(column))
    frame = frame.with_columns(
        hide_name_in_texts(_QUOTING_TEXTS, name="victim_name", protected=MINOR_COLUMN)
    )
    return frame.select(pl.col(c).alias(h) for c, h in REVIEWER_COLUMNS.items())
