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


def linkage_scores(
    links: pl.DataFrame, truth: pl.DataFrame, *, cross_source: bool = False
) -> PairScores:
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
        joined.group_by("person_id", "true_person_id")
        .len()
        .sort(["person_id", "len", "true_person_id"], descending=[False, True, False])
        .unique("person_id", keep="first", maintain_order=True)
        .select("person_id", "true_person_id")
    )


def ranking_scores(
    candidates: pl.DataFrame,
    links: pl.DataFrame,
    truth_dir: Path,
    truth: pl.DataFrame | None = None,
) -> RankingScores:
    """Average precision, precision at 20 and recall of the truly qualifying (victim, case) pairs."""
    truth = truth if truth is not None else read_truth_records(truth_dir)
    leads = pl.read_csv(truth_dir / "leads.csv", infer_schema=False).with_columns(
        pl.col("qualifies") == "1"
    )
    qualifying = leads.filter(pl.col("qualifies")).select("true_person_id", "case_id").unique()
    total = qualifying.height
    if candidates.is_empty():
        return RankingScores(0.0, 0.0, 0.0, total, 0)
    ranked = (
        candidates.select("rank", "person_id", "case_id")
        .join(person_truth_map(links, truth), on="person_id", how="left")
        .sort("rank")
        .unique(["true_person_id", "case_id"], keep="first", maintain_order=True)
        .join(
            qualifying.with_columns(pl.lit(True).alias("hit")),
            on=["true_person_id", "case_id"],
            how="left",
        )
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


def pair_scores(predicted: pl.DataFrame, truth: pl.DataFrame) -> PairScores:
    """Scores of predicted links against true links, both frames of (key_l, key_r) pairs."""
    tp = predicted.join(truth, on=["key_l", "key_r"]).height
    precision = tp / predicted.height if predicted.height else 1.0
    recall = tp / truth.height if truth.height else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(
        round(precision, 5), round(recall, 5), round(f1, 5), truth.height, predicted.height
    )


@dataclass(frozen=True)
class BlockingRecall:
    """How many true pairs the candidate pairs contain, in all and per blocking rule."""

    true_pairs: int
    found: int
    by_rule: dict[str, int]
    only_by_rule: dict[str, int]

    @property
    def recall(self) -> float:
        return self.found / self.true_pairs if self.true_pairs else 1.0


def true_pairs(keyed: pl.DataFrame) -> pl.DataFrame:
    """Every pair (idx_l < idx_r) of linkage records of one true person."""
    rows = keyed.select("idx", "true_person_id").drop_nulls()
    return (
        rows.join(rows, on="true_person_id", suffix="_r")
        .filter(pl.col("idx") < pl.col("idx_r"))
        .select(pl.col("idx").alias("idx_l"), "idx_r", "true_person_id")
    )


def blocking_recall(
    keyed: pl.DataFrame, pairs: pl.DataFrame, rule_names: tuple[str, ...]
) -> BlockingRecall:
    """Blocking recall of candidate `pairs` (idx_l, idx_r, rules bit set) against `keyed` truth (idx, true_person_id)."""
    found = true_pairs(keyed).join(
        pairs.select("idx_l", "idx_r", "rules"), on=["idx_l", "idx_r"], how="left"
    )
    hit = found.filter(pl.col("rules").is_not_null())
    by_rule, only = {}, {}
    for bit, name in enumerate(rule_names):
        mask = 1 << bit
        by_rule[name] = hit.filter((pl.col("rules") & mask) != 0).height
        only[name] = hit.filter(pl.col("rules") == mask).height
    return BlockingRecall(found.height, hit.height, by_rule, only)


def linkage_errors_by_hard_case(
    keyed: pl.DataFrame, links: pl.DataFrame, people: pl.DataFrame, pairs: pl.DataFrame
) -> pl.DataFrame:
    """False and missed pairs counted by hard case, source pair and comparison levels.

    `keyed`: idx, source, true_person_id; `links`: idx, person_id; `people`: truth/people.csv;
    `pairs`: the scored candidate pairs (gamma_* columns).
    """
    rows = keyed.join(links.select("idx", "person_id"), on="idx").join(
        people.select("true_person_id", pl.col("hard_case").fill_null("")),
        on="true_person_id",
        how="left",
    )
    same_person = (
        rows.join(rows, on="person_id", suffix="_r")
        .filter(
            (pl.col("idx") < pl.col("idx_r"))
            & (pl.col("true_person_id") != pl.col("true_person_id_r"))
        )
        .with_columns(pl.lit("false").alias("error"))
    )
    same_truth = (
        rows.join(rows, on="true_person_id", suffix="_r")
        .filter((pl.col("idx") < pl.col("idx_r")) & (pl.col("person_id") != pl.col("person_id_r")))
        .with_columns(
            pl.lit("missed").alias("error"), pl.col("true_person_id").alias("true_person_id_r")
        )
    )
    cols = ["error", "idx", "idx_r", "source", "source_r", "hard_case", "hard_case_r"]
    errors = pl.concat([same_person.select(cols), same_truth.select(cols)]).rename({"idx": "idx_l"})
    gammas = [c for c in pairs.columns if c.startswith("gamma_")]
    errors = errors.join(
        pairs.select("idx_l", "idx_r", *gammas, pl.col("match_probability").round(3)),
        on=["idx_l", "idx_r"],
        how="left",
    )
    return (
        errors.with_columns(
            pl.concat_str(
                pl.min_horizontal("source", "source_r"),
                pl.max_horizontal("source", "source_r"),
                separator="-",
            ).alias("sources"),
            pl.concat_str(pl.col("hard_case"), pl.col("hard_case_r"), separator="|").alias(
                "hard_cases"
            ),
        )
        .group_by("error", "hard_cases", "sources", *gammas, "match_probability")
        .len()
        .sort("error", "len", descending=[False, True])
    )
