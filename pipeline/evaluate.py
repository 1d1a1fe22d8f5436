"""Accuracy against ground truth: pairwise linkage precision/recall/F1 and lead ranking quality.

Ground truth is the generator's `truth/` folder: `records.csv` (source, file, sheet,
row_number, true_person_id) and `leads.csv` (true_person_id, case_id, qualifies).
Used by the end-to-end test and by `relief-leads bench`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

_REF = ["source", "file", "sheet", "row_number"]


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


@dataclass(frozen=True)
class RankingScores:
    average_precision: float
    precision_at_20: float
    recall: float
    qualifying: int
    candidates: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def read_truth_records(truth_dir: Path) -> pl.DataFrame:
    return pl.read_csv(truth_dir / "records.csv", infer_schema=False).with_columns(
        pl.col("row_number").cast(pl.Int64), pl.col("sheet").replace("", None)
    )


def _pairs(sizes: pl.Expr) -> pl.Expr:
    return (sizes * (sizes - 1) / 2).sum()


def _pair_counts(frame: pl.DataFrame, keys: list[str], cross_source: bool) -> int:
    grouped = frame.group_by(keys).len()
    total = int(grouped.select(_pairs(pl.col("len"))).item() or 0)
    if not cross_source:
        return total
    within = frame.group_by([*keys, "source"]).len()
    return total - int(within.select(_pairs(pl.col("len"))).item() or 0)


def linkage_scores(links: pl.DataFrame, truth: pl.DataFrame, *, cross_source: bool = False) -> PairScores:
    """Pairwise scores of predicted person_id clusters against true persons.

    With cross_source, only pairs of rows from different sources count (the pairs that
    make the model worth having).
    """
    joined = links.select(*_REF, "person_id").join(
        truth.select(*_REF, "true_person_id"), on=_REF, how="inner", nulls_equal=True
    )
    tp = _pair_counts(joined, ["person_id", "true_person_id"], cross_source)
    predicted = _pair_counts(joined, ["person_id"], cross_source)
    actual = _pair_counts(joined, ["true_person_id"], cross_source)
    precision = tp / predicted if predicted else 1.0
    recall = tp / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(round(precision, 5), round(recall, 5), round(f1, 5), actual, predicted)


def person_truth_map(links: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    """Each predicted person_id -> the true person behind most of its rows."""
    joined = links.select(*_REF, "person_id").join(
        truth.select(*_REF, "true_person_id"), on=_REF, nulls_equal=True
    )
    return (
        joined.group_by("person_id", "true_person_id").len()
        .sort(["person_id", "len", "true_person_id"], descending=[False, True, False])
        .unique("person_id", keep="first", maintain_order=True)
        .select("person_id", "true_person_id")
    )


def ranking_scores(candidates: pl.DataFrame, links: pl.DataFrame, truth_dir: Path, truth: pl.DataFrame | None = None) -> RankingScores:
    """Average precision, precision at 20 and recall of the truly qualifying (victim, case) pairs."""
    truth = truth if truth is not None else read_truth_records(truth_dir)
    leads = pl.read_csv(truth_dir / "leads.csv", infer_schema=False).with_columns(pl.col("qualifies") == "1")
    qualifying = leads.filter(pl.col("qualifies")).select("true_person_id", "case_id").unique()
    total = qualifying.height
    if candidates.is_empty():
        return RankingScores(0.0, 0.0, 0.0, total, 0)
    ranked = (
        candidates.select("rank", "person_id", "case_id")
        .join(person_truth_map(links, truth), on="person_id", how="left")
        .sort("rank")
        .unique(["true_person_id", "case_id"], keep="first", maintain_order=True)
        .join(qualifying.with_columns(pl.lit(True).alias("hit")), on=["true_person_id", "case_id"], how="left")
        .with_columns(pl.col("hit").fill_null(False))
        .sort("rank")
    )
    hits = ranked["hit"].to_list()
    found, precision_sum = 0, 0.0
    for position, hit in enumerate(hits, start=1):
        if hit:
            found += 1
            precision_sum += found / position
    top = hits[:20]
    return RankingScores(
        average_precision=round(precision_sum / total, 4) if total else 0.0,
        precision_at_20=round(sum(top) / len(top), 4) if top else 0.0,
        recall=round(found / total, 4) if total else 0.0,
        qualifying=total,
        candidates=candidates.height,
    )
