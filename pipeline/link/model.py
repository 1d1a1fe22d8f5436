"""Fellegi–Sunter model: u from random record pairs, m and the match share by EM.

No labels are needed. Each pair gets a match weight (log2 Bayes factor plus the
prior) and a probability, and the weight of every comparison is kept so that
a link can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.config import ModelSettings
from pipeline.link.compare import COMPARISONS, compare_pairs


@dataclass(frozen=True)
class FittedModel:
    """Estimated parameters: per comparison, m and u for each level; the prior match share."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    match_share: float
    iterations: int

    def level_weights(self) -> dict[str, np.ndarray]:
        return {k: np.log2(self.m[k] / self.u[k]) for k in self.m}

    def describe(self) -> dict[str, dict[str, dict[str, float]]]:
        """m, u and weight per level, for the manifest and for stewards."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for name, levels in COMPARISONS.items():
            out[name] = {
                level: {
                    "m": round(float(self.m[name][i]), 6),
                    "u": round(float(self.u[name][i]), 8),
                    "weight": round(float(np.log2(self.m[name][i] / self.u[name][i])), 3),
                }
                for i, level in enumerate(levels)
            }
        return out


def _level_frequencies(levels: np.ndarray, n_levels: int, floor: float, weights: np.ndarray | None = None) -> np.ndarray:
    valid = levels >= 0
    w = np.ones(levels.shape[0]) if weights is None else weights
    counts = np.bincount(levels[valid], weights=w[valid], minlength=n_levels).astype(float)
    total = counts.sum()
    probs = counts / total if total > 0 else np.full(n_levels, 1.0 / n_levels)
    probs = np.clip(probs, floor, None)
    return probs / probs.sum()


def estimate_u(records: pl.DataFrame, settings: ModelSettings, lookalike_groups: tuple[str, ...]) -> dict[str, np.ndarray]:
    """u: level frequencies among random record pairs (almost all non-matches)."""
    n = records.height
    rng = np.random.default_rng(settings.seed)
    size = min(settings.u_sample_pairs, max(n * (n - 1) // 2, 1))
    left = rng.integers(0, n, size=size, dtype=np.int64)
    right = rng.integers(0, n, size=size, dtype=np.int64)
    keep = left != right
    sample = pl.DataFrame(
        {"idx_l": left[keep].astype(np.uint32), "idx_r": right[keep].astype(np.uint32)}
    )
    gammas = compare_pairs(sample, records, lookalike_groups)
    return {
        name: _level_frequencies(gammas[f"gamma_{name}"].to_numpy(), len(levels), settings.min_probability)
        for name, levels in COMPARISONS.items()
    }


def _em_session(
    levels: dict[str, np.ndarray],
    estimate: tuple[str, ...],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    settings: ModelSettings,
) -> tuple[dict[str, np.ndarray], int]:
    """EM on one session's pairs: the likelihood uses only the estimated comparisons."""
    m = {k: m[k].copy() for k in estimate}
    share = settings.prior_match_share
    iterations = 0
    for iterations in range(1, settings.em_max_iterations + 1):  # noqa: B007
        log_ratio = _log2_bayes_factors({k: levels[k] for k in estimate}, m, u).sum(axis=0)
        prior = np.log2(share / (1 - share))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(prior + log_ratio, -60, 60)))
        new_share = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        new_m = {
            k: _level_frequencies(levels[k], len(COMPARISONS[k]), settings.min_m_probability, posterior)
            for k in estimate
        }
        delta = max(abs(new_share - share), *(np.abs(new_m[k] - m[k]).max() for k in estimate))
        m, share = new_m, new_share
        if delta < settings.em_tolerance:
            break
    return m, iterations


def _estimate_share(levels: dict[str, np.ndarray], m: dict[str, np.ndarray], u: dict[str, np.ndarray], settings: ModelSettings) -> float:
    """Share of candidate pairs that match, by EM with m and u held fixed."""
    log_ratio = _log2_bayes_factors(levels, m, u).sum(axis=0)
    share = settings.prior_match_share
    for _ in range(settings.em_max_iterations):
        prior = np.log2(share / (1 - share))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(prior + log_ratio, -60, 60)))
        new_share = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        if abs(new_share - share) < settings.em_tolerance:
            return new_share
        share = new_share
    return share


def fit_model(
    gammas: pl.DataFrame,
    u: dict[str, np.ndarray],
    settings: ModelSettings,
    session_masks: list[int],
) -> FittedModel:
    """Estimate m per comparison by EM in training sessions, then the match share.

    `session_masks[i]` is the blocking-rule bit set of `settings.training[i]`; a session
    trains on the pairs proposed by any of its rules.
    """
    all_levels = {name: gammas[f"gamma_{name}"].to_numpy().astype(np.int64) for name in COMPARISONS}
    rules = gammas["rules"].to_numpy()
    estimates: dict[str, list[np.ndarray]] = {name: [] for name in COMPARISONS}
    iterations = 0
    start = {name: _initial_m(len(lv)) for name, lv in COMPARISONS.items()}
    for session, mask in zip(settings.training, session_masks, strict=True):
        chosen = (rules & mask) != 0
        if not chosen.any():
            continue
        levels = {k: v[chosen] for k, v in all_levels.items()}
        m, n = _em_session(levels, session.estimate, start, u, settings)
        iterations += n
        for k in session.estimate:
            estimates[k].append(m[k])
    m_final = {
        k: (np.mean(v, axis=0) if v else start[k]) for k, v in estimates.items()
    }
    share = _estimate_share(all_levels, m_final, u, settings)
    return FittedModel(m=m_final, u=u, match_share=share, iterations=iterations)


def _initial_m(n_levels: int) -> np.ndarray:
    """Start with agreement levels likely among matches (level 0 strongest)."""
    start = np.array([0.5**i for i in range(n_levels)], dtype=float)
    return start / start.sum()


def _log2_bayes_factors(levels: dict[str, np.ndarray], m: dict[str, np.ndarray], u: dict[str, np.ndarray]) -> np.ndarray:
    rows = []
    for name, lv in levels.items():
        weights = np.log2(m[name] / u[name])
        rows.append(np.where(lv >= 0, weights[np.clip(lv, 0, None)], 0.0))
    return np.vstack(rows)


def score_pairs(
    gammas: pl.DataFrame,
    model: FittedModel,
    name_frequency: dict[str, float] | None = None,
) -> pl.DataFrame:
    """Add per-comparison weights, the total match weight and the match probability.

    With `name_frequency` (share of records bearing each normalised name), an exact
    name match is re-weighted by how common the name is: 王伟 = 王伟 is weaker
    evidence than 欧阳明轩 = 欧阳明轩.
    """
    levels = {name: gammas[f"gamma_{name}"].to_numpy().astype(np.int64) for name in COMPARISONS}
    factors = _log2_bayes_factors(levels, model.m, model.u)
    columns = {f"w_{name}": factors[i] for i, name in enumerate(COMPARISONS)}
    if name_frequency:
        u_exact = float(model.u["name"][0])
        names = gammas["name_norm_l"].to_list()
        freq = np.array([name_frequency.get(n, u_exact) if n is not None else u_exact for n in names])
        adjust = np.where(levels["name"] == 0, np.log2(u_exact / np.clip(freq, 1e-9, None)), 0.0)
        columns["w_name"] = columns["w_name"] + adjust
    prior = float(np.log2(model.match_share / (1 - model.match_share)))
    total = prior + sum(columns.values())
    probability = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
    return gammas.with_columns(
        *(pl.Series(k, v) for k, v in columns.items()),
        pl.Series("match_weight", total),
        pl.Series("match_probability", probability),
    )
