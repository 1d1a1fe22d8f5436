"""Partitioned linkage: link each region on its own, then join the regions by trusted ID.

A province is linked county by county so that the heavy work (blocking, comparisons, EM,
clustering) can run on several machines. Each partition is linked by `link_people`,
unchanged, with its own model; the partitions are then joined where records of different
partitions hold the same trusted ID, and person ids are derived again for the joined
clusters. `map_fn` runs the partitions: the built-in `map` in one process, a Dask
client's map (see flows/distributed.py) on a cluster. The same function runs on the same
frames either way, so the person ids are identical.

Partition key of a record, the first that applies (columns, code length and share in
schemas/partitioning.yaml):

1. its `county` column;
2. the county its ID's region code (`id_norm[:6]`) belongs to, when that code is
   dominant in one county among records that have both;
3. the partition most records sharing its `case_key` or `phone_norm` (in that order)
   were put in by 1-2: a county-less petition or case party links to the monitoring
   row it shares a phone or a case with, so it is sent where that row is;
4. the shared partition `unknown`.

Rows of `unknown` are not replicated into every partition: a replicated row could link to
a different person in each, and settling that needs the cross-partition comparisons the
partitioning avoids. What is lost is measured in docs/distributed.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import polars as pl

from pipeline.config import LinkageSettings, PartitionSettings
from pipeline.link.blocking import BlockingReport
from pipeline.link.cluster import representative_person_ids
from pipeline.link.model import FittedModel
from pipeline.link.people import link_people, linkage_counts, with_name_keys
from pipeline.link.places import with_place_keys

MapFn = Callable[[Callable[..., Any], Sequence[Any]], Iterable[Any]]


@dataclass(frozen=True)
class PartitionLinks:
    """What one partition's linkage returns: per record and per candidate pair, by record_key."""

    name: str
    links: pl.DataFrame
    pairs: pl.DataFrame
    model: FittedModel
    blocking: BlockingReport


@dataclass(frozen=True)
class PartitionModels:
    """The model fitted in each partition, described together for the manifest."""

    by_partition: dict[str, FittedModel]

    @property
    def iterations(self) -> int:
        return sum(m.iterations for m in self.by_partition.values())

    @property
    def priors(self) -> dict[str, float]:
        return {f"{p}:{g}": v for p, m in self.by_partition.items() for g, v in m.priors.items()}

    def describe(self) -> dict[str, Any]:
        return {name: model.describe() for name, model in self.by_partition.items()}


@dataclass(frozen=True)
class PartitionedLinkResult:
    """LinkResult's shape (links, pairs, model, blocking, summary()) for the joined partitions."""

    links: pl.DataFrame
    pairs: pl.DataFrame
    model: PartitionModels
    blocking: BlockingReport
    partition_sizes: dict[str, int] = field(default_factory=dict)
    joined_clusters: int = 0

    def summary(self) -> dict[str, Any]:
        return linkage_counts(self.links, self.blocking, self.model.iterations) | {
            "partitions": self.partition_sizes,
            "clusters_joined_across_partitions": self.joined_clusters,
        }


# --- split --------------------------------------------------------------------------------


def partition_keys(
    records: pl.DataFrame, settings: PartitionSettings, follow: Sequence[Sequence[str]] = ()
) -> pl.Series:
    """The partition of each record (rule order in the module docstring).

    `follow` lists the column sets a record without a region is sent along (the blocking
    rules): to the partition most of the records that share its values are in.
    """
    region = pl.col(settings.region_column)
    code = pl.col(settings.id_column).str.slice(0, settings.id_region_chars)
    columns = list(dict.fromkeys(c for rule in follow for c in rule))
    keyed = records.select("idx", region.alias("_region"), code.alias("_code"), *columns)
    counts = keyed.drop_nulls(["_region", "_code"]).group_by("_code", "_region").len()
    dominant = (
        counts.with_columns((pl.col("len") / pl.col("len").sum().over("_code")).alias("_share"))
        .filter(pl.col("_share") >= settings.region_code_min_share)
        .select("_code", pl.col("_region").alias("_from_code"))
    )
    keyed = keyed.join(dominant, on="_code", how="left", maintain_order="left")
    steps = ["_region", "_from_code"] if settings.id_region_first else ["_region"]
    keyed = keyed.with_columns(pl.coalesce(*steps).alias("_key"))
    for rule in follow:
        keyed = keyed.with_columns(pl.coalesce("_key", _modal_key_sharing(keyed, list(rule))))
    if not settings.id_region_first:
        keyed = keyed.with_columns(pl.coalesce("_key", "_from_code"))
    return keyed["_key"].fill_null(settings.unknown).alias("partition")


def _modal_key_sharing(keyed: pl.DataFrame, columns: list[str]) -> pl.Series:
    """Per record without a key, the most frequent key among the keyed records sharing `columns`.

    A list column (place_key) is shared when any of its values is; a record whose values
    lead to several keys takes the first of them.
    """
    flat = keyed.select("idx", "_key", *columns)
    for column in columns:
        if isinstance(keyed.schema[column], pl.List):
            flat = flat.explode(column)
    waiting = flat.filter(pl.col("_key").is_null()).drop("_key").drop_nulls()
    modal = (
        flat.drop_nulls([*columns, "_key"])
        .join(waiting.select(columns).unique(), on=columns, how="semi")
        .group_by(*columns, "_key")
        .len()
        .sort([*columns, "len", "_key"], descending=[False] * len(columns) + [True, False])
        .unique(columns, keep="first", maintain_order=True)
        .select(*columns, pl.col("_key").alias("_followed"))
    )
    followed = (
        waiting.join(modal, on=columns).group_by("idx").agg(pl.col("_followed").sort().first())
    )
    return keyed.join(followed, on="idx", how="left", maintain_order="left")["_followed"]


def split_records(
    records: pl.DataFrame, settings: PartitionSettings, follow: Sequence[Sequence[str]] = ()
) -> list[tuple[str, pl.DataFrame]]:
    """(name, records) per partition, by name; rows keep their order and get a new `idx`.

    The global `idx` is kept as `idx_global` so the partition's result maps back.
    """
    keyed = records.with_columns(partition_keys(records, settings, follow))
    return [
        (str(name), numbered_partition(frame.drop("partition")))
        for (name,), frame in sorted(keyed.group_by("partition", maintain_order=True))
    ]


def numbered_partition(frame: pl.DataFrame) -> pl.DataFrame:
    """A partition's rows in record order, `idx` renumbered from 0 and the table's kept as
    `idx_global`."""
    return (
        frame.sort("idx")
        .rename({"idx": "idx_global"})
        .with_row_index("idx")
        .with_columns(pl.col("idx").cast(frame.schema["idx"]))
    )


# --- link one partition -------------------------------------------------------------------


def link_partition(name: str, records: pl.DataFrame, settings: LinkageSettings) -> PartitionLinks:
    """`link_people` on one partition; idx are mapped back to the global ones."""
    result = link_people(records.drop("idx_global"), settings)
    to_global = records["idx_global"]
    links = result.links.with_columns(pl.Series("idx", to_global.gather(result.links["idx"])))
    pairs = result.pairs.with_columns(
        pl.Series("idx_l", to_global.gather(result.pairs["idx_l"])),
        pl.Series("idx_r", to_global.gather(result.pairs["idx_r"])),
    )
    return PartitionLinks(name, links, pairs, result.model, result.blocking)


def _link_named(item: tuple[str, pl.DataFrame], settings: LinkageSettings) -> PartitionLinks:
    return link_partition(item[0], item[1], settings)


# --- join ---------------------------------------------------------------------------------


def join_partitions(
    records: pl.DataFrame, parts: Sequence[PartitionLinks], settings: LinkageSettings
) -> PartitionedLinkResult:
    """Join clusters of different partitions that hold the same trusted ID; new person ids.

    A cluster holds at most one trusted ID, so the clusters of one ID are joined as long as
    no `distinct` column (the monitoring 人编号) would get two values; a cluster that would
    is left apart, in a fixed order (partition name, first record key).
    """
    links = pl.concat(
        [p.links.with_columns(pl.lit(p.name).alias("_partition")) for p in parts]
    ).with_columns(pl.concat_str("_partition", "person_id", separator="|").alias("_local"))
    renamed = pl.DataFrame(schema={"_local": pl.Utf8, "_person_id": pl.Utf8})
    joined = 0
    rep = settings.clustering.representative
    if rep is not None:
        clusters = spanning_clusters(records, links, rep, list(settings.clustering.distinct))
        joined = int(clusters.group_by("_group").len().filter(pl.col("len") > 1).height)
        renamed = _person_ids(clusters)
    out = (
        links.join(renamed, on="_local", how="left")
        .with_columns(pl.coalesce("_person_id", "person_id").alias("person_id"))
        .with_columns(pl.len().over("person_id").cast(pl.UInt32).alias("cluster_size"))
        .sort("idx")
        .select("idx", "record_key", "person_id", "cluster_size", "link_confidence", "linked_by")
    )
    pairs = pl.concat([p.pairs for p in parts], how="diagonal_relaxed")
    return PartitionedLinkResult(
        links=out,
        pairs=pairs,
        model=PartitionModels({p.name: p.model for p in parts}),
        blocking=_sum_blocking([p.blocking for p in parts]),
        partition_sizes={p.name: p.links.height for p in parts},
        joined_clusters=joined,
    )


def spanning_clusters(
    records: pl.DataFrame, links: pl.DataFrame, rep: str, distinct: list[str]
) -> pl.DataFrame:
    """The local clusters (`_local`) holding a trusted ID some other partition holds too.

    One row per cluster, in a fixed order (partition name, `_local`): its partition, first
    record key, `distinct` values (`_d_<column>`), smallest trusted ID (`_rep_id`) and the
    `_group` of clusters it is joined with.
    """
    attrs = records.select("idx", *dict.fromkeys([rep, *distinct]))
    held = links.select("idx", "record_key", "_partition", "_local").join(attrs, on="idx")
    # Only clusters of an ID held in several partitions can change; the others keep the
    # person id their partition gave them, which the rule of _person_ids would give again.
    spanning = (
        held.drop_nulls(rep)
        .group_by(rep)
        .agg(pl.col("_partition").n_unique().alias("_n"))
        .filter(pl.col("_n") > 1)
    )
    touched = held.filter(
        pl.col("_local").is_in(held.join(spanning, on=rep, how="semi")["_local"].implode())
    )
    clusters = (
        touched.group_by("_local")
        .agg(
            pl.col("_partition").first(),
            pl.col("record_key").min().alias("_first_key"),
            *(pl.col(c).drop_nulls().unique().sort().alias(f"_d_{c}") for c in distinct),
            pl.col(rep).drop_nulls().min().alias("_rep_id"),
        )
        .sort("_partition", "_local")
    )
    return clusters.with_columns(pl.Series("_group", _join_by_representative(clusters, distinct)))


def _join_by_representative(clusters: pl.DataFrame, distinct: list[str]) -> np.ndarray:
    """Group number per cluster: clusters of one trusted ID in different partitions together.

    Two clusters of one partition stay apart: that partition's linker kept them apart on
    its evidence (a vetoed name, a conflicting 人编号). A cluster whose `distinct` values
    would conflict with the group's is left apart too.
    """
    group = np.arange(clusters.height)
    held: dict[int, tuple[set[str], list[set[str]]]] = {}
    open_groups: dict[str, list[int]] = {}
    rows = clusters.select("_partition", "_rep_id", *(f"_d_{c}" for c in distinct)).iter_rows()
    for i, (partition, rep_id, *values) in enumerate(rows):
        if rep_id is None:
            continue
        mine = [set(v) for v in values]
        for g in open_groups.setdefault(rep_id, []):
            partitions, sets = held[g]
            if partition not in partitions and all(
                len(a | b) <= 1 for a, b in zip(sets, mine, strict=True)
            ):
                group[i] = g
                partitions.add(partition)
                for a, b in zip(sets, mine, strict=True):
                    a |= b
                break
        else:
            open_groups[rep_id].append(i)
            held[i] = ({partition}, mine)
    return group


def _person_ids(clusters: pl.DataFrame) -> pl.DataFrame:
    """New person_id per local cluster (`_local`, `_person_id`), by cluster.py's rule
    (`representative_person_ids`) over each group of joined clusters."""
    groups = clusters.group_by("_group").agg(
        pl.col("_rep_id").min(), pl.col("_first_key").min().alias("_rep_key")
    )
    groups = groups.with_columns(
        representative_person_ids(groups["_rep_id"], groups["_rep_key"]).alias("_person_id")
    )
    return clusters.join(groups, on="_group").select("_local", "_person_id")


def _sum_blocking(reports: Sequence[BlockingReport]) -> BlockingReport:
    pairs: dict[str, int] = {}
    oversized: dict[str, int] = {}
    for report in reports:
        for rule, n in report.pairs_by_rule.items():
            pairs[rule] = pairs.get(rule, 0) + n
        for rule, n in report.oversized_blocks.items():
            oversized[rule] = oversized.get(rule, 0) + n
    return BlockingReport(pairs, oversized, sum(r.candidate_pairs for r in reports))


# --- compose ------------------------------------------------------------------------------


def linkage_partitions(
    records: pl.DataFrame, settings: LinkageSettings, partitioning: PartitionSettings
) -> list[tuple[str, pl.DataFrame]]:
    """The partitions `link_people_partitioned` links: split by region (schemas/partitioning.yaml),
    following the blocking keys of `settings` (the name keys it declares included)."""
    records = with_place_keys(with_name_keys(records, settings), settings.place_keys)
    return split_records(records, partitioning, followed_rules(records, settings, partitioning))


def followed_rules(
    keyed: pl.DataFrame, settings: LinkageSettings, partitioning: PartitionSettings
) -> list[tuple[str, ...]]:
    """The blocking rules a split follows: those whose keys `keyed` carries, when the
    partitioning follows blocking keys at all."""
    if not partitioning.follow_blocking_keys:
        return []
    return [rule for rule in settings.blocking.rules.values() if set(rule) <= set(keyed.columns)]


def link_people_partitioned(
    records: pl.DataFrame,
    settings: LinkageSettings,
    partitioning: PartitionSettings,
    map_fn: MapFn = map,
) -> PartitionedLinkResult:
    """Split by region, link each partition with `map_fn`, join by trusted ID.

    Args:
        partitioning: how records are split (`Config.partitioning`, schemas/partitioning.yaml).
        map_fn: runs `fn` over the partitions and returns the results in order, like the
            built-in `map` (the default, one process) or a Dask client's map and gather.
    """
    parts = linkage_partitions(records, settings, partitioning)
    linked = list(map_fn(partial(_link_named, settings=settings), parts))
    return join_partitions(records, linked, settings)
