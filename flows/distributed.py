"""Flow `partitioned-link`: link a province partition by partition on an existing Dask cluster.

    partitioned_link(records=Path("work/records.parquet"), work=Path("work"),
                     address="tcp://10.0.0.5:8786")

The linkage table (a parquet of pipeline/link/records.py's table) is split by region into
`<work>/partitions/part-NNN.parquet`; each partition is linked by one Prefect task on the
cluster (`DaskTaskRunner(address=...)`), which writes its links and pairs beside it; the
partitions are joined by trusted ID into `<work>/person_links.parquet` and
`<work>/link_pairs.parquet`. Tasks pass paths and counts, never frames, so every worker must
see `<work>` (a shared file system) and run the same code and venv. See docs/distributed.md.

What Prefect keeps (see flows/tasks.py): parameters (paths and an address), logs (partition
names and counts) and masked error messages. Every task has NO_CACHE and
persist_result=False: the partitions are personal data and must not be pickled into
Prefect's storage.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect_dask import DaskTaskRunner  # type: ignore[attr-defined]

from flows.tasks import PipelineFailure, mask_error
from pipeline.config import load_config
from pipeline.errors import ConfigError, ReliefLeadsError
from pipeline.link.blocking import BlockingReport
from pipeline.link.model import FittedModel
from pipeline.link.partition import (
    PartitionLinks,
    join_partitions,
    link_partition,
    linkage_partitions,
)

ADDRESS_ENV = "RELIEF_LEADS_DASK_ADDRESS"
PARTITIONS_DIR = "partitions"


@dataclass(frozen=True)
class PartitionFile:
    name: str
    path: str
    rows: int


@dataclass(frozen=True)
class LinkedPartition:
    """A linked partition: where its links and pairs are, and its model (parameters only)."""

    name: str
    links: str
    pairs: str
    model: FittedModel
    blocking: BlockingReport


@dataclass(frozen=True)
class PartitionedLinkSummary:
    links: str
    pairs: str
    counts: dict[str, Any]


def scheduler_address(address: str | None) -> str:
    """The address given, else $RELIEF_LEADS_DASK_ADDRESS; an error names both when neither is set."""
    resolved = address or os.environ.get(ADDRESS_ENV)
    if not resolved:
        raise ConfigError(
            f"no Dask scheduler address: pass address='tcp://host:8786' or set {ADDRESS_ENV}"
        )
    return resolved


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    try:
        return get_run_logger()
    except MissingContextError:  # under task.fn()
        return logging.getLogger("relief_leads.flows")


@contextmanager
def _masked_errors() -> Iterator[None]:
    """Prefect stores exception text: mask numbers in it, as run_pipeline does."""
    try:
        yield
    except ReliefLeadsError as exc:
        raise type(exc)(mask_error(str(exc))) from None
    except OSError:
        raise
    except Exception as exc:
        raise PipelineFailure(f"{type(exc).__name__}: {mask_error(str(exc))}") from None


@task(name="split-linkage-table", cache_policy=NO_CACHE, persist_result=False)
def split_linkage_table(records: Path, work: Path, config_dir: Path | None) -> list[PartitionFile]:
    """Write one parquet per region partition (schemas/partitioning.yaml) under `<work>/partitions/`."""
    with _masked_errors():
        config = load_config(config_dir)
        table = pl.read_parquet(records)
        folder = Path(work) / PARTITIONS_DIR
        folder.mkdir(parents=True, exist_ok=True)
        files = []
        partitions = linkage_partitions(table, config.linkage, config.partitioning)
        for i, (name, frame) in enumerate(partitions):
            path = folder / f"part-{i:03d}.parquet"
            frame.write_parquet(path)
            files.append(PartitionFile(name, str(path), frame.height))
    _logger().info("%d partitions: %s", len(files), {f.name: f.rows for f in files})
    return files


@task(name="link-partition", cache_policy=NO_CACHE, persist_result=False)
def link_partition_file(part: PartitionFile, config_dir: Path | None) -> LinkedPartition:
    """Link one partition file; write its links and pairs beside it."""
    with _masked_errors():
        settings = load_config(config_dir).linkage
        result = link_partition(part.name, pl.read_parquet(part.path), settings)
        stem = Path(part.path).with_suffix("")
        links, pairs = f"{stem}.links.parquet", f"{stem}.pairs.parquet"
        result.links.write_parquet(links)
        result.pairs.write_parquet(pairs)
    _logger().info("partition %s: %d records, %d pairs", part.name, part.rows, result.pairs.height)
    return LinkedPartition(part.name, links, pairs, result.model, result.blocking)


@task(name="join-partitions", cache_policy=NO_CACHE, persist_result=False)
def join_partition_files(
    records: Path, linked: list[LinkedPartition], work: Path, config_dir: Path | None
) -> PartitionedLinkSummary:
    """Join the partitions by trusted ID into `<work>/person_links.parquet` and `link_pairs.parquet`."""
    with _masked_errors():
        settings = load_config(config_dir).linkage
        table = pl.read_parquet(records)
        parts = [
            PartitionLinks(
                p.name, pl.read_parquet(p.links), pl.read_parquet(p.pairs), p.model, p.blocking
            )
            for p in linked
        ]
        result = join_partitions(table, parts, settings)
        links, pairs = Path(work) / "person_links.parquet", Path(work) / "link_pairs.parquet"
        result.links.write_parquet(links)
        result.pairs.write_parquet(pairs)
    counts = result.summary()
    _logger().info(
        "%d records, %d persons, %d clusters joined across partitions",
        counts["records"],
        counts["persons"],
        counts["clusters_joined_across_partitions"],
    )
    return PartitionedLinkSummary(str(links), str(pairs), counts)


@flow(name="link-partitions")
def link_partitions(
    records: Path, work: Path, config_dir: Path | None = None, keep_partitions: bool = False
) -> PartitionedLinkSummary:
    """Split, link each partition as a task on the flow's task runner, join."""
    parts = split_linkage_table(records, work, config_dir)
    linked = link_partition_file.map(parts, config_dir=unmapped(config_dir)).result()
    summary = join_partition_files(records, linked, work, config_dir)
    if not keep_partitions:  # personal data: one copy (the joined result) is enough
        shutil.rmtree(Path(work) / PARTITIONS_DIR)
    return summary


@flow(name="partitioned-link")
def partitioned_link(
    records: Path,
    work: Path,
    address: str | None = None,
    config_dir: Path | None = None,
    keep_partitions: bool = False,
) -> PartitionedLinkSummary:
    """Link the linkage table `records` on the Dask cluster at `address`.

    Args:
        records: parquet of the linkage table, on a path every worker sees.
        work: folder for partitions and results, on a path every worker sees.
        address: the scheduler, `tcp://host:8786` (default: $RELIEF_LEADS_DASK_ADDRESS).
        config_dir: folder of YAML config (default: schemas/); workers read it too.
        keep_partitions: keep `<work>/partitions/` (otherwise deleted after the join).
    """
    runner = DaskTaskRunner(address=scheduler_address(address))
    # DaskTaskRunner's futures are PrefectDaskFutures; Prefect's stub expects the base type
    return link_partitions.with_options(task_runner=runner)(  # type: ignore[arg-type]
        records, work, config_dir, keep_partitions
    )
