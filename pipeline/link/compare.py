"""Pair comparisons built from named levels declared in config (schemas/linkage*.yaml).

Each comparison maps a pair to a level index (0 = first level listed, the strongest
agreement) or -1 when no level holds and the pair cannot be compared on it. A level is a
conjunction of building-block conditions (exact, within_edits, jaro_winkler, lookalike,
prefix, numeric_within, flag_both … see `LevelSpec`). String distances are computed once per column for
all pairs, in C++ by rapidfuzz (`process.cpdist`).

Correlated fields belong in one comparison: the Chinese config reads a birth date only
when the ID numbers cannot be compared, and folds phone and place into one "contact"
comparison because household members share both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA, Hamming, JaroWinkler

from pipeline.config import ComparisonSpec, LevelSpec


def comparison_columns(comparisons: dict[str, ComparisonSpec]) -> list[str]:
    """Record columns read by any level, in a stable order."""
    found: set[str] = set()
    for spec in comparisons.values():
        for level in spec.levels:
            found |= level.columns()
        found |= {tf.column for tf in spec.term_frequency}
    return sorted(found)


def _is_row_index(idx: pl.Series) -> bool:
    """True when idx is 0, 1, 2 … (the row number, as `linkage_records` numbers records)."""
    values = idx.to_numpy()
    return bool(
        len(values) == 0
        or (values[0] == 0 and values[-1] == len(values) - 1 and (np.diff(values) == 1).all())
    )


def pair_frame(pairs: pl.DataFrame, records: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Join the compared columns of both records onto each pair, suffixed _l / _r.

    When idx is the row number, the columns are gathered by position (one contiguous
    chunk each: a gather from many chunks is several times slower) instead of joined.
    """
    if not _is_row_index(records["idx"]):
        cols = records.select("idx", *columns)
        left = cols.rename({c: f"{c}_l" for c in columns}).rename({"idx": "idx_l"})
        right = cols.rename({c: f"{c}_r" for c in columns}).rename({"idx": "idx_r"})
        return pairs.join(left, on="idx_l", how="left").join(right, on="idx_r", how="left")
    cols = records.select(columns).rechunk()
    left = cols.gather(pairs["idx_l"]).rename({c: f"{c}_l" for c in columns})
    right = cols.gather(pairs["idx_r"]).rename({c: f"{c}_r" for c in columns})
    return pl.concat([pairs, left, right], how="horizontal")


def _pairwise(
    df: pl.DataFrame,
    column: str,
    scorer: Callable[..., float],
    dtype: type,
    same: float,
    missing: float,
    limit: int | None = None,
    needed: np.ndarray | None = None,
) -> np.ndarray:
    """Score aligned pairs; only pairs with two different values reach rapidfuzz.

    With `limit` (edit distances only), the caller only asks whether a distance is at most
    `limit`: rapidfuzz stops counting past it and gives `limit + 1`. With `needed`, only those pairs are scored: elsewhere the value is never read (it is
    `same`, or `limit + 1` for a pair that differs).
    """
    left, right = pl.col(f"{column}_l"), pl.col(f"{column}_r")
    flags = df.select(
        (left.is_null() | right.is_null()).alias("missing"),
        (left != right).fill_null(False).alias("differ"),
    )
    out = np.where(flags["missing"].to_numpy(), missing, same)
    differ = flags["differ"].to_numpy()
    rows = np.flatnonzero(differ if needed is None else differ & needed)
    if limit is not None:
        out = np.where(differ, limit + 1, out)
    if not len(rows):
        return out.astype(dtype)
    text = df.select(left.alias("l"), right.alias("r"))[rows].select(
        pl.col("l").cast(pl.Utf8), pl.col("r").cast(pl.Utf8)
    )
    out[rows] = process.cpdist(
        text["l"].to_list(), text["r"].to_list(), scorer=scorer, workers=-1, score_cutoff=limit
    )
    return out.astype(dtype)


def lookalike_table(groups: tuple[str, ...]) -> set[tuple[str, str]]:
    """Ordered pairs of distinct characters of one look-alike group."""
    return {(a, b) for group in groups for a in group for b in group if a != b}


def shape_key(column: str, groups: tuple[str, ...]) -> pl.Expr:
    """The text with each look-alike character replaced by the first of its group.

    Two names one look-alike character apart (王光祥 / 玉光祥) share this key, so it
    can block pairs whose pinyin differs.
    """
    mapping = {ch: group[0] for group in groups for ch in group[1:] if ch != group[0]}
    expr = pl.col(column).cast(pl.Utf8)
    if not mapping:
        return expr
    return expr.str.replace_many(list(mapping), list(mapping.values()))


def _one_lookalike_char(left: str | None, right: str | None, table: set[tuple[str, str]]) -> bool:
    if left is None or right is None or len(left) != len(right):
        return False
    diffs = [(x, y) for x, y in zip(left, right, strict=True) if x != y]
    return len(diffs) == 1 and diffs[0] in table


def _lookalike_flags(
    df: pl.DataFrame, column: str, groups: tuple[str, ...], needed: np.ndarray | None = None
) -> np.ndarray:
    """Only pairs one edit apart are checked in Python; the rest are False.

    When no character is in two groups, a pair one look-alike character apart has one
    shape key (`shape_key`), so only pairs of equal shape are checked.
    """
    table = lookalike_table(groups)
    l_col, r_col = f"{column}_l", f"{column}_r"
    close = (
        pl.col(l_col).is_not_null()
        & pl.col(r_col).is_not_null()
        & (pl.col(l_col).str.len_chars() == pl.col(r_col).str.len_chars())
        & (pl.col(l_col) != pl.col(r_col))
    )
    characters = "".join(groups)
    if table and len(set(characters)) == len(characters):
        close = close & (shape_key(l_col, groups) == shape_key(r_col, groups))
    elif not table:
        return np.zeros(df.height, dtype=bool)
    flags = np.zeros(df.height, dtype=bool)
    close_rows = df.select(close.fill_null(False)).to_series().to_numpy()
    rows = np.flatnonzero(close_rows if needed is None else close_rows & needed)
    if len(rows):
        lefts = df[l_col].gather(rows).to_list()
        rights = df[r_col].gather(rows).to_list()
        # Hamming distance in C++ first: only names one character apart reach Python
        one = np.flatnonzero(
            process.cpdist(lefts, rights, scorer=Hamming.distance, workers=-1) == 1
        )
        flags[rows[one]] = [_one_lookalike_char(lefts[i], rights[i], table) for i in one]
    return flags


class _Distances:
    """Per-column distance arrays, each computed at most once per pair frame.

    `limits` gives, per column, the largest edit distance any level asks about: a pair
    farther apart than that is only known to be farther (see `_pairwise`).
    """

    def __init__(
        self,
        df: pl.DataFrame,
        lookalike_groups: tuple[str, ...],
        limits: dict[str, int] | None = None,
        gates: dict[tuple[str, str], list[Gate]] | None = None,
    ) -> None:
        self.df = df
        self.groups = lookalike_groups
        self.limits = limits or {}
        self.gates = gates or {}
        self.cache: dict[tuple[str, str], pl.Series] = {}

    def _needed(self, key: tuple[str, str]) -> np.ndarray | None:
        if key not in self.gates:
            return None
        needed = np.zeros(self.df.height, dtype=bool)
        for gate in self.gates[key]:
            needed[_gate_rows(self.df, gate)] = True
        return needed

    def get(self, kind: str, column: str) -> pl.Expr:
        key = (kind, column)
        if key not in self.cache:
            name = f"_{kind}_{column}"
            needed = self._needed(key)
            if kind == "osa":
                values = _pairwise(
                    self.df,
                    column,
                    OSA.distance,
                    np.int32,
                    same=0,
                    missing=99,
                    limit=self.limits.get(column),
                    needed=needed,
                )
            elif kind == "jw":
                values = _pairwise(
                    self.df,
                    column,
                    JaroWinkler.normalized_similarity,
                    np.float64,
                    same=1.0,
                    missing=0.0,
                    needed=needed,
                )
            else:
                values = _lookalike_flags(self.df, column, self.groups, needed)
            self.cache[key] = pl.Series(name, values)
        return pl.col(f"_{kind}_{column}")


def edit_limits(comparisons: dict[str, ComparisonSpec]) -> dict[str, int]:
    """Per column, the largest `within_edits` distance of any level."""
    limits: dict[str, int] = {}
    for spec in comparisons.values():
        for level in spec.levels:
            for column, k in level.within_edits.items():
                limits[column] = max(limits.get(column, 0), int(k))
    return limits


def _both(col: str) -> pl.Expr:
    return pl.col(f"{col}_l").is_not_null() & pl.col(f"{col}_r").is_not_null()


def _same(col: str) -> pl.Expr:
    return _both(col) & (pl.col(f"{col}_l") == pl.col(f"{col}_r"))


def _as_number(column: str) -> pl.Expr:
    """Digits as an integer; a trailing X (check digit 10) counts as 10."""
    text = pl.col(column).cast(pl.Utf8)
    body = text.str.strip_suffix("X").cast(pl.Int64, strict=False)
    return pl.when(text.str.ends_with("X")).then(body * 10 + 10).otherwise(body)


def _numeric_gap(col: str) -> pl.Expr:
    return (_as_number(f"{col}_l") - _as_number(f"{col}_r")).abs().fill_null(2**62)


def _days_apart(col: str) -> pl.Expr:
    return (pl.col(f"{col}_l") - pl.col(f"{col}_r")).dt.total_days().abs()


def _in_range(value: str, low: str, high: str, inside: bool) -> pl.Expr:
    """One record's `value` lies inside (or outside) the other's `low`..`high`, either way
    round; false where a side lacks the value or the range."""

    def one_way(a: str, b: str) -> pl.Expr:
        v, lo, hi = pl.col(f"{value}_{a}"), pl.col(f"{low}_{b}"), pl.col(f"{high}_{b}")
        known = v.is_not_null() & lo.is_not_null() & hi.is_not_null()
        return known & (v.is_between(lo, hi) if inside else ((v < lo) | (v > hi)))

    return (one_way("l", "r") | one_way("r", "l")).fill_null(False)


def _distance_keys(level: LevelSpec) -> list[tuple[str, str]]:
    """The (kind, column) distance arrays a level reads."""
    return (
        [("osa", c) for c in level.within_edits]
        + [("jw", c) for c in level.jaro_winkler]
        + [("lookalike", c) for c in level.lookalike]
    )


Gate = tuple[pl.Expr, tuple[pl.Expr, ...]]


def distance_gates(comparisons: dict[str, ComparisonSpec]) -> dict[tuple[str, str], list[Gate]]:
    """Per distance array, the pairs where it can decide a level; elsewhere it is not computed.

    A level reading a distance can only hold where its other conditions hold, and is only
    reached where no earlier level without distances holds (an ID present on both sides
    ends the identity comparison before a birth date is read).
    """
    gates: dict[tuple[str, str], list[Gate]] = {}
    for spec in comparisons.values():
        caught: list[pl.Expr] = []
        for level in spec.levels:
            keys = _distance_keys(level)
            condition = level_condition(level, None).fill_null(False)
            if not keys:
                caught.append(condition)
                continue
            for key in keys:
                gates.setdefault(key, []).append((condition, tuple(caught)))
    return gates


def _gate_rows(df: pl.DataFrame, gate: Gate) -> np.ndarray:
    """Rows where the level's own conditions hold and no earlier level has caught the pair.

    Each earlier level is evaluated only on the rows still open (the last, broadest
    levels first), on the columns it reads.
    """
    condition, caught = gate
    rows = np.flatnonzero(_mask(df, condition))
    for earlier in reversed(caught):
        if not len(rows):
            break
        columns = list(dict.fromkeys(earlier.meta.root_names()))
        rows = rows[~_mask(df.select(columns)[rows], earlier)]
    return rows


def _mask(df: pl.DataFrame, condition: pl.Expr) -> np.ndarray:
    """A boolean condition per row (a condition on no column is a literal: broadcast it)."""
    values = df.select(condition).to_series().to_numpy()
    if len(values) != df.height:
        return np.full(df.height, bool(values[0]) if len(values) else False)
    return values


def level_condition(level: LevelSpec, dist: _Distances | None) -> pl.Expr:
    """The conjunction of a level's conditions as one boolean expression.

    Without `dist`, the conditions on distances are left out (see `distance_gates`).
    """
    terms: list[pl.Expr] = [pl.lit(True)]
    terms += [_same(c) for c in level.exact]
    terms += [_both(c) for c in level.present]
    if level.any_present:
        terms.append(pl.any_horizontal(*(_both(c) for c in level.any_present)))
    terms += [~_both(c) for c in level.not_both]
    terms += [~_both(c) | _same(c) for c in level.compatible]
    terms += [_both(c) & ~_same(c) for c in level.differ]
    if dist is not None:
        terms += [_both(c) & (dist.get("osa", c) <= k) for c, k in level.within_edits.items()]
        terms += [_both(c) & (dist.get("jw", c) >= t) for c, t in level.jaro_winkler.items()]
    terms += [
        _both(c)
        & (
            pl.col(f"{c}_l").cast(pl.Utf8).str.slice(0, n)
            == pl.col(f"{c}_r").cast(pl.Utf8).str.slice(0, n)
        )
        for c, n in level.prefix.items()
    ]
    terms += [_both(c) & (_numeric_gap(c) <= d) for c, d in level.numeric_within.items()]
    terms += [_both(c) & (_days_apart(c) <= d) for c, d in level.days_within.items()]
    terms += [_in_range(c, lo, hi, False) for c, (lo, hi) in level.outside_range.items()]
    terms += [_in_range(c, lo, hi, True) for c, (lo, hi) in level.within_range.items()]
    if dist is not None:
        terms += [dist.get("lookalike", c) for c in level.lookalike]
    terms += [
        pl.max_horizontal(pl.col(f"{c}_l").str.len_chars(), pl.col(f"{c}_r").str.len_chars()) >= n
        for c, n in level.longer_at_least.items()
    ]
    terms += [
        pl.col(f"{c}_l").fill_null(False) & pl.col(f"{c}_r").fill_null(False)
        for c in level.flag_both
    ]
    terms += [
        pl.col(f"{c}_l").fill_null(False) | pl.col(f"{c}_r").fill_null(False)
        for c in level.flag_either
    ]
    return pl.all_horizontal(*terms)


def gamma_expression(spec: ComparisonSpec, dist: _Distances) -> pl.Expr:
    """Level index of the first level whose conditions hold, else -1."""
    expr: Any = None  # a polars when/then chain while it is being built
    for index, level in enumerate(spec.levels):
        condition = level_condition(level, dist)
        expr = pl.when(condition).then(index) if expr is None else expr.when(condition).then(index)
    assert expr is not None
    gamma: pl.Expr = expr.otherwise(-1).cast(pl.Int8)
    return gamma


# Pairs compared at a time. Both records' compared columns are gathered onto each pair with
# the distances beside them, ~600 bytes a pair: the 9 M province's 11.4 M pairs took +7.6 GB
# at once (docs/scale.md). Every level is decided by the pair alone, so slices give the same.
PAIRS_PER_SLICE = 500_000


def compare_pairs(
    pairs: pl.DataFrame,
    records: pl.DataFrame,
    comparisons: dict[str, ComparisonSpec],
    lookalike_groups: tuple[str, ...] = (),
    keep: tuple[str, ...] = (),
    slice_size: int = PAIRS_PER_SLICE,
) -> pl.DataFrame:
    """Return pairs with one Int8 level column per comparison, `gamma_<name>`.

    `keep` names record columns to carry along as `<column>_l` (term-frequency lookups).
    Pairs are compared `slice_size` at a time; the result comes in one chunk.
    """
    columns = comparison_columns(comparisons)
    table = records.select("idx", *columns)
    if _is_row_index(table["idx"]):
        table = table.rechunk()  # gathered from once a slice (pair_frame)
    parts = [
        _levels_of_pairs(
            pair_frame(pairs.slice(start, slice_size), table, columns),
            comparisons,
            lookalike_groups,
            keep,
        )
        for start in range(0, max(pairs.height, 1), slice_size)
    ]
    out = pl.concat(parts)
    parts.clear()
    # a column at a time: the slices' chunks go as each column's copy is made
    return pl.DataFrame([out.drop_in_place(c).rechunk() for c in list(out.columns)])


def _levels_of_pairs(
    df: pl.DataFrame,
    comparisons: dict[str, ComparisonSpec],
    lookalike_groups: tuple[str, ...],
    keep: tuple[str, ...],
) -> pl.DataFrame:
    """idx_l, idx_r (and rules), the `keep` columns' `_l` values and each comparison's level,
    of the pairs in `df` (pair_frame's)."""
    dist = _Distances(df, lookalike_groups, edit_limits(comparisons), distance_gates(comparisons))
    gammas = {
        name: gamma_expression(spec, dist).alias(f"gamma_{name}")
        for name, spec in comparisons.items()
    }
    df = df.with_columns(dist.cache.values()) if dist.cache else df
    carried = [f"{c}_l" for c in keep]
    # eager: a lazy select would evaluate shared conditions once, but measured no faster
    # at 2.2 M pairs and held ~100 MB more at its peak
    return df.select(
        "idx_l",
        "idx_r",
        *(["rules"] if "rules" in df.columns else []),
        *carried,
        *gammas.values(),
    )
