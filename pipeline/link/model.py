"""Fellegi–Sunter model: u from random record pairs, m and the match share by EM.

No labels are needed. Each pair gets a match weight (log2 Bayes factor plus the
prior) and a probability, and the weight of every comparison is kept so that
a link can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.config import LinkageSettings, ModelSettings
from pipeline.link.compare import compare_pairs
from pipeline.link.frequency import Census, place_shares

ALL_PAIRS = "all"


@dataclass(frozen=True)
class FittedModel:
    """Estimated parameters: per comparison, m and u for each level; the prior match share per pair group."""

    levels: dict[str, tuple[str, ...]]
    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    priors: dict[str, float]
    iterations: int

    @property
    def match_share(self) -> float:
        """Share of all record pairs that match, over every pair group."""
        return float(np.mean(list(self.priors.values()))) if self.priors else 0.0

    def level_weights(self) -> dict[str, np.ndarray]:
        return {k: np.log2(self.m[k] / self.u[k]) for k in self.m}

    def describe(self) -> dict[str, dict[str, dict[str, float]]]:
        """m, u and weight per level, and the prior of each pair group, for the manifest and stewards."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for name, levels in self.levels.items():
            out[name] = {
                level: {
                    "m": round(float(self.m[name][i]), 6),
                    "u": round(float(self.u[name][i]), 8),
                    "weight": round(float(np.log2(self.m[name][i] / self.u[name][i])), 3),
                }
                for i, level in enumerate(levels)
            }
        out["prior"] = {
            group: {
                "share": float(f"{share:.4g}"),
                "weight": round(float(np.log2(share / (1 - share))), 3),
            }
            for group, share in self.priors.items()
        }
        return out


def _level_frequencies(
    levels: np.ndarray, n_levels: int, floor: float, weights: np.ndarray | None = None
) -> np.ndarray:
    valid = levels >= 0
    w = np.ones(levels.shape[0]) if weights is None else weights
    counts = np.bincount(levels[valid], weights=w[valid], minlength=n_levels).astype(float)
    total = counts.sum()
    probs = counts / total if total > 0 else np.full(n_levels, 1.0 / n_levels)
    probs = np.clip(probs, floor, None)
    normalised: np.ndarray = probs / probs.sum()
    return normalised


def random_pairs(records: pl.DataFrame, size: int, seed: int, link_only: bool) -> pl.DataFrame:
    """Random distinct record pairs (of different sources with link_only)."""
    n = records.height
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=size, dtype=np.int64)
    right = rng.integers(0, n, size=size, dtype=np.int64)
    keep = left != right
    if link_only:
        source = records["source"].to_numpy()
        keep &= source[left] != source[right]
    return pl.DataFrame(
        {"idx_l": left[keep].astype(np.uint32), "idx_r": right[keep].astype(np.uint32)}
    )


def estimate_u(records: pl.DataFrame, settings: LinkageSettings) -> dict[str, np.ndarray]:
    """u: level frequencies among random record pairs (almost all non-matches)."""
    n = records.height
    size = min(settings.model.u_sample_pairs, max(n * (n - 1) // 2, 1))
    sample = random_pairs(records, size, settings.model.seed, settings.link_type == "link_only")
    gammas = compare_pairs(sample, records, settings.comparisons, settings.lookalike_groups)
    return {
        name: _level_frequencies(
            gammas[f"gamma_{name}"].to_numpy(), len(spec.levels), settings.model.min_probability
        )
        for name, spec in settings.comparisons.items()
    }


def _patterns(
    levels: dict[str, np.ndarray], names: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The distinct combinations of levels of `names` among the pairs, and how many pairs hold each.

    EM's likelihood depends on a pair only through these levels, so it runs on a few
    hundred patterns, each weighted by its count, instead of millions of pairs.
    """
    n = len(next(iter(levels.values()))) if levels else 0
    code = np.zeros(n, dtype=np.int64)
    for name in names:
        lv = levels[name].astype(np.int64) + 1  # -1 (not compared) -> 0
        code = code * (int(lv.max(initial=0)) + 1) + lv
    unique, first, counts = np.unique(code, return_index=True, return_counts=True)
    del unique
    return {name: levels[name][first] for name in names}, counts.astype(float)


def _em_session(
    levels: dict[str, np.ndarray],
    estimate: tuple[str, ...],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    settings: ModelSettings,
) -> tuple[dict[str, np.ndarray], int]:
    """EM on one session's pairs: the likelihood uses only the estimated comparisons."""
    m = {k: m[k].copy() for k in estimate}
    patterns, counts = _patterns(levels, estimate)
    total = counts.sum()
    share = settings.prior_match_share
    iterations = 0
    for iterations in range(1, settings.em_max_iterations + 1):  # noqa: B007
        log_ratio = _log2_bayes_factors(patterns, m, u).sum(axis=0)
        prior = np.log2(share / (1 - share))
        posterior = 1.0 / (1.0 + np.exp2(-np.clip(prior + log_ratio, -60, 60)))
        weighted = posterior * counts
        new_share = float(np.clip(weighted.sum() / total, 1e-6, 1 - 1e-6))
        new_m = {
            k: _level_frequencies(patterns[k], len(m[k]), settings.min_m_probability, weighted)
            for k in estimate
        }
        delta = max(abs(new_share - share), *(np.abs(new_m[k] - m[k]).max() for k in estimate))
        m, share = new_m, new_share
        if delta < settings.em_tolerance:
            break
    return m, iterations


def _estimate_priors(
    log_ratio: np.ndarray, groups: np.ndarray, totals: dict[str, int], settings: ModelSettings
) -> dict[str, float]:
    """Share of all record pairs that match (the prior λ) per pair group, by EM with m and u fixed.

    m and u describe all record pairs, so the prior must too: the share among candidate
    pairs is inflated by the very agreement blocking selected on, and counting that
    agreement again in the Bayes factors would link common names in one town. Pairs
    that blocking did not propose are taken to be non-matches.
    """
    priors = {}
    for group, total in totals.items():
        ratio = log_ratio[groups == group]
        share = float(
            np.clip(settings.prior_match_share * max(len(ratio), 1) / max(total, 1), 1e-12, 0.5)
        )
        for _ in range(settings.em_max_iterations):
            prior = np.log2(share / (1 - share))
            posterior = 1.0 / (1.0 + np.exp2(-np.clip(prior + ratio, -60, 60)))
            new_share = float(np.clip(posterior.sum() / max(total, 1), 1e-12, 1 - 1e-6))
            converged = abs(new_share - share) < settings.em_tolerance * share
            share = new_share
            if converged:
                break
        priors[group] = share
    return priors


def fit_model(
    gammas: pl.DataFrame,
    u: dict[str, np.ndarray],
    settings: LinkageSettings,
    session_masks: list[int],
    group_totals: dict[str, int],
    adjustment: np.ndarray | None = None,
) -> FittedModel:
    """Estimate m per comparison by EM in training sessions, then the prior of each pair group.

    `session_masks[i]` is the blocking-rule bit set of `settings.model.training[i]`; a session
    trains on the pairs proposed by any of its rules. `gammas["prior_group"]` names each
    pair's group, `group_totals` the number of record pairs in each; `adjustment` is an
    extra log2 Bayes factor per pair (term frequencies).
    """
    names = settings.level_names()
    all_levels = {name: gammas[f"gamma_{name}"].to_numpy().astype(np.int64) for name in names}
    rules = gammas["rules"].to_numpy()
    estimates: dict[str, list[np.ndarray]] = {name: [] for name in names}
    iterations = 0
    start = {name: _initial_m(len(lv)) for name, lv in names.items()}
    for session, mask in zip(settings.model.training, session_masks, strict=True):
        chosen = (rules & mask) != 0
        if not chosen.any():
            continue
        levels = {k: v[chosen] for k, v in all_levels.items()}
        m, n = _em_session(levels, session.estimate, start, u, settings.model)
        iterations += n
        for k in session.estimate:
            estimates[k].append(m[k])
    m_final = {k: (np.mean(v, axis=0) if v else start[k]) for k, v in estimates.items()}
    log_ratio = _log2_bayes_factors(all_levels, m_final, u).sum(axis=0)
    if adjustment is not None:
        log_ratio = log_ratio + adjustment
    priors = _estimate_priors(
        log_ratio, gammas["prior_group"].to_numpy(), group_totals, settings.model
    )
    return FittedModel(levels=names, m=m_final, u=u, priors=priors, iterations=iterations)


def _initial_m(n_levels: int) -> np.ndarray:
    """Start with agreement levels likely among matches (level 0 strongest)."""
    start = np.array([0.5**i for i in range(n_levels)], dtype=float)
    normalised: np.ndarray = start / start.sum()
    return normalised


def _log2_bayes_factors(
    levels: dict[str, np.ndarray], m: dict[str, np.ndarray], u: dict[str, np.ndarray]
) -> np.ndarray:
    rows = []
    for name, lv in levels.items():
        weights = np.log2(m[name] / u[name])
        rows.append(np.where(lv >= 0, weights[np.clip(lv, 0, None)], 0.0))
    return np.vstack(rows)


def term_frequency_adjustment(
    gammas: pl.DataFrame, records: pl.DataFrame, settings: LinkageSettings, u: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per comparison with term_frequency: log2(u of the level / share of the value).

    An agreement on a value held by many records (王伟 = 王伟) is weaker evidence than one
    on a rare value (欧阳明轩 = 欧阳明轩). The share is of all records, or, for a pair that
    agrees on one of the term frequency's `places`, of the people of that place
    (pipeline/link/frequency.py). Returns the adjustment per comparison and in all.
    """
    out: dict[str, np.ndarray] = {}
    left = gammas["idx_l"].to_numpy()
    levels = settings.level_names()
    census = Census(records)
    for name, spec in settings.comparisons.items():
        for tf in spec.term_frequency:
            index = spec.level_names.index(tf.level)
            # each record's share of records holding its value (NaN without one), read at
            # the pair's left record: one window over the records, no join over the pairs
            per_record = (
                records.select(
                    pl.when(pl.col(tf.column).is_not_null())
                    .then(pl.len().over(tf.column) / pl.col(tf.column).count())
                    .cast(pl.Float64)
                )
                .to_series()
                .to_numpy()
            )
            share = per_record[left] if len(left) else np.zeros(0)
            in_place = place_shares(gammas, records, tf, name, levels, census)
            share = np.where(np.isnan(in_place), share, in_place)
            u_level = float(u[name][index])
            share = np.where(np.isnan(share), u_level, share)
            at_level = gammas[f"gamma_{name}"].to_numpy() == index
            extra = np.where(at_level, np.log2(u_level / np.clip(share, 1e-12, None)), 0.0)
            out[name] = out[name] + extra if name in out else extra
    total_adjustment = np.sum(list(out.values()), axis=0) if out else np.zeros(gammas.height)
    return out, total_adjustment


def score_pairs(
    gammas: pl.DataFrame,
    model: FittedModel,
    adjustments: dict[str, np.ndarray] | None = None,
) -> pl.DataFrame:
    """Add per-comparison weights `w_<name>`, the total match weight and the match probability.

    The weight of a pair is the prior of its pair group plus the log2 Bayes factor of each
    comparison (with any term-frequency adjustment).
    """
    levels = {name: gammas[f"gamma_{name}"].to_numpy().astype(np.int64) for name in model.levels}
    factors = _log2_bayes_factors(levels, model.m, model.u)
    columns = {f"w_{name}": factors[i] for i, name in enumerate(model.levels)}
    for name, extra in (adjustments or {}).items():
        columns[f"w_{name}"] = columns[f"w_{name}"] + extra
    share = (
        gammas["prior_group"]
        .replace_strict(model.priors, default=None, return_dtype=pl.Float64)
        .to_numpy()
    )
    share = np.nan_to_num(share.astype(float), nan=1e-12)
    prior = np.log2(share / (1 - share))
    total = prior + np.sum(list(columns.values()), axis=0)
    probability = 1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60)))
    return gammas.with_columns(
        *(pl.Series(k, v) for k, v in columns.items()),
        pl.Series("match_weight", total),
        pl.Series("match_probability", probability),
    )
