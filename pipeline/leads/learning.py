"""Learning from reviewers: a calibrated model of 采纳 over the deployment's decision history.

Each lead is described by named binary features a reviewer can read (harm=death,
compensation=none, 困难=✓, rule=risk_after_incident, source=poverty, minor …). A logistic
regression over the decided leads (采纳 = 1, 不采纳 = 0) gives every undecided lead a
probability of being accepted. It only re-orders leads within their tier: the legal test
decides the tier and the exclusions, the model never does. Below a minimum history
(schemas/scoring.yaml `learning`) it stays off and says so.

The model is evaluated on a held-out part of the history (a fixed hash of the lead id),
then fitted on all of it; the manifest records its features, coefficients and a hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from pipeline.config import LearningSettings, ReviewDecisions, ScoringSettings

# within a tier: by the model's probability first, or by the legal test's strength first
# (the model then orders leads of equal strength only)
_ORDER = {
    "probability": ["_tier", "accept_probability", "strength", "score", "candidate_id"],
    "within_strength": ["_tier", "strength", "accept_probability", "score", "candidate_id"],
}
_ELEMENTS = {"harm_status": "伤害", "compensation_status": "赔偿", "hardship_status": "困难"}


def lead_features(row: dict[str, Any], elderly_age: int) -> list[str]:
    """The named features of one candidate row (what the model and its reasons speak of)."""
    features = [
        f"harm={row.get('harm')}",
        f"compensation={row.get('compensation')}",
        f"tier={row.get('tier')}",
        *(f"{name}={row.get(column)}" for column, name in _ELEMENTS.items()),
        *(f"source={s}" for s in str(row.get("sources") or "").split("+") if s),
        *(f"rule={t.split(':')[0]}" for t in str(row.get("score_breakdown") or "").split()),
    ]
    age = row.get("age_at_case")
    if row.get("is_minor"):
        features.append("minor")
    if age is not None and int(age) >= elderly_age:
        features.append("elderly")
    return sorted(set(features))


def with_features(candidates: pl.DataFrame, elderly_age: int) -> pl.DataFrame:
    """candidates + `features` (list of names)."""
    if candidates.is_empty():
        return candidates
    features = [lead_features(r, elderly_age) for r in candidates.iter_rows(named=True)]
    return candidates.with_columns(pl.Series("features", features, dtype=pl.List(pl.Utf8)))


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
    vocabulary = tuple(sorted({name for names in rows for name in names}))
    model = LogisticRegression(C=s.regularisation_c, max_iter=1000)
    model.fit(_matrix(rows, vocabulary), y)
    return vocabulary, model


def _held_out(history: pl.DataFrame) -> pl.Series:
    """A fixed ~25 % of the history by lead id, for the AUC and the calibration table."""
    return history["candidate_id"].map_elements(
        lambda c: int(hashlib.sha256(c.encode()).hexdigest(), 16) % 4 == 0, return_dtype=pl.Boolean
    )


def _evaluate(history: pl.DataFrame, s: LearningSettings) -> dict[str, Any]:
    """AUC and a calibration table (by decile of predicted probability) on the held-out part."""
    test = _held_out(history)
    train, held = history.filter(~test), history.filter(test)
    y_train, y_held = (f["accepted"].to_numpy().astype(int) for f in (train, held))
    if len(set(y_train)) < 2 or len(set(y_held)) < 2:
        return {"held_out": held.height, "auc": None, "note": "held-out part has one kind only"}
    vocabulary, model = _fit(train["features"].to_list(), y_train, s)
    p = model.predict_proba(_matrix(held["features"].to_list(), vocabulary))[:, 1]
    baseline = (held["strength"].fill_null(0) + held["score"].fill_null(0) / 1000).to_numpy()
    deciles = np.minimum((p * 10).astype(int), 9)
    table = [
        {
            "decile": f"{d * 10}–{d * 10 + 10}%",
            "leads": int((deciles == d).sum()),
            "predicted": round(float(p[deciles == d].mean()), 3),
            "accepted": round(float(y_held[deciles == d].mean()), 3),
        }
        for d in range(10)
        if (deciles == d).any()
    ]
    return {
        "held_out": held.height,
        "auc": round(float(roc_auc_score(y_held, p)), 4),
        "auc_legal_test_order": round(float(roc_auc_score(y_held, baseline)), 4),
        "calibration": table,
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


def feature_labels(s: ScoringSettings, sources: Mapping[str, str]) -> dict[str, str]:
    """Plain-Chinese names of the features, from the rules' own reasons in scoring.yaml."""
    labels: dict[str, str] = {"minor": "未成年人", "elderly": "老年人"}
    for group in ("harm", "compensation", "hardship", "priority"):
        for key, rule in getattr(s, group).items():
            labels[f"rule={key}"] = rule.reason
            labels[f"{group}={key}"] = rule.reason
    labels |= {f"source={k}": f"{v}有记录" for k, v in sources.items()}
    labels |= {f"tier={t}": f"等级{t}" for t in s.tiers}
    for name in _ELEMENTS.values():
        labels |= {f"{name}=✓": f"{name}要件满足", f"{name}=?": f"{name}要件待核实"}
    return labels


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
    probability = model.probabilities(candidates["features"].to_list())
    order = {tier: i for i, tier in enumerate(s.tiers)}
    ranked = (
        candidates.with_columns(
            pl.Series("accept_probability", probability).round(4),
            pl.col("tier").replace_strict(order, return_dtype=pl.Int8).alias("_tier"),
        )
        .sort(_ORDER[s.learning.order], descending=[False, True, True, True, False])
        .drop("_tier")
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
    named = [labels.get(f, f) for w, f in present if w > 0][: s.learning.explain_top]
    if not named:
        return ""
    kind = "已采纳" if toward > 0 else "未采纳"
    return f"与{kind}线索相似：{'、'.join(named)}（排名{old}→{new}）"
