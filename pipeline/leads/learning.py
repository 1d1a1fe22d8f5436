"""Learning from reviewers: a calibrated model of 采纳 over the deployment's decision history.

Each lead is described by named binary features a reviewer can read
(pipeline/leads/review_features.py). A logistic regression over the decided leads
(采纳 = 1, 不采纳 = 0) gives every lead a probability of being accepted. It only re-orders
leads within their tier: the legal test decides the tier and the exclusions, the model never
does. What it learns from the decided leads (mostly the top tier) re-orders every tier.

It is off, and says why, below a minimum history (schemas/scoring.yaml `learning`) or when,
with each decision held out once (folds fixed by a hash of the lead id), it does not separate
采纳 from 不采纳 better than the legal test's own order by `min_auc_gain`. Then it is fitted on
all of the history; the manifest records its features, coefficients and a hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from pipeline.config import LearningSettings, ReviewDecisions, ScoringSettings
from pipeline.leads.review_features import feature_label

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

# within a tier: by the model's probability; by the legal test's strength first (the model
# then orders leads of equal strength only); or by strength + blend_weight x the model's logit
_ORDER = {
    "probability": ["_tier", "accept_probability", "strength", "score", "candidate_id"],
    "within_strength": ["_tier", "strength", "accept_probability", "score", "candidate_id"],
    "blend": ["_tier", "_blend", "strength", "score", "candidate_id"],
}


@dataclass(frozen=True)
class ReviewModel:
    """A fitted model, or the reason there is none."""

    active: bool
    reason: str
    decisions: int = 0
    accepted: int = 0
    features: tuple[str, ...] = ()
    coefficients: tuple[float, ...] = ()
    intercept: float = 0.0
    holdout: dict[str, Any] = field(default_factory=dict)

    def digest(self) -> str:
        payload = json.dumps([self.features, self.coefficients, self.intercept], default=float)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def describe(self) -> dict[str, Any]:
        """What the manifest records: enough to reproduce the re-ordering."""
        return {
            "active": self.active,
            "reason": self.reason,
            "decisions": self.decisions,
            "accepted": self.accepted,
            "features": list(self.features),
            "coefficients": [round(c, 6) for c in self.coefficients],
            "intercept": round(self.intercept, 6),
            "holdout": self.holdout,
            "hash": self.digest() if self.active else None,
        }

    def probabilities(self, features: list[list[str]]) -> np.ndarray:
        x = _matrix(features, self.features)
        z = x @ np.array(self.coefficients) + self.intercept
        p: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return p


def _matrix(rows: list[list[str]], vocabulary: tuple[str, ...]) -> np.ndarray:
    index = {name: i for i, name in enumerate(vocabulary)}
    x = np.zeros((len(rows), len(vocabulary)))
    for r, names in enumerate(rows):
        for name in names:
            if name in index:
                x[r, index[name]] = 1.0
    return x


def _fit(
    rows: list[list[str]], y: np.ndarray, s: LearningSettings
) -> tuple[tuple[str, ...], LogisticRegression]:
    # scikit-learn (~1 s to import, and imported again by every text worker, which imports
    # the main module) is imported only when a model is fitted: most runs fit none
    from sklearn.linear_model import LogisticRegression

    vocabulary = tuple(sorted({name for names in rows for name in names}))
    model = LogisticRegression(C=s.regularisation_c, max_iter=1000)
    model.fit(_matrix(rows, vocabulary), y)
    return vocabulary, model


def _folds(history: pl.DataFrame, k: int) -> np.ndarray:
    """A fixed fold per lead (a hash of its id), so re-runs hold out the same decisions."""
    ids = history["candidate_id"].to_list()
    return np.array([int(hashlib.sha256(c.encode()).hexdigest(), 16) % k for c in ids])


def _out_of_fold(history: pl.DataFrame, s: LearningSettings) -> np.ndarray:
    """Each decision's probability from a model fitted without its fold (NaN where the rest
    of the history has one kind only)."""
    rows, y = history["features"].to_list(), history["accepted"].to_numpy().astype(int)
    folds, p = _folds(history, s.cv_folds), np.full(history.height, np.nan)
    for k in range(s.cv_folds):
        test = folds == k
        if not test.any() or len(set(y[~test])) < 2:
            continue
        vocabulary, model = _fit([r for r, t in zip(rows, test, strict=True) if not t], y[~test], s)
        chosen = [r for r, t in zip(rows, test, strict=True) if t]
        p[test] = model.predict_proba(_matrix(chosen, vocabulary))[:, 1]
    return p


def _calibration(p: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    deciles = np.minimum((p * 10).astype(int), 9)
    return [
        {
            "decile": f"{d * 10}–{d * 10 + 10}%",
            "leads": int((deciles == d).sum()),
            "predicted": round(float(p[deciles == d].mean()), 3),
            "accepted": round(float(y[deciles == d].mean()), 3),
        }
        for d in range(10)
        if (deciles == d).any()
    ]


def _evaluate(history: pl.DataFrame, s: LearningSettings) -> dict[str, Any]:
    """AUC of the model and of the legal test's own order on held-out decisions (each decision
    held out once, `cv_folds` folds), and a calibration table by decile of probability."""
    from sklearn.metrics import roc_auc_score

    p = _out_of_fold(history, s)
    scored = ~np.isnan(p)
    y = history["accepted"].to_numpy().astype(int)[scored]
    if len(set(y)) < 2:
        return {"held_out": int(scored.sum()), "auc": None, "note": "held out: one kind only"}
    legal = (history["strength"].fill_null(0) + history["score"].fill_null(0) / 1000).to_numpy()
    return {
        "held_out": int(scored.sum()),
        "folds": s.cv_folds,
        "auc": round(float(roc_auc_score(y, p[scored])), 4),
        "auc_legal_test_order": round(float(roc_auc_score(y, legal[scored])), 4),
        "calibration": _calibration(p[scored], y),
    }


def train_review_model(
    history: pl.DataFrame, s: LearningSettings, words: ReviewDecisions
) -> ReviewModel:
    """Fit on the decided leads (latest decision per lead), or say why not.

    `words`: the decision words (schemas/vocabulary.yaml); 待核实 is no decision."""
    accepted_word, rejected_word = words.accepted.word, words.rejected.word
    decided = history.filter(pl.col("decision").is_in([accepted_word, rejected_word]))
    n, accepted = (
        decided.height,
        int((decided["decision"] == accepted_word).sum()) if decided.height else 0,
    )
    if not s.enabled:
        return ReviewModel(False, "learning switched off in scoring.yaml", n, accepted)
    if n < s.min_decisions or min(accepted, n - accepted) < s.min_per_class:
        reason = (
            f"off: {n} decisions ({accepted} 采纳, {n - accepted} 不采纳); it needs at least "
            f"{s.min_decisions}, with {s.min_per_class} of each kind"
        )
        return ReviewModel(False, reason, n, accepted)
    decided = decided.with_columns((pl.col("decision") == accepted_word).alias("accepted"))
    holdout = _evaluate(decided, s)
    auc, baseline = holdout.get("auc"), holdout.get("auc_legal_test_order")
    if auc is None or baseline is None or auc < baseline + s.min_auc_gain:
        reason = (
            f"off: on {holdout['held_out']} held-out decisions it does not separate 采纳 from "
            f"不采纳 better than the legal test's own order (AUC {auc} vs {baseline})"
        )
        return ReviewModel(False, reason, n, accepted, holdout=holdout)
    y = decided["accepted"].to_numpy().astype(int)
    vocabulary, model = _fit(decided["features"].to_list(), y, s)
    return ReviewModel(
        True,
        f"on: {n} decisions ({accepted} 采纳, {n - accepted} 不采纳)",
        n,
        accepted,
        vocabulary,
        tuple(float(c) for c in model.coef_[0]),
        float(model.intercept_[0]),
        holdout,
    )


def apply_review_model(
    candidates: pl.DataFrame, model: ReviewModel, s: ScoringSettings, labels: Mapping[str, str]
) -> pl.DataFrame:
    """采纳可能性 for every lead and, with the model on, the order within each tier by it;
    a lead the model moved gets one reason line naming the features that weighed most."""
    if candidates.is_empty():
        return candidates
    if not model.active:
        return candidates.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("accept_probability"),
            pl.lit("", dtype=pl.Utf8).alias("model_reason"),
        )
    probability = np.clip(model.probabilities(candidates["features"].to_list()), 1e-6, 1 - 1e-6)
    order = {tier: i for i, tier in enumerate(s.tiers)}
    logit = np.log(probability / (1 - probability))
    ranked = (
        candidates.with_columns(
            pl.Series("accept_probability", probability).round(4),
            pl.col("tier").replace_strict(order, return_dtype=pl.Int8).alias("_tier"),
            (pl.col("strength") + s.learning.blend_weight * pl.Series(logit)).alias("_blend"),
        )
        .sort(_ORDER[s.learning.order], descending=[False, True, True, True, False])
        .drop("_tier", "_blend")
        .with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_new_rank"))
    )
    reasons = [
        _moved_reason(row["features"], row["rank"], row["_new_rank"], model, labels, s)
        for row in ranked.select("features", "rank", "_new_rank").iter_rows(named=True)
    ]
    return ranked.with_columns(
        pl.Series("model_reason", reasons, dtype=pl.Utf8), pl.col("_new_rank").alias("rank")
    ).drop("_new_rank")


def _moved_reason(
    features: list[str],
    old: int,
    new: int,
    model: ReviewModel,
    labels: Mapping[str, str],
    s: ScoringSettings,
) -> str:
    if new == old:
        return ""
    weights = dict(zip(model.features, model.coefficients, strict=True))
    toward = 1.0 if new < old else -1.0
    present = sorted(((toward * weights.get(f, 0.0), f) for f in features), reverse=True)
    named = [feature_label(f, labels) for w, f in present if w > 0][: s.learning.explain_top]
    if not named:
        return ""
    kind = "已采纳" if toward > 0 else "未采纳"
    return f"与{kind}线索相似：{'、'.join(named)}（排名{old}→{new}）"
