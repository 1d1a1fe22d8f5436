"""Leads across runs: new or changed since the last run, and reviewers' decisions carried over.

Decisions come from an earlier 线索清单.csv (its 审核结论 and notes) and follow each lead by
线索编号, which is stable for the same person and case.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl

from pipeline.outputs.spreadsheet import restore_formulas

DECISIONS = ("采纳", "不采纳", "待核实")


def carry_over_reviews(candidates: pl.DataFrame, reviews: pl.DataFrame) -> pl.DataFrame:
    """Attach decision and note; a lead decided 不采纳 is not new again unless its evidence changed."""
    if candidates.is_empty() or reviews.is_empty():
        return candidates
    decided = (
        restore_formulas(reviews)
        .select(
            "candidate_id",
            pl.col("decision").str.strip_chars(),
            pl.col("note"),
            pl.col("evidence_hash").alias("_reviewed_hash"),
        )
        .filter(pl.col("decision").is_in(DECISIONS))
        .unique("candidate_id", keep="last", maintain_order=True)
    )
    out = candidates.drop("decision", "note", strict=False).join(
        decided, on="candidate_id", how="left"
    )
    evidence_same = pl.col("_reviewed_hash").is_null() | (
        pl.col("_reviewed_hash") == pl.col("evidence_hash")
    )
    rejected_unchanged = (pl.col("decision") == "不采纳") & evidence_same
    return out.with_columns(
        pl.when(pl.col("decision").is_not_null())
        .then(pl.lit(False))
        .otherwise(pl.col("is_new"))
        .alias("is_new"),
        pl.when(rejected_unchanged)
        .then(pl.lit("rejected_unchanged"))
        .when(pl.col("decision").is_not_null() & ~evidence_same)
        .then(pl.lit("changed_since_review"))
        .when(pl.col("decision").is_not_null())
        .then(pl.lit("reviewed"))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.col("decision").fill_null(""),
        pl.col("note").fill_null(""),
    ).drop("_reviewed_hash")


def evidence_hash() -> pl.Expr:
    """Fingerprint of what a lead rests on: a change means a reviewer should look again."""
    return (pl.col("evidence") + "|" + pl.col("score_breakdown")).map_elements(
        lambda s: hashlib.sha256(s.encode()).hexdigest()[:10], return_dtype=pl.Utf8
    )


def previous_candidates(baseline: Path) -> pl.DataFrame | None:
    """candidate_id and evidence_hash of the run folder `baseline` (`<out>/latest`), if any."""
    previous = baseline / "candidates.csv"
    if not previous.exists():
        return None
    return pl.read_csv(previous, infer_schema=False, columns=["candidate_id", "evidence_hash"])


def mark_new(candidates: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Add evidence_hash, is_new and status (new / changed / unchanged) against the previous run."""
    if candidates.is_empty():
        return candidates
    candidates = candidates.with_columns(evidence_hash().alias("evidence_hash"))
    if previous is None:
        return candidates.with_columns(pl.lit(True).alias("is_new"), pl.lit("new").alias("status"))
    prev = previous.rename({"evidence_hash": "_prev_hash"})
    return (
        candidates.join(prev, on="candidate_id", how="left")
        .with_columns(
            pl.col("_prev_hash").is_null().alias("is_new"),
            pl.when(pl.col("_prev_hash").is_null())
            .then(pl.lit("new"))
            .when(pl.col("_prev_hash") != pl.col("evidence_hash"))
            .then(pl.lit("changed"))
            .otherwise(pl.lit("unchanged"))
            .alias("status"),
        )
        .drop("_prev_hash")
        .sort("rank")
    )
