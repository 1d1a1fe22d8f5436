"""Pairwise scores and blocking recall against ground truth, on tables of hand-made cases."""

from __future__ import annotations

import polars as pl
import pytest

from benchmarks.evaluate import blocking_recall, linkage_scores, pair_scores, true_pairs

REF = {
    "source": ["a", "a", "b", "b"],
    "file": ["f"] * 4,
    "sheet": [None] * 4,
    "row_number": [1, 2, 1, 2],
}


@pytest.mark.parametrize(
    ("predicted", "truth", "precision", "recall"),
    [
        (["p1", "p1", "p2", "p3"], ["t1", "t1", "t2", "t3"], 1.0, 1.0),
        (["p1", "p1", "p1", "p3"], ["t1", "t1", "t2", "t3"], 1 / 3, 1.0),
        (["p1", "p2", "p3", "p4"], ["t1", "t1", "t2", "t3"], 1.0, 0.0),
    ],
)
def test_linkage_scores(
    predicted: list[str], truth: list[str], precision: float, recall: float
) -> None:
    links = pl.DataFrame({**REF, "person_id": predicted})
    true = pl.DataFrame({**REF, "true_person_id": truth})
    scores = linkage_scores(links, true)
    assert scores.precision == round(precision, 5)
    assert scores.recall == round(recall, 5)


def test_cross_source_scores_ignore_pairs_within_one_source() -> None:
    links = pl.DataFrame({**REF, "person_id": ["p1", "p1", "p1", "p2"]})
    true = pl.DataFrame({**REF, "true_person_id": ["t1", "t1", "t1", "t2"]})
    scores = linkage_scores(links, true, cross_source=True)
    assert (scores.true_pairs, scores.predicted_pairs, scores.f1) == (2, 2, 1.0)


def test_pair_scores() -> None:
    truth = pl.DataFrame({"key_l": ["a1", "a2"], "key_r": ["b1", "b2"]})
    predicted = pl.DataFrame({"key_l": ["a1", "a3"], "key_r": ["b1", "b3"]})
    scores = pair_scores(predicted, truth)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)


def test_blocking_recall_counts_true_pairs_found_per_rule() -> None:
    keyed = pl.DataFrame(
        {"idx": [0, 1, 2, 3], "true_person_id": ["t1", "t1", "t1", "t2"]},
        schema={"idx": pl.UInt32, "true_person_id": pl.Utf8},
    )
    assert true_pairs(keyed).height == 3
    pairs = pl.DataFrame(
        {"idx_l": [0, 0, 2], "idx_r": [1, 2, 3], "rules": [0b01, 0b11, 0b10]},
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "rules": pl.UInt32},
    )
    recall = blocking_recall(keyed, pairs, ("id", "name"))
    assert (recall.true_pairs, recall.found) == (3, 2)
    assert recall.by_rule == {"id": 2, "name": 1}
    assert recall.only_by_rule == {"id": 1, "name": 0}
