"""Carry reviewers' decisions from an earlier 线索清单.csv into the new lead list by 线索编号."""

from __future__ import annotations

import polars as pl

DECISIONS = ("采纳", "不采纳", "待核实")


def carry_over_reviews(candidates: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """Attach decision and note; a lead decided 不采纳 is not new again unless its evidence changed."""
    if candidates.is_empty() or reviews.is_empty():
        return candidates
    decided = (
        reviews.select(
            "candidate_id",
            pl.col("decision").str.strip_chars(),
            pl.col("note"),
            pl.col("evidence_hash").alias("_reviewed_hash"),
        )
        .filter(pl.col("decision").is_in(DECISIONS))
        .unique("candidate_id", keep="last", maintain_order=True)
    )
    out = candidates.drop("decision", "note", strict=False).join(decided, on="candidate_id", how="left")
    evidence_same = pl.col("_reviewed_hash").is_null() | (pl.col("_reviewed_hash") == pl.col("evidence_hash"))
    rejected_unchanged = (pl.col("decision") == "不采纳") & evidence_same
    return out.with_columns(
        pl.when(pl.col("decision").is_not_null()).then(pl.lit(False)).otherwise(pl.col("is_new")).alias("is_new"),
        pl.when(rejected_unchanged).then(pl.lit("rejected_unchanged"))
        .when(pl.col("decision").is_not_null() & ~evidence_same).then(pl.lit("changed_since_review"))
        .when(pl.col("decision").is_not_null()).then(pl.lit("reviewed"))
        .otherwise(pl.col("status")).alias("status"),
        pl.col("decision").fill_null(""),
        pl.col("note").fill_null(""),
    ).drop("_reviewed_hash")
