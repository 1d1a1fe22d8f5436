"""Learning from reviewers: the decision history, the model's switch, and its re-ordering."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Config
from pipeline.ingest.decisions import read_decision_store
from pipeline.ingest.read import SourceFrame
from pipeline.leads.decisions import empty_history, latest_decisions, record_decisions
from pipeline.leads.learning import ReviewModel, apply_review_model, train_review_model
from pipeline.leads.review_features import feature_labels
from pipeline.leads.reviews import ReviewsRead, carry_over_reviews, review_rows, rows_to_carry
from pipeline.outputs.decisions import write_decision_store


def history_of(decisions: list[tuple[str, str, list[str]]]) -> pl.DataFrame:
    rows = [
        {"candidate_id": c, "evidence_hash": "h", "decision": d, "note": "", "recorded": date(2026, 1, 1), "run_id": "r", "features": f}
        for c, d, f in decisions
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=empty_history().schema)


def candidates_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = {"strength": 5.0, "score": 50.0, "tier": "中"}
    frame = pl.DataFrame([base | r for r in rows])
    return frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"))


# accepted when the hardship was found after the case; rejected when it was plain poverty
TRAINING = [(f"A{i}", "采纳", ["harm=death", "rule=risk_after_incident"]) for i in range(20)] + [
    (f"R{i}", "不采纳", ["harm=death", "rule=monitored_risk_cleared"]) for i in range(20)
]


@pytest.mark.parametrize(
    ("decisions", "reason_part"),
    [
        ([], "0 decisions"),
        (TRAINING[:10], "10 decisions"),  # too few
        ([(f"A{i}", "采纳", ["x"]) for i in range(40)], "40 采纳, 0 不采纳"),  # one kind only
        ([(f"W{i}", "待核实", ["x"]) for i in range(40)], "0 decisions"),  # 待核实 is no decision
    ],
)
def test_below_the_minimum_history_the_model_stays_off_and_says_so(
    config: Config, decisions: list[tuple[str, str, list[str]]], reason_part: str
) -> None:
    model = train_review_model(
        history_of(decisions), config.scoring.learning, config.vocabulary.review_decisions
    )
    assert not model.active
    assert reason_part in model.reason and "off" in model.reason


def _separable(accepted: int, rejected: int) -> list[tuple[str, str, list[str]]]:
    """Decisions a model separates perfectly and the legal test's order does not."""
    return [(f"A{i}", "采纳", ["charge=诈骗罪"]) for i in range(accepted)] + [
        (f"R{i}", "不采纳", ["charge=交通肇事罪"]) for i in range(rejected)
    ]


@pytest.mark.parametrize(
    ("settings_change", "decisions", "active", "reason_part"),
    [
        ({}, _separable(25, 4), False, "29 decisions"),  # one short of min_decisions
        ({}, _separable(26, 4), False, "26 采纳, 4 不采纳"),  # one short of min_per_class
        ({}, _separable(4, 26), False, "4 采纳, 26 不采纳"),
        ({}, _separable(25, 5), True, "on: 30 decisions"),  # both minimums met exactly
        ({"enabled": False}, _separable(25, 25), False, "switched off"),
        ({"min_decisions": 60}, _separable(25, 25), False, "at least 60"),
        ({"min_auc_gain": 0.6}, _separable(25, 25), False, "better than the legal test"),
        ({}, _separable(25, 25), True, "on: 50 decisions"),
        ({"min_per_class": 20}, _separable(30, 19), False, "with 20 of each kind"),
        ({"min_per_class": 20}, _separable(30, 20), True, "on: 50 decisions"),
    ],
)
def test_the_switch_follows_the_learning_settings(
    config: Config,
    settings_change: dict[str, Any],
    decisions: list[tuple[str, str, list[str]]],
    active: bool,
    reason_part: str,
) -> None:
    # the table's thresholds, whatever scoring.yaml ships
    table = {"enabled": True, "min_decisions": 30, "min_per_class": 5, "min_auc_gain": 0.05}
    learning = config.scoring.learning.model_copy(update=table | settings_change)
    model = train_review_model(history_of(decisions), learning, config.vocabulary.review_decisions)
    assert model.active is active
    assert reason_part in model.reason
    assert model.decisions == len(decisions)


def test_the_model_orders_within_a_tier_and_never_across(config: Config) -> None:
    model = train_review_model(
        history_of(TRAINING), config.scoring.learning, config.vocabulary.review_decisions
    )
    assert model.active and model.decisions == 40
    candidates = candidates_of(
        [
            {
                "candidate_id": "high_weak",
                "tier": "高",
                "features": ["rule=monitored_risk_cleared"],
            },
            {"candidate_id": "mid_weak", "features": ["rule=monitored_risk_cleared"]},
            {"candidate_id": "mid_strong", "features": ["rule=risk_after_incident"]},
            {"candidate_id": "low_strong", "tier": "低", "features": ["rule=risk_after_incident"]},
        ]
    )
    labels = feature_labels(config.scoring, config.source_labels())
    out = apply_review_model(candidates, model, config.scoring, labels)
    assert out["candidate_id"].to_list() == ["high_weak", "mid_strong", "mid_weak", "low_strong"]
    assert out["rank"].to_list() == [1, 2, 3, 4]
    moved = dict(zip(out["candidate_id"], out["model_reason"], strict=True))
    assert (
        moved["mid_strong"].startswith("与已采纳线索相似：案发后")
        and "排名3→2" in moved["mid_strong"]
    )
    assert moved["mid_weak"].startswith("与未采纳线索相似：") and moved["high_weak"] == ""
    probability = dict(zip(out["candidate_id"], out["accept_probability"], strict=True))
    assert probability["mid_strong"] > 0.7 > 0.3 > probability["mid_weak"]


def test_a_model_no_better_than_the_legal_test_stays_off(config: Config) -> None:
    # the decisions follow the legal test's own order exactly: nothing left to learn
    history = history_of(TRAINING * 2).with_columns(
        pl.when(pl.col("decision") == "采纳").then(9.0).otherwise(5.0).alias("strength")
    )
    model = train_review_model(history, config.scoring.learning, config.vocabulary.review_decisions)
    assert not model.active
    assert "better than the legal test's own order" in model.reason
    assert model.holdout["auc_legal_test_order"] == 1.0


def test_without_history_the_order_is_untouched(config: Config) -> None:
    model = train_review_model(
        empty_history(), config.scoring.learning, config.vocabulary.review_decisions
    )
    candidates = candidates_of(
        [{"candidate_id": "a", "features": ["x"]}, {"candidate_id": "b", "features": ["y"]}]
    )
    out = apply_review_model(candidates, model, config.scoring, {})
    assert out.select("candidate_id", "rank").equals(candidates.select("candidate_id", "rank"))
    assert out["accept_probability"].null_count() == 2 and set(out["model_reason"]) == {""}


def test_the_held_out_check_reports_auc_and_a_calibration_table(config: Config) -> None:
    model = train_review_model(
        history_of(TRAINING * 2), config.scoring.learning, config.vocabulary.review_decisions
    ).describe()
    assert model["holdout"]["auc"] == 1.0
    assert (
        sum(row["leads"] for row in model["holdout"]["calibration"]) == model["holdout"]["held_out"]
    )
    assert model["hash"] and len(model["coefficients"]) == len(model["features"])


def test_the_history_keeps_each_decision_once_and_the_reviews_file_wins(config: Config) -> None:
    candidates = pl.DataFrame(
        {"candidate_id": ["a", "b", "c"], "evidence_hash": ["h", "h", "h"], "decision": ["采纳", "", "不采纳"], "note": ["ok", "", ""], "features": [["x"], ["y"], ["z"]], "strength": [9.0, 8.0, 7.0], "score": [80.0, 70.0, 60.0]}
    )  # fmt: skip
    once = record_decisions(empty_history(), candidates, "run1", date(2026, 1, 1))
    twice = record_decisions(once, candidates, "run2", date(2026, 1, 2))
    assert once.height == twice.height == 2
    reviews = pl.DataFrame(
        {"candidate_id": ["a"], "decision": ["驳回"], "note": ["changed"], "evidence_hash": ["h"]}
    )
    decisions = config.vocabulary.review_decisions
    read = ReviewsRead(
        SourceFrame("reviews", reviews, []), review_rows(reviews, decisions), reviews.clear()
    )
    cands = candidates.select("candidate_id", "evidence_hash").with_columns(
        pl.lit(True).alias("is_new"), pl.lit("new").alias("status")
    )
    carried = carry_over_reviews(cands, rows_to_carry(twice, read, decisions), decisions)
    assert dict(zip(carried["candidate_id"], carried["decision"], strict=True)) == {
        "a": "不采纳",  # the reviews file wins (驳回 is a synonym of 不采纳)
        "b": "",
        "c": "不采纳",  # carried from the history alone
    }
    assert carried.filter(pl.col("candidate_id") == "a")["note"][0] == "changed"
    # a word in no list of vocabulary.yaml is no decision: it never enters the history
    unknown = candidates.with_columns(pl.Series("decision_known", [False, False, True]))
    assert record_decisions(empty_history(), unknown, "run3", date(2026, 1, 3))[
        "candidate_id"
    ].to_list() == ["c"]
    assert latest_decisions(twice)["run_id"].to_list() == ["run1", "run1"]


def test_the_history_file_round_trips(tmp_path: Path) -> None:
    history = history_of(TRAINING[:3])
    write_decision_store(tmp_path / "decisions.parquet", history)
    assert read_decision_store(tmp_path / "decisions.parquet").equals(history)
    assert read_decision_store(tmp_path / "absent.parquet").is_empty()


def test_decisions_outlive_the_reviews_file(tmp_path: Path) -> None:
    from pipeline.run import run
    from pipeline.state import RunInputs

    out = tmp_path / "runs"
    first = run(RunInputs.sample(), out=out)
    reviewed = first.folder / "线索清单.csv"
    frame = pl.read_csv(reviewed, infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.col("排名").cast(pl.Int64) <= 3).then(pl.lit("采纳")).otherwise(pl.col("审核结论")).alias("审核结论")
    )  # fmt: skip
    path = tmp_path / "reviewed.csv"
    path.write_bytes(b"\xef\xbb\xbf" + frame.write_csv().encode())
    second = run(replace(RunInputs.sample(), reviews=path), out=out)
    third = run(RunInputs.sample(), out=out)  # no reviews file: the history carries them
    for result in (second, third):
        assert result.candidates.filter(pl.col("decision") == "采纳").height == 3
    assert read_decision_store(out / "decisions.parquet").height == 3
    assert third.manifest["decision_history"] == 3
    assert "off: 3 decisions" in third.manifest["review_model"]["reason"]


_FEATURES = ["a", "b", "c", "d"]


@settings(max_examples=200, deadline=None)
@given(
    leads=st.lists(
        st.tuples(
            st.sampled_from(["高", "中", "低"]),
            st.floats(0, 12, allow_nan=False),
            st.lists(st.sampled_from(_FEATURES), unique=True),
        ),
        min_size=1,
        max_size=40,
    ),
    weights=st.lists(st.floats(-8, 8, allow_nan=False), min_size=4, max_size=4),
    order=st.sampled_from(["probability", "within_strength", "blend"]),
)
def test_the_model_never_lifts_a_lead_past_its_tier(
    config: Config, leads: list[tuple[str, float, list[str]]], weights: list[float], order: str
) -> None:
    """Whatever the model learned, the legal test's tiers stay in order (a 中 lead never
    above a 高 one), no lead is added or lost, and ranks run 1..n."""
    tiers = config.scoring.tiers
    rows = sorted(leads, key=lambda lead: (tiers.index(lead[0]), -lead[1]))
    candidates = candidates_of(
        [
            {"candidate_id": f"L{i}", "tier": t, "strength": s, "features": f}
            for i, (t, s, f) in enumerate(rows)
        ]
    )
    model = ReviewModel(True, "on", 40, 20, tuple(_FEATURES), tuple(weights), 0.0)
    scoring = config.scoring.model_copy(
        update={"learning": config.scoring.learning.model_copy(update={"order": order})}
    )
    out = apply_review_model(candidates, model, scoring, {})
    assert out["rank"].to_list() == list(range(1, len(rows) + 1))
    assert sorted(out["candidate_id"]) == sorted(candidates["candidate_id"])
    positions = [tiers.index(t) for t in out["tier"]]
    assert positions == sorted(positions)
    tier_of = dict(zip(candidates["candidate_id"], candidates["tier"], strict=True))
    assert all(tier_of[c] == t for c, t in out.select("candidate_id", "tier").iter_rows())
    assert out["accept_probability"].is_between(0, 1).all()


def test_the_model_moves_what_it_learned_into_lower_tiers(config: Config) -> None:
    """Decided leads are mostly of the top tier; what they teach re-orders the others."""
    model = train_review_model(
        history_of(_separable(25, 25)), config.scoring.learning, config.vocabulary.review_decisions
    )
    assert model.active
    candidates = candidates_of(
        [
            {"candidate_id": "traffic", "tier": "低", "strength": 6.0, "features": ["charge=交通肇事罪"]},
            {"candidate_id": "fraud", "tier": "低", "strength": 5.5, "features": ["charge=诈骗罪"]},
        ]
    )  # fmt: skip
    out = apply_review_model(candidates, model, config.scoring, {})
    assert out["candidate_id"].to_list() == ["fraud", "traffic"]
    assert out.filter(pl.col("candidate_id") == "fraud")["model_reason"][0].startswith(
        "与已采纳线索相似：案由：诈骗罪"
    )


def test_a_run_with_no_history_ranks_as_the_legal_test(config: Config, tmp_path: Path) -> None:
    """No decision history: the same order, rank for rank, as with learning switched off."""
    from pipeline.run import run
    from pipeline.state import RunInputs

    learning = config.scoring.learning.model_copy(update={"enabled": False})
    scoring = config.scoring.model_copy(update={"learning": learning})
    off = config.model_copy(update={"scoring": scoring})
    with_learning = run(RunInputs.sample(), out=tmp_path / "a", config=config)
    without = run(RunInputs.sample(), out=tmp_path / "b", config=off)
    keys = ["candidate_id", "rank", "tier", "strength", "score"]
    assert with_learning.candidates.select(keys).equals(without.candidates.select(keys))
    assert (
        with_learning.candidates["accept_probability"].null_count()
        == with_learning.candidates.height
    )
    assert "off: 0 decisions" in with_learning.manifest["review_model"]["reason"]


def test_every_decision_carries_over_and_tiers_stay(config: Config, tmp_path: Path) -> None:
    """Reviewers decide the first 60 leads as the sample county does (its practice, in the
    truth); the next run carries all 60 and only re-orders leads within their tier."""
    from benchmarks.reviews import _decide_first, _qualifying_by_candidate
    from pipeline.run import run
    from pipeline.state import SAMPLE_DIR, RunInputs

    out = tmp_path / "runs"
    first = run(RunInputs.sample(), out=out, config=config)
    hits = _qualifying_by_candidate(first.folder, SAMPLE_DIR / "truth", "county_accepts")
    reviewed = tmp_path / "reviewed.csv"
    decided = _decide_first(first.folder / "线索清单.csv", reviewed, 60, hits)
    second = run(replace(RunInputs.sample(), reviews=reviewed), out=out, config=config)
    carried = second.candidates.filter(pl.col("decision") != "")
    assert set(carried["candidate_id"]) == decided
    expected = {c: "采纳" if hits[c] else "不采纳" for c in decided}
    assert dict(carried.select("candidate_id", "decision").iter_rows()) == expected
    tiers = dict(first.candidates.select("candidate_id", "tier").iter_rows())
    assert all(
        tiers[c] == t for c, t in second.candidates.select("candidate_id", "tier").iter_rows()
    )
    positions = [config.scoring.tiers.index(t) for t in second.candidates.sort("rank")["tier"]]
    assert positions == sorted(positions)
    assert second.manifest["decision_history"] == 60
    assert np.isclose(second.manifest["review_model"]["decisions"], 60)
