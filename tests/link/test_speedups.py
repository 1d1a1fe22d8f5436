"""The vectorised paths of blocking and clustering against plain per-row references."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from itertools import combinations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import BlockingSettings, ClusteringSettings
from pipeline.link.blocking import block_pairs
from pipeline.link.cluster import (
    PERSON_ID_SALT,
    _cluster_person_ids,
    _component_labels,
    person_ids,
    share_among_rivals,
)

RIVALS = ClusteringSettings(link_threshold=0.6, review_band=(0.3, 0.95), distinct=("trusted_id",))


def _person_id(representative: str) -> str:
    """The documented person id, written out: a change of it must be on purpose (ids persist)."""
    return "P" + hashlib.sha256(f"{PERSON_ID_SALT}|{representative}".encode()).hexdigest()[:12]


def _reference_person_ids(out: pl.DataFrame) -> dict[int, str]:
    """person_id of each label, one cluster at a time with `_person_id`."""
    rep_id: dict[int, str | None] = {}
    rep_key: dict[int, str] = {}
    for label, rep, key in out.select("label", "_rep", "record_key").iter_rows():
        if rep is not None:
            held = rep_id.get(label)
            rep_id[label] = rep if held is None else min(held, rep)
        else:
            rep_id.setdefault(label, None)
        rep_key[label] = key if label not in rep_key else min(rep_key[label], key)
    holders: dict[str, int] = defaultdict(int)
    for value in rep_id.values():
        if value is not None:
            holders[value] += 1
    ids = {}
    for label, value in rep_id.items():
        if value is None:
            ids[label] = _person_id(rep_key[label])
        elif holders[value] > 1:
            ids[label] = _person_id(f"{value}|{rep_key[label]}")
        else:
            ids[label] = _person_id(value)
    return ids


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(["A", "B", "C", "D", None])),
        min_size=1,
        max_size=40,
    )
)
def test_cluster_person_ids_match_the_per_cluster_id(rows: list[tuple[int, str | None]]) -> None:
    # few representative values over many clusters: many are shared by two clusters
    labels = [label * 3 for label, _ in rows]  # labels with gaps, as after splitting
    size = np.bincount(labels)[labels]
    out = pl.DataFrame(
        {
            "label": labels,
            "record_key": [f"k:{(7 * i) % 41:02d}" for i in range(len(rows))],
            "_rep": [rep for _, rep in rows],
            "cluster_size": size,
        },
        schema={
            "label": pl.Int64,
            "record_key": pl.Utf8,
            "_rep": pl.Utf8,
            "cluster_size": pl.UInt32,
        },
    )
    person = _cluster_person_ids(out)
    expected = _reference_person_ids(out)
    assert {label: person[label] for label in expected} == expected


def test_cluster_person_ids_without_representatives() -> None:
    out = pl.DataFrame(
        {"label": [0, 1, 1], "record_key": ["k:2", "k:1", "k:0"], "cluster_size": [1, 2, 2]},
        schema={"label": pl.Int64, "record_key": pl.Utf8, "cluster_size": pl.UInt32},
    ).with_columns(pl.lit(None, dtype=pl.Utf8).alias("_rep"))
    person = _cluster_person_ids(out)
    assert person.to_list() == [_person_id("k:2"), _person_id("k:0")]


@given(st.lists(st.text(max_size=20), max_size=20))
def test_person_ids_are_the_salted_hash_of_each_value(values: list[str]) -> None:
    ids = person_ids(pl.Series(values, dtype=pl.Utf8))
    assert ids.to_list() == [_person_id(v) for v in values]


@given(st.lists(st.text(max_size=20), max_size=20), st.integers(1, 7))
def test_person_ids_hashed_in_chunks_are_those_of_the_whole(values: list[str], chunk: int) -> None:
    ids = person_ids(pl.Series(values, dtype=pl.Utf8), chunk=chunk)
    assert ids.name == "person_id"
    assert ids.dtype == pl.Utf8
    assert ids.to_list() == [_person_id(v) for v in values]


def test_person_ids_of_no_value_and_of_a_known_value() -> None:
    # the id of a value must never change between versions (reviews find their person by it)
    assert person_ids(pl.Series([], dtype=pl.Utf8)).to_list() == []
    ids = person_ids(pl.Series(["110101199001011234"]))
    assert ids.name == "person_id"
    assert ids.dtype == pl.Utf8
    assert ids.to_list() == [_person_id("110101199001011234")] == ["P9cfd56344a3e"]


def _rivals_frames(seed: int, n: int = 400) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Records, a third without an ID, and pairs of widely spread odds (up to ~1e12)."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(["A", "B", "C", "D", "E", "F"], n).astype(object)
    ids[rng.random(n) < 0.35] = None
    records = pl.DataFrame(
        {"idx": np.arange(n), "trusted_id": ids.tolist()},
        schema={"idx": pl.UInt32, "trusted_id": pl.Utf8},
    )
    left = rng.integers(0, n, 4000)
    right = rng.integers(0, n, 4000)
    pairs = np.unique(np.c_[np.minimum(left, right), np.maximum(left, right)], axis=0)
    pairs = pairs[pairs[:, 0] < pairs[:, 1]]
    prob = 1.0 - 10.0 ** rng.uniform(-13, -0.01, len(pairs))
    scored = pl.DataFrame(
        {"idx_l": pairs[:, 0], "idx_r": pairs[:, 1], "match_probability": prob},
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "match_probability": pl.Float64},
    )
    return records, scored


def _reference_rivals(scored: pl.DataFrame, records: pl.DataFrame) -> np.ndarray:
    """share_among_rivals for one `distinct` column and no vetoes, with exact sums (fsum)."""
    prob = scored["match_probability"].to_numpy()
    odds = prob / np.clip(1.0 - prob, 1e-12, None)
    value = dict(zip(records["idx"].to_list(), records["trusted_id"].to_list(), strict=True))
    best: dict[int, dict[str, float]] = defaultdict(dict)
    competing = []
    for row, (left, right) in enumerate(scored.select("idx_l", "idx_r").iter_rows()):
        if prob[row] < 0.01:
            continue
        for x, y in ((left, right), (right, left)):
            v = value[y]
            if value[x] is None and v is not None:
                competing.append((row, x, v))
                best[x][v] = max(best[x].get(v, 0.0), odds[row])
    rivals = np.zeros(scored.height)
    for row, x, v in competing:
        other = math.fsum(o for w, o in best[x].items() if w != v)
        rivals[row] = max(rivals[row], other)
    return np.where(rivals > 0, odds / (1.0 + odds + rivals), prob)


def test_share_among_rivals_is_reproducible_and_sums_the_rivals_exactly() -> None:
    records, scored = _rivals_frames(seed=3)
    first = share_among_rivals(scored, records, RIVALS, {})
    for _ in range(3):
        assert share_among_rivals(scored, records, RIVALS, {}).equals(first)
    p = first["match_probability"].to_numpy()
    assert (p != scored["match_probability"].to_numpy()).any()
    # the sum of the other values' odds, not total minus own: no cancellation at odds ~1e12
    np.testing.assert_allclose(p, _reference_rivals(scored, records), rtol=1e-15, atol=0)


def test_share_among_rivals_when_idx_is_not_the_row_number() -> None:
    records, scored = _rivals_frames(seed=5)
    expected = share_among_rivals(scored, records, RIVALS, {})
    shuffled = records.sample(fraction=1.0, shuffle=True, seed=1)
    assert share_among_rivals(scored, shuffled, RIVALS, {}).equals(expected)
    # a record missing from the table holds no value
    dropped = records.filter(pl.col("idx") != 7)
    without = records.with_columns(
        pl.when(pl.col("idx") == 7).then(None).otherwise(pl.col("trusted_id")).alias("trusted_id")
    )
    assert share_among_rivals(scored, dropped, RIVALS, {}).equals(
        share_among_rivals(scored, without, RIVALS, {})
    )


def test_component_labels_leave_single_records_and_split_conflicts() -> None:
    records = pl.DataFrame(
        {"idx": [0, 1, 2, 3, 4], "trusted_id": ["A", None, "B", "C", None]},
        schema={"idx": pl.UInt32, "trusted_id": pl.Utf8},
    )
    edges = pl.DataFrame(
        {"idx_l": [0, 1], "idx_r": [1, 2], "match_probability": [0.99, 0.95]},
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "match_probability": pl.Float64},
    )
    label = _component_labels(edges, records, ("trusted_id",))
    assert label[0] == label[1] != label[2]
    assert len(set(label.tolist())) == 4


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from([1, 2, None])),
        min_size=1,
        max_size=25,
    )
)
def test_block_pairs_rules_are_the_union_of_the_rules(
    rows: list[tuple[str | None, int | None]],
) -> None:
    table = pl.DataFrame(
        {"idx": range(len(rows)), "name": [r[0] for r in rows], "year": [r[1] for r in rows]},
        schema={"idx": pl.UInt32, "name": pl.Utf8, "year": pl.Int64},
    )
    rules = {"name": ("name",), "year": ("year",), "both": ("name", "year")}
    pairs, report = block_pairs(table, BlockingSettings(max_block_size=100, rules=rules))
    expected = []
    for i, j in combinations(range(len(rows)), 2):
        bits = sum(
            1 << bit
            for bit, columns in enumerate(rules.values())
            if all(rows[i][k] is not None and rows[i][k] == rows[j][k] for k in _at(columns))
        )
        if bits:
            expected.append((i, j, bits))
    assert pairs.rows() == expected
    assert report.candidate_pairs == len(expected)


def _at(columns: tuple[str, ...]) -> list[int]:
    return [{"name": 0, "year": 1}[c] for c in columns]
