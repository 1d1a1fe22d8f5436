"""`link_people_partitioned` through parquet files: what a cluster's workers read and write.

The driver splits the linkage table by region into `<work>/partitions/part-NNN.parquet`;
a worker links one partition file (`link_partition_file`) and writes its links and pairs
beside it; the driver joins the partitions by trusted ID (`join_partition_files`). Only
paths, names, counts and the fitted model (parameters, no rows) travel between them, so
the result is `link_people_partitioned`'s, row for row.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from pipeline.config import LinkageSettings, PartitionSettings
from pipeline.link.blocking import BlockingReport
from pipeline.link.model import FittedModel
from pipeline.link.partition import (
    MapFn,
    PartitionedLinkResult,
    PartitionLinks,
    followed_rules,
    join_partitions,
    link_partition,
    numbered_partition,
    partition_keys,
)
from pipeline.link.people import with_name_keys
from pipeline.link.places import with_place_keys

PARTITIONS_DIR = "partitions"


@dataclass(frozen=True)
class PartitionFile:
    name: str
    path: str
    rows: int


@dataclass(frozen=True)
class LinkedPartitionFile:
    """A linked partition: where its links and pairs are, and its model (parameters only)."""

    name: str
    links: str
    pairs: str
    model: FittedModel
    blocking: BlockingReport
    rows: int = 0


def write_partitions(
    records: pl.DataFrame, settings: LinkageSettings, partitioning: PartitionSettings, work: Path
) -> list[PartitionFile]:
    """One parquet per region partition (schemas/partitioning.yaml) under `<work>/partitions/`,
    by name, each the rows of `linkage_partitions`' partition in their order, renumbered.

    The partitions are cut and written one at a time from `records` as they are: the name
    and place keys the split follows are built on the columns they need only (the table,
    its copy widened by the keys and every partition held at once took the 9 M province's
    driver to 20.8 GB, killed). A worker's `link_people` builds its partition's keys
    itself, as it did when the file carried them.
    """
    folder = Path(work) / PARTITIONS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    partition = partition_of_records(records, settings, partitioning)
    files = []
    for i, name in enumerate(sorted(partition.unique().to_list())):
        frame = numbered_partition(records.filter(partition == name))
        path = folder / f"part-{i:03d}.parquet"
        frame.write_parquet(path)
        files.append(PartitionFile(name, str(path), frame.height))
        del frame
    return files


def partition_of_records(
    records: pl.DataFrame, settings: LinkageSettings, partitioning: PartitionSettings
) -> pl.Series:
    """Each record's partition, as `linkage_partitions` splits: by region, following the
    blocking keys of `settings` (its name and place keys built on a narrow copy)."""
    needed = {"idx", partitioning.region_column, partitioning.id_column, "name_norm"}
    needed |= {"name_pinyin", *(c for rule in settings.blocking.rules.values() for c in rule)}
    needed |= set(settings.place_keys.levels if settings.place_keys else ())
    narrow = records.select(c for c in records.columns if c in needed)
    keyed = with_place_keys(with_name_keys(narrow, settings), settings.place_keys)
    return partition_keys(keyed, partitioning, followed_rules(keyed, settings, partitioning))


def link_partition_file(part: PartitionFile, settings: LinkageSettings) -> LinkedPartitionFile:
    """Link one partition file (on a worker); write its links and pairs beside it."""
    result = link_partition(part.name, pl.read_parquet(part.path), settings)
    stem = Path(part.path).with_suffix("")
    links, pairs = f"{stem}.links.parquet", f"{stem}.pairs.parquet"
    result.links.write_parquet(links)
    result.pairs.write_parquet(pairs)
    return LinkedPartitionFile(part.name, links, pairs, result.model, result.blocking, part.rows)


def join_partition_files(
    records: pl.DataFrame, linked: list[LinkedPartitionFile], settings: LinkageSettings
) -> PartitionedLinkResult:
    """Join the linked partitions by trusted ID (`join_partitions`)."""
    parts = [
        PartitionLinks(
            p.name, pl.read_parquet(p.links), pl.read_parquet(p.pairs), p.model, p.blocking
        )
        for p in linked
    ]
    return join_partitions(records, parts, settings)


def link_via_files(
    records: pl.DataFrame,
    settings: LinkageSettings,
    partitioning: PartitionSettings,
    work: Path,
    map_fn: MapFn = map,
    keep_partitions: bool = False,
) -> PartitionedLinkResult:
    """Split, link every partition file with `map_fn`, join; the partition files (personal
    data) are deleted after the join unless `keep_partitions`."""
    parts = write_partitions(records, settings, partitioning, work)
    linked = list(map_fn(partial(link_partition_file, settings=settings), parts))
    result = join_partition_files(records, linked, settings)
    if not keep_partitions:
        shutil.rmtree(Path(work) / PARTITIONS_DIR)
    return result
