"""Clusters of linked records -> person_id, under constraints no evidence can override.

Constraints (schemas/linkage.yaml, clustering): a person holds at most one non-null value
of each `distinct` column — in the Chinese config one trusted ID number and one person
number (人编号) of the monitoring export (household members share address, phone and
surname, so their evidence agrees without them being one person). Two records whose own
pair scored below `cannot_link_below` are never in one cluster (a row without an ID
linked to two namesakes whose IDs differ joins one of them, not both). Pairs the evidence order
links or keeps apart (pipeline/link/evidence.py: decisive pairs, soft and hard vetoes) are
linked or not whatever their weight. `one_to_one` clustering (two-file
linkage) links each record to at most one record of the other file.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import polars_hash as plh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pipeline.config import ClusteringSettings
from pipeline.link import evidence

PERSON_ID_SALT = "relief-leads/person/v1"


class _Cluster:
    __slots__ = ("apart", "members", "values")

    def __init__(self, idx: int, values: tuple[str | None, ...], apart: set[int]) -> None:
        self.members = [idx]
        self.values = [{v} if v is not None else set() for v in values]
        self.apart = apart  # records that may not join this cluster

    def compatible(self, other: _Cluster) -> bool:
        if self.apart and not self.apart.isdisjoint(other.members):
            return False
        return all(len(a | b) <= 1 for a, b in zip(self.values, other.values, strict=True))

    def absorb(self, other: _Cluster) -> None:
        self.members.extend(other.members)
        self.apart |= other.apart
        for mine, theirs in zip(self.values, other.values, strict=True):
            mine |= theirs


def _constrained_groups(
    edges: pl.DataFrame,
    attrs: dict[int, tuple[str | None, ...]],
    apart: dict[int, set[int]] | None = None,
) -> list[list[int]]:
    """Greedy merge in order of decreasing probability, refusing merges that break a constraint.

    `attrs`: each record's `distinct` values; `apart`: the records each may not share a
    cluster with.
    """
    apart = apart or {}
    owner: dict[int, _Cluster] = {
        i: _Cluster(i, v, set(apart.get(i, ()))) for i, v in attrs.items()
    }
    for left, right in (
        edges.sort("match_probability", descending=True).select("idx_l", "idx_r").iter_rows()
    ):
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


def linked_edges(
    scored: pl.DataFrame, settings: ClusteringSettings, levels: dict[str, tuple[str, ...]]
) -> pl.DataFrame:
    """Pairs at or above the link threshold, or decisive, and allowed by the evidence order.

    A decisive pair is the strongest evidence there is: its edge carries probability 1, so
    where a constraint splits a component it is merged first.
    """
    decisive = evidence.decisive(settings, levels)
    linked = (pl.col("match_probability") >= settings.link_threshold) | decisive
    return scored.filter(linked & evidence.allowed(settings, levels)).select(
        "idx_l",
        "idx_r",
        pl.when(decisive)
        .then(1.0)
        .otherwise(pl.col("match_probability"))
        .alias("match_probability"),
    )


def share_among_rivals(
    scored: pl.DataFrame,
    records: pl.DataFrame,
    settings: ClusteringSettings,
    levels: dict[str, tuple[str, ...]],
    floor: float = 0.01,
) -> pl.DataFrame:
    """Spread a record's probability over candidates that cannot all be its person.

    A record x without a value of a `distinct` column, whose candidates hold different
    values of it (two people with different trusted IDs: namesakes of one village), can
    be at most one of them. With hypotheses "none of them" and "the holder of value v"
    (prior odds 1 : odds_v, odds_v the best pair odds of a candidate holding v), the
    probability that x is the holder of v is odds_v / (1 + Σ odds). Each pair gets this
    from both of its records' side (the smaller); the model's own probability is kept as
    `pair_probability`. Pairs below `floor`, at a vetoed level, or whose records hold two
    values of a `distinct` column (two valid IDs: never one person) do not compete. Σ odds of
    the other values is summed in a fixed order (`_sum_of_others`): bit-reproducible.
    """
    prob = scored["match_probability"].to_numpy()
    out = scored.with_columns(pl.col("match_probability").alias("pair_probability"))
    if not settings.distinct or scored.is_empty():
        return out
    odds = prob / np.clip(1.0 - prob, 1e-12, None)
    keep = scored.select(
        (pl.col("match_probability") >= floor) & evidence.allowed(settings, levels)
    ).to_series().to_numpy() & ~_held_apart(scored, records, settings.distinct)
    kept = np.flatnonzero(keep)
    rivals = _rival_odds(scored, records, settings.distinct, odds, kept)
    shared = np.where(rivals > 0, odds / (1.0 + odds + rivals), prob)
    return out.with_columns(pl.Series("match_probability", shared))


def _held_apart(
    scored: pl.DataFrame, records: pl.DataFrame, distinct: tuple[str, ...]
) -> np.ndarray:
    """Per pair: its records hold two different values of a `distinct` column (two valid ID
    numbers): they are never one person, so neither is the other's rival."""
    left = scored["idx_l"].to_numpy().astype(np.int64)
    right = scored["idx_r"].to_numpy().astype(np.int64)
    size = max(records.height, int(max(left.max(initial=0), right.max(initial=0))) + 1)
    apart = np.zeros(scored.height, dtype=bool)
    for column in distinct:
        value = _by_idx(records, column, size)
        pair = pl.DataFrame({"l": value.gather(left), "r": value.gather(right)})
        apart |= pair.select((pl.col("l") != pl.col("r")).fill_null(False)).to_series().to_numpy()
    return apart


def _rival_odds(
    scored: pl.DataFrame,
    records: pl.DataFrame,
    distinct: tuple[str, ...],
    odds: np.ndarray,
    kept: np.ndarray,
) -> np.ndarray:
    """Per pair of `scored`, Σ odds of the other values its record without a value could hold.

    0 where it has no rivals; the largest over the `distinct` columns and both sides.
    Only the pairs at positions `kept` compete.
    """
    left = scored["idx_l"].to_numpy()[kept].astype(np.int64)
    right = scored["idx_r"].to_numpy()[kept].astype(np.int64)
    # each pair from both of its records' side: record x, candidate y
    row = np.concatenate([kept, kept])
    x = np.concatenate([left, right])
    y = np.concatenate([right, left])
    pair_odds = np.concatenate([odds[kept], odds[kept]])
    size = max(records.height, int(max(x.max(initial=0), y.max(initial=0))) + 1)
    rivals = np.zeros(scored.height)
    for column in distinct:
        value = _by_idx(records, column, size)
        missing = value.is_null().to_numpy()
        competing = np.flatnonzero(missing[x] & ~missing[y])  # x has no value, y has one
        if not len(competing):
            continue
        rows = pl.DataFrame(
            {
                "row": row[competing],
                "x": x[competing],
                "_v": value.gather(y[competing]),
                "odds": pair_odds[competing],
            }
        )
        # the best odds of each value among x's candidates; rivals only where x has several
        best = (
            rows.group_by("x", "_v")
            .agg(pl.col("odds").max().alias("_best"))
            .filter(pl.col("x").is_duplicated())
            .sort("x", "_v")
            .with_columns(_sum_of_others(pl.col("_best")).over("x").alias("_other"))
        )
        other = rows.join(best, on=["x", "_v"]).group_by("row").agg(pl.col("_other").max())
        index = other["row"].to_numpy()
        rivals[index] = np.maximum(rivals[index], other["_other"].to_numpy())
    return rivals


def _sum_of_others(values: pl.Expr) -> pl.Expr:
    """Per row, the sum of the other rows' values: the sum before it plus the sum after it,
    each in row order, so it is bit-reproducible (total minus own value would cancel)."""
    before = values.cum_sum().shift(1, fill_value=0.0)
    after = values.cum_sum(reverse=True).shift(-1, fill_value=0.0)
    return before + after


def _by_idx(records: pl.DataFrame, column: str, size: int) -> pl.Series:
    """`column` of the records at position idx, null where no record has that idx: the
    column itself when idx is the row number (as `linkage_records` numbers records)."""
    idx = records["idx"].to_numpy()
    if len(idx) == size and bool((idx == np.arange(size)).all()):
        return records[column]
    dtype = records.schema[column]
    inside = idx < size
    placed = pl.repeat(None, size, dtype=dtype, eager=True)
    return placed.scatter(idx[inside], records[column].filter(pl.Series(inside)))


def _one_to_one(edges: pl.DataFrame, n: int) -> np.ndarray:
    """Labels where each record keeps only its best link, taken greedily by probability."""
    label = np.arange(n)
    used = np.zeros(n, dtype=bool)
    ordered = edges.sort("match_probability", "idx_l", "idx_r", descending=[True, False, False])
    for left, right in zip(ordered["idx_l"].to_list(), ordered["idx_r"].to_list(), strict=True):
        if not used[left] and not used[right]:
            used[left] = used[right] = True
            label[right] = label[left]
    return label


def _component_labels(
    edges: pl.DataFrame,
    records: pl.DataFrame,
    distinct: tuple[str, ...],
    apart_pairs: pl.DataFrame | None = None,
) -> np.ndarray:
    """Connected components of the links, split greedily where a constraint breaks.

    A component breaks a constraint when it holds two values of a `distinct` column, or
    both records of a pair in `apart_pairs` (idx_l, idx_r).
    """
    n = records.height
    left = edges["idx_l"].to_numpy().astype(np.int64)
    right = edges["idx_r"].to_numpy().astype(np.int64)
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    label: np.ndarray = labels.copy()
    conflicted: set[int] = set()
    if distinct:
        # a component of one record (most of them) cannot hold two values: leave them out
        several = np.bincount(labels)[labels] > 1
        keyed = (
            records.select(*distinct)
            .with_columns(pl.Series("label", labels))
            .filter(pl.Series(several))
        )
        most = pl.max_horizontal(*(pl.col(c).drop_nulls().n_unique() for c in distinct))
        conflicted |= set(
            keyed.group_by("label").agg(most.alias("_most")).filter(pl.col("_most") > 1)["label"]
        )
    apart: dict[int, set[int]] = {}
    if apart_pairs is not None and apart_pairs.height:
        a = apart_pairs["idx_l"].to_numpy().astype(np.int64)
        b = apart_pairs["idx_r"].to_numpy().astype(np.int64)
        inside = labels[a] == labels[b]
        conflicted |= set(labels[a[inside]].tolist())
        for x, y in zip(a[inside].tolist(), b[inside].tolist(), strict=True):
            apart.setdefault(x, set()).add(y)
            apart.setdefault(y, set()).add(x)
    if conflicted:
        next_label = int(labels.max()) + 1 if n else 0
        bad = records.select("idx", *distinct).filter(
            pl.Series(np.isin(labels, np.fromiter(conflicted, dtype=labels.dtype)))
        )
        attrs = {int(row[0]): tuple(row[1:]) for row in bad.iter_rows()}
        members = list(attrs)
        bad_edges = edges.filter(pl.col("idx_l").is_in(members) & pl.col("idx_r").is_in(members))
        for group in _constrained_groups(bad_edges, attrs, apart):
            label[group] = next_label
            next_label += 1
    return label


def apart_pairs(
    scored: pl.DataFrame, settings: ClusteringSettings, levels: dict[str, tuple[str, ...]]
) -> pl.DataFrame | None:
    """Pairs whose own probability is below `cannot_link_below` and that are at one of the
    `cannot_link_levels` (when given); None when switched off."""
    if not settings.cannot_link_below:
        return None
    own = "pair_probability" if "pair_probability" in scored.columns else "match_probability"
    # a decisive pair is never kept apart: no soft rule overrides it
    condition = (pl.col(own) < settings.cannot_link_below) & ~evidence.decisive(settings, levels)
    if settings.cannot_link_levels:
        condition = condition & evidence.at_any_level(settings.cannot_link_levels, levels)
    return scored.filter(condition).select("idx_l", "idx_r")


def cluster_records(
    records: pl.DataFrame,
    scored: pl.DataFrame,
    settings: ClusteringSettings,
    levels: dict[str, tuple[str, ...]] | None = None,
) -> pl.DataFrame:
    """Assign each record a person_id; returns idx, record_key, person_id, cluster_size, link_confidence.

    `idx` is the record's row number in `records` (as `linkage_records` numbers them).
    """
    edges = linked_edges(scored, settings, levels or {})
    if settings.method == "one_to_one":
        label = _one_to_one(edges, records.height)
    else:
        label = _component_labels(
            edges, records, settings.distinct, apart_pairs(scored, settings, levels or {})
        )
    label = np.asarray(label, dtype=np.int64)
    size = np.bincount(label)[label] if len(label) else np.zeros(0, dtype=np.int64)
    p_in, p_out = _edge_confidence(scored, label)
    confidence = np.where(np.isnan(p_in), 1.0 - np.nan_to_num(p_out, nan=0.0), p_in)
    rep_column = settings.representative
    rep = pl.col(rep_column).cast(pl.Utf8) if rep_column else pl.lit(None, dtype=pl.Utf8)
    out = records.select(
        "idx",
        "record_key",
        rep.alias("_rep"),
        pl.Series("label", label),
        pl.Series("cluster_size", size, dtype=pl.UInt32),
        pl.Series("link_confidence", confidence, dtype=pl.Float64).round(4),
    ).rechunk()  # the new columns are one chunk: the others made so too (selects realign)
    person = _cluster_person_ids(out)
    out = out.select(
        "idx",
        "record_key",
        pl.Series("person_id", person.gather(out["label"])),
        "cluster_size",
        "link_confidence",
    )
    return out if out["idx"].is_sorted() else out.sort("idx")


def _cluster_person_ids(out: pl.DataFrame) -> pl.Series:
    """person_id of each label (indexed by label), by `representative_person_ids`.

    A cluster's representative is its smallest `_rep` value and its smallest record_key.
    A single record is its own cluster (most records at provincial scale), so only
    clusters of several records are grouped.
    """
    single = out.filter(pl.col("cluster_size") == 1).select(
        "label", pl.col("_rep").alias("_rep_id"), pl.col("record_key").alias("_rep_key")
    )
    several = (
        out.filter(pl.col("cluster_size") > 1)
        .group_by("label")
        .agg(
            pl.col("_rep").min().alias("_rep_id"),
            pl.col("record_key").min().alias("_rep_key"),
        )
    )
    reps = pl.concat([single, several])
    ids = representative_person_ids(reps["_rep_id"], reps["_rep_key"])
    labels = reps["label"].to_numpy()
    position = np.zeros(int(labels.max()) + 1 if len(labels) else 0, dtype=np.int64)
    position[labels] = np.arange(len(labels))
    return ids.alias("person_id").gather(position)


def representative_person_ids(rep_id: pl.Series, rep_key: pl.Series) -> pl.Series:
    """The person id of each cluster from its representative (partition.py's join uses it too).

    Args:
        rep_id: the cluster's smallest trusted ID (the `representative` column), or null.
        rep_key: the cluster's smallest record key.

    Returns:
        `person_ids` of the trusted ID, or of the record key when there is none. Two clusters
        can hold the same trusted ID (a head's number copied into a member's row, kept apart
        by a constraint): the ID alone would give both the same id, so theirs is of
        "ID|record key".
    """
    # values held by two clusters: rows whose 64-bit hash repeats first (cheaper than
    # comparing strings), then the exact test on those; equal values have equal hashes
    present = np.flatnonzero(rep_id.is_not_null().to_numpy())
    candidates = present[rep_id.gather(present).hash().is_duplicated().to_numpy()]
    shared = candidates[rep_id.gather(candidates).is_duplicated().to_numpy()]
    representative = pl.select(pl.coalesce(rep_id, rep_key)).to_series()
    if len(shared):
        representative = representative.scatter(
            shared, rep_id.gather(shared) + "|" + rep_key.gather(shared)
        )
    return person_ids(representative)


# Values hashed at a time: the salted values and their 64-digit hex digests of all of a
# province's persons at once would add ~100 bytes a person to the linker's peak (~1 GB at
# 9 M rows: docs/scale.md, session 13); a slice of this size costs ~50 MB.
_HASH_CHUNK = 500_000


def person_ids(representatives: pl.Series, chunk: int = _HASH_CHUNK) -> pl.Series:
    """Stable, opaque person ids: "P" and 12 hex digits of the salted sha256 of each value.

    The same trusted ID (or first record key) gives the same id in every run, so reviews
    and earlier lead lists still find their person. The sha256 is polars-hash's (Rust, no
    Python object per value): 0.3 s for 2 M values, where a loop over hashlib took 0.8 s;
    hashed `chunk` values at a time.
    """
    salted = pl.lit(f"{PERSON_ID_SALT}|") + pl.col("_value")
    digest = plh.col("_salted").chash.sha2_256()
    parts = [
        representatives.slice(start, chunk)
        .alias("_value")
        .to_frame()
        .select(salted.alias("_salted"))
        .select(("P" + digest.str.slice(0, 12)).alias("person_id"))
        .to_series()
        for start in range(0, max(len(representatives), 1), chunk)
    ]
    return pl.concat(parts)


def _edge_confidence(scored: pl.DataFrame, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per record: best probability of a pair inside its cluster (p_in) and leaving it (p_out); NaN when none."""
    n = len(label)
    left = scored["idx_l"].to_numpy().astype(np.int64)
    right = scored["idx_r"].to_numpy().astype(np.int64)
    prob = scored["match_probability"].to_numpy().astype(np.float64)
    p_in = np.full(n, -np.inf)
    p_out = np.full(n, -np.inf)
    if len(left):
        same = label[left] == label[right]
        for side in (left, right):
            np.maximum.at(p_in, side[same], prob[same])
            np.maximum.at(p_out, side[~same], prob[~same])
    p_in[np.isneginf(p_in)] = np.nan
    p_out[np.isneginf(p_out)] = np.nan
    return p_in, p_out
