"""The deployment's history of reviewers' decisions, kept across runs.

Every `--reviews` file adds the decisions it holds (and those it carries from earlier runs)
to `<runs>/decisions.parquet`: one row per lead and decision as first recorded, with the
lead's evidence fingerprint and its features at that time, so the review model can be
trained on leads that are no longer in the current run. The latest decision per lead is
what carries over to the next run and what the model learns from.
"""

from __future__ import annotations

from datetime import date

import polars as pl

STORE_NAME = "decisions.parquet"
STORE_SCHEMA = pl.Schema(
    [
        ("candidate_id", pl.Utf8()),
        ("evidence_hash", pl.Utf8()),
        ("decision", pl.Utf8()),
        ("note", pl.Utf8()),
        ("recorded", pl.Date()),
        ("run_id", pl.Utf8()),
        ("features", pl.List(pl.Utf8())),
        # the legal test's own order of the lead then: what the model must beat
        ("strength", pl.Float64()),
        ("score", pl.Float64()),
    ]
)
_SAME_DECISION = ["candidate_id", "evidence_hash", "decision", "note"]


def empty_history() -> pl.DataFrame:
    return pl.DataFrame(schema=STORE_SCHEMA)


def latest_decisions(history: pl.DataFrame) -> pl.DataFrame:
    """The last decision recorded for each lead."""
    return history.unique("candidate_id", keep="last", maintain_order=True)


def record_decisions(
    history: pl.DataFrame, candidates: pl.DataFrame, run_id: str, day: date
) -> pl.DataFrame:
    """The history plus every decision this run carries that it does not hold yet."""
    if candidates.is_empty() or "decision" not in candidates.columns:
        return history
    decided = candidates.filter(pl.col("decision").fill_null("") != "")
    if "decision_known" in decided.columns:  # a word in no list of vocabulary.yaml: no decision
        decided = decided.filter(pl.col("decision_known"))
    decided = decided.select(
        "candidate_id",
        "evidence_hash",
        "decision",
        pl.col("note").fill_null(""),
        pl.lit(day).alias("recorded"),
        pl.lit(run_id).alias("run_id"),
        "features",
        pl.col("strength").cast(pl.Float64),
        pl.col("score").cast(pl.Float64),
    )
    new = decided.join(history.select(_SAME_DECISION), on=_SAME_DECISION, how="anti")
    return pl.concat([history, new.cast(STORE_SCHEMA)]) if new.height else history
