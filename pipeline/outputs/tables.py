"""Write the run folder: every file into a hidden temporary folder, then one rename.

IO edge of the pipeline. A failed run leaves no folder that looks complete, and
`latest` moves only after the new folder is in place.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.outputs.masking import mask_id, name_unless_protected
from pipeline.state import CompletedRun

CANDIDATE_COLUMNS = (
    "rank",
    "candidate_id",
    "tier",
    "strength",
    "score",
    "person_id",
    "case_id",
    "harm_status",
    "compensation_status",
    "hardship_status",
    "legal_test",
    "reasons",
    "accept_probability",
    "model_reason",
    "is_new",
    "status",
    "harm",
    "compensation",
    "forgiveness",
    "monitor_type",
    "sources",
    "cross_source",
    "has_hardship_evidence",
    "hardship_caused_by_case",
    "is_minor",
    "age_at_case",
    "evidence",
    "applicants",
    "indicative_range",
    "score_breakdown",
    "evidence_hash",
)
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
    "accept_text": "采纳可能性",
    "reasons_text": "推荐理由（分值）",
    "applicants": "建议申请人",
    "indicative_range": "参考救助区间",
    "sources_text": "线索来源",
    "evidence": "证据（来源行）",
    "decision": "审核结论",
    "note": "审核备注",
    "evidence_hash": "证据指纹",
}
_FORGIVENESS = {"forgiven": "已谅解", "not_forgiven": "不予谅解", "unknown": "不明"}


def _accept_text() -> pl.Expr:
    """采纳可能性 as a percentage, empty while the review model is off."""
    probability = pl.col("accept_probability")
    percent = (probability * 100).round(0).cast(pl.Int64).cast(pl.Utf8) + "%"
    return pl.when(probability.is_not_null()).then(percent).otherwise(pl.lit(""))


def _reasons_text() -> pl.Expr:
    """The reasons, after the review model's line when it moved the lead."""
    model = pl.col("model_reason").fill_null("")
    return pl.when(model != "").then(model + "；" + pl.col("reasons")).otherwise(pl.col("reasons"))


def reviewer_frame(candidates: pl.DataFrame, source_labels: dict[str, str]) -> pl.DataFrame:
    """The reviewer's list: masked IDs, minors' names masked, sources by `source_labels`
    (schemas/sources.yaml's `label`), empty decision and note."""
    if candidates.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(REVIEWER_COLUMNS.values(), pl.Utf8))
    for column, dtype in (("accept_probability", pl.Float64), ("model_reason", pl.Utf8)):
        if column not in candidates.columns:
            candidates = candidates.with_columns(pl.lit(None, dtype=dtype).alias(column))
    frame = candidates.with_columns(
        mask_id("id_number").alias("id_masked"),
        name_unless_protected("victim_name", "is_minor").alias("victim_display"),
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
        _accept_text().alias("accept_text"),
        _reasons_text().alias("reasons_text"),
        pl.col("sources")
        .str.split("+")
        .list.eval(pl.element().replace(source_labels))
        .list.join("+")
        .alias("sources_text"),
    )
    for column in ("decision", "note"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit("", dtype=pl.Utf8).alias(column))
    return frame.select(pl.col(c).alias(h) for c, h in REVIEWER_COLUMNS.items())


def write_csv(frame: pl.DataFrame, path: Path, *, bom: bool = False) -> None:
    """CSV in UTF-8 (with a BOM for files people open in Excel)."""
    frame.write_csv(path, include_bom=bom)


class RunFolder:
    """A run folder being written: files go to `<out>/.<run_id>.partial/` until commit()."""

    def __init__(self, out: Path, run_id: str) -> None:
        self.out = out
        self.run_id = run_id
        self.final = out / run_id
        self.path = out / f".{run_id}.partial"
        out.mkdir(parents=True, exist_ok=True)
        self.path.mkdir()

    def write_frame(self, name: str, frame: pl.DataFrame, *, bom: bool = False) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        write_csv(frame, target, bom=bom)
        return target

    def write_text(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def write_json(self, name: str, data: dict[str, Any]) -> Path:
        return self.write_text(
            name, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        )

    def commit(self) -> Path:
        """Move the folder into place, then point `latest` at it (atomic replace of a symlink)."""
        os.replace(self.path, self.final)
        link = self.out / "latest"
        tmp = self.out / f".latest.{self.run_id}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(self.run_id, target_is_directory=True)
        os.replace(tmp, link)
        return self.final

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def linked_rows(prepared: dict[str, pl.DataFrame], links: pl.DataFrame) -> pl.DataFrame:
    """person_links.csv: every accepted (and kept) input row with its person_id."""
    refs = pl.concat(
        [f.select("source", "file", "sheet", "row_number", "record_key") for f in prepared.values()]
    )
    return refs.join(links.drop("idx"), on="record_key", how="left").select(
        "source", "file", "sheet", "row_number", "person_id", "link_confidence", "cluster_size",
        *(["linked_by"] if "linked_by" in links.columns else []),
    )  # fmt: skip


def review_pairs(
    pairs: pl.DataFrame, links: pl.DataFrame, band: tuple[float, float]
) -> pl.DataFrame:
    """link_review.csv: pairs near the link threshold, by record reference, with each level and weight."""
    keys = links.select("idx", "record_key")
    return (
        pairs.filter(pl.col("match_probability").is_between(band[0], band[1]))
        .join(keys.rename({"idx": "idx_l", "record_key": "record_l"}), on="idx_l")
        .join(keys.rename({"idx": "idx_r", "record_key": "record_r"}), on="idx_r")
        .select(
            "record_l",
            "record_r",
            pl.col("match_probability").round(4),
            "match_weight",
            pl.selectors.starts_with("gamma_"),
            pl.selectors.starts_with("w_").round(3),
        )
        .sort("match_probability", descending=True)
    )


def write_tables(
    folder: RunFolder,
    run: CompletedRun,
    review_band: tuple[float, float],
    source_labels: dict[str, str],
) -> None:
    """Every CSV of the run folder; `source_labels` name the sources in 线索清单.csv."""
    scored, linked = run.scored, run.linked
    candidates = scored.candidates
    present = [c for c in CANDIDATE_COLUMNS if c in candidates.columns]
    folder.write_frame(
        "candidates.csv", candidates.select(present) if candidates.height else candidates
    )
    folder.write_frame("线索清单.csv", reviewer_frame(candidates, source_labels), bom=True)
    folder.write_frame("person_links.csv", linked_rows(linked.frames, linked.result.links))
    quarantined = [v.quarantined for v in run.validated.checked.values()]
    folder.write_frame("quarantine.csv", pl.concat(quarantined) if quarantined else pl.DataFrame())
    # handed to people: opens in Excel
    folder.write_frame("referrals.csv", scored.referrals, bom=True)
    if scored.excluded.height:
        folder.write_frame(
            "excluded_leads.csv",
            scored.excluded.select(
                "candidate_id", "person_id", "case_id", "score", "exclusions", "evidence"
            ),
        )
    folder.write_frame(
        "link_review.csv", review_pairs(linked.result.pairs, linked.result.links, review_band)
    )
