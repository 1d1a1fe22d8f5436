"""Clusters of linked records -> person_id, under constraints no evidence can override.

Constraints: a person never holds two different trusted ID numbers, and never two
rows of the monitoring export with different person numbers (人编号 is that system's
person key; household members share address, phone and surname, so their evidence
agrees without them being one person). Pairs at a vetoed level (schemas/linkage.yaml)
are never linked, whatever their weight.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.link.compare import COMPARISONS

PERSON_ID_SALT = "relief-leads/person/v1"


class _Cluster:
    __slots__ = ("ids", "members", "slots")

    def __init__(self, idx: int, trusted_id: str | None, slot: tuple[str, str] | None) -> None:
        self.members = [idx]
        self.ids = {trusted_id} if trusted_id else set()
        self.slots = {slot[0]: slot[1]} if slot else {}

    def compatible(self, other: _Cluster) -> bool:
        if len(self.ids | other.ids) > 1:
            return False
        return all(other.slots.get(h, p) == p for h, p in self.slots.items())

    def absorb(self, other: _Cluster) -> None:
        self.members.extend(other.members)
        self.ids |= other.ids
        self.slots.update(other.slots)


def _constrained_groups(edges: pl.DataFrame, attrs: dict[int, tuple[str | None, tuple[str, str] | None]]) -> list[list[int]]:
    """Greedy merge in order of decreasing probability, refusing merges that break a constraint."""
    owner: dict[int, _Cluster] = {i: _Cluster(i, *attrs[i]) for i in attrs}
    for left, right in edges.sort("match_probability", descending=True).select("idx_l", "idx_r").iter_rows():
        a, b = owner[left], owner[right]
        if a is b or not a.compatible(b):
            continue
        if len(a.members) < len(b.members):
            a, b = b, a
        a.absorb(b)
        for member in b.members:
            owner[member] = a
    unique = {id(c): c for c in owner.values()}
    return [sorted(c.members) for c in unique.values()]


def cluster_records(
    records: pl.DataFrame,
    scored: pl.DataFrame,
    threshold: float,
    vetoes: dict[str, tuple[str, ...]] | None = None,
) -> pl.DataFrame:
    """Assign each record a person_id; returns idx, record_key, person_id, cluster_size, link_confidence."""
    n = records.height
    allowed = pl.lit(True)
    for comparison, levels in (vetoes or {}).items():
        codes = [COMPARISONS[comparison].index(level) for level in levels]
        allowed = allowed & ~pl.col(f"gamma_{comparison}").is_in(codes)
    edges = scored.filter((pl.col("match_probability") >= threshold) & allowed).select(
        "idx_l", "idx_r", "match_probability"
    )
    left = edges["idx_l"].to_numpy().astype(np.int64)
    right = edges["idx_r"].to_numpy().astype(np.int64)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    label = labels.copy()

    trusted = records.select(
        "idx",
        pl.when(pl.col("id_trusted")).then(pl.col("id_norm")).alias("tid"),
        pl.when(pl.col("source") == "poverty").then(pl.lit("poverty")).alias("hh"),
        pl.col("person_no").fill_null(pl.col("record_key")).alias("pno"),
    ).with_columns(pl.Series("label", labels))
    conflicted = (
        trusted.group_by("label")
        .agg(
            pl.col("tid").drop_nulls().n_unique().alias("n_ids"),
            (pl.col("hh").drop_nulls().len() - pl.struct("hh", "pno").filter(pl.col("hh").is_not_null()).n_unique()).alias("dup"),
            pl.col("hh").drop_nulls().n_unique().alias("n_hh"),
            pl.col("hh").drop_nulls().len().alias("n_hh_rows"),
        )
        .filter((pl.col("n_ids") > 1) | (pl.col("n_hh_rows") > pl.col("n_hh")))
        ["label"].to_list()
    )
    if conflicted:
        next_label = int(labels.max()) + 1 if n else 0
        bad = trusted.filter(pl.col("label").is_in(conflicted))
        attrs = {
            int(i): (t, (h, p) if h is not None else None)
            for i, t, h, p in bad.select("idx", "tid", "hh", "pno").iter_rows()
        }
        bad_edges = edges.filter(pl.col("idx_l").is_in(list(attrs)) & pl.col("idx_r").is_in(list(attrs)))
        for group in _constrained_groups(bad_edges, attrs):
            label[group] = next_label
            next_label += 1

    out = records.select("idx", "record_key", "id_norm", "id_trusted").with_columns(
        pl.Series("label", label)
    )
    out = out.join(_edge_confidence(scored, label), on="idx", how="left")
    out = out.with_columns(
        pl.len().over("label").alias("cluster_size"),
        pl.coalesce(pl.col("p_in"), 1.0 - pl.col("p_out").fill_null(0.0)).alias("link_confidence"),
    )
    reps = out.group_by("label").agg(
        pl.col("id_norm").filter(pl.col("id_trusted")).min().alias("_rep_id"),
        pl.col("record_key").min().alias("_rep_key"),
    )
    # Two clusters can hold the same trusted ID (a head's number copied into a member's
    # row): then the ID alone would give both the same person_id, so add the first row.
    shared = pl.col("_rep_id").is_not_null() & (pl.len().over("_rep_id") > 1)
    reps = reps.with_columns(
        pl.when(shared)
        .then(pl.col("_rep_id") + "|" + pl.col("_rep_key"))
        .otherwise(pl.coalesce("_rep_id", "_rep_key"))
        .map_elements(_person_id, return_dtype=pl.Utf8)
        .alias("person_id")
    )
    return out.join(reps.select("label", "person_id"), on="label").sort("idx").select(
        "idx", "record_key", "person_id", "cluster_size", pl.col("link_confidence").round(4)
    )


def _edge_confidence(scored: pl.DataFrame, label: np.ndarray) -> pl.DataFrame:
    """Per record: best probability of a pair inside its cluster (p_in) and leaving it (p_out)."""
    left = scored["idx_l"].to_numpy().astype(np.int64)
    right = scored["idx_r"].to_numpy().astype(np.int64)
    same = label[left] == label[right] if len(left) else np.zeros(0, dtype=bool)
    prob = scored["match_probability"].to_numpy()
    both = pl.DataFrame(
        {
            "idx": np.concatenate([left, right]).astype(np.uint32),
            "p": np.concatenate([prob, prob]),
            "same": np.concatenate([same, same]),
        },
        schema={"idx": pl.UInt32, "p": pl.Float64, "same": pl.Boolean},
    )
    return both.group_by("idx").agg(
        pl.col("p").filter(pl.col("same")).max().alias("p_in"),
        pl.col("p").filter(~pl.col("same")).max().alias("p_out"),
    )


def _person_id(representative: str) -> str:
    """Stable, opaque person id: the same trusted ID (or first record) gives the same id."""
    return "P" + hashlib.sha256(f"{PERSON_ID_SALT}|{representative}".encode()).hexdigest()[:12]
