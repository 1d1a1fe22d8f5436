"""Flows on an existing Dask cluster (`DaskTaskRunner(address=...)`), see docs/distributed.md.

`distributed-run`: the whole pipeline from raw exports, as `relief-leads run` takes them,
part by part on the workers (pipeline/partitioned/: files, text slices, region
partitions, lead slices), writing one run folder equal to a single process's:

    distributed_run(poverty=Path("/shared/in/poverty"), petitions=..., cases=...,
                    out=Path("/shared/runs"), work=Path("/shared/work"),
                    address="tcp://10.0.0.5:8786")

`partitioned-link`: linking alone, from a linkage-table parquet:

    partitioned_link(records=Path("work/records.parquet"), work=Path("work"),
                     address="tcp://10.0.0.5:8786")

The flow body is the driver (the steps that need the whole province, from the parts'
parquet); each part is one Prefect task on the cluster. Tasks pass paths and counts, never
frames, so every worker must see `work` (a shared file system) and run the same code and
venv. Progress: one progress artifact per stage (`<flow run>-<stage>`, parts done / total;
for `link` the parts are the counties).

What Prefect keeps (see flows/tasks.py): parameters (paths, filters and an address), logs
(partition names and counts), progress (counts) and masked error messages. Every task has
NO_CACHE and persist_result=False: the parts are personal data and must not be pickled
into Prefect's storage.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import polars as pl
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.futures import as_completed
from prefect_dask import DaskTaskRunner  # type: ignore[attr-defined]

from flows.artifacts import publish_run_artifacts
from flows.tasks import PipelineFailure, RunSummary, mask_error, masked_error, run_summary
from pipeline.config import load_config
from pipeline.errors import ConfigError, ReliefLeadsError
from pipeline.partitioned import linking
from pipeline.partitioned.linking import PARTITIONS_DIR, PartitionFile
from pipeline.partitioned.linking import LinkedPartitionFile as LinkedPartition
from pipeline.partitioned.run import run_partitioned
from pipeline.state import RunInputs
from pipeline.validate.filters import RunFilters

__all__ = [
    "ADDRESS_ENV",
    "PARTITIONS_DIR",
    "LinkedPartition",
    "PartitionFile",
    "distributed_run",
    "partitioned_link",
    "scheduler_address",
]

ADDRESS_ENV = "RELIEF_LEADS_DASK_ADDRESS"


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
        files = linking.write_partitions(table, config.linkage, config.partitioning, Path(work))
    _logger().info("%d partitions: %s", len(files), {f.name: f.rows for f in files})
    return files


@task(name="link-partition", cache_policy=NO_CACHE, persist_result=False)
def link_partition_file(part: PartitionFile, config_dir: Path | None) -> LinkedPartition:
    """Link one partition file; write its links and pairs beside it."""
    with _masked_errors():
        result = linking.link_partition_file(part, load_config(config_dir).linkage)
    _logger().info("partition %s: %d records linked", part.name, part.rows)
    return result


@task(name="join-partitions", cache_policy=NO_CACHE, persist_result=False)
def join_partition_files(
    records: Path, linked: list[LinkedPartition], work: Path, config_dir: Path | None
) -> PartitionedLinkSummary:
    """Join the partitions by trusted ID into `<work>/person_links.parquet` and `link_pairs.parquet`."""
    with _masked_errors():
        settings = load_config(config_dir).linkage
        result = linking.join_partition_files(pl.read_parquet(records), linked, settings)
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


# --- the whole pipeline ---------------------------------------------------------------------

# What a stage's parts are, for the progress artifacts (the functions pipeline/partitioned/ maps).
PART_NAMES = {
    "check_file": ("ingest", "files"),
    "read_facts": ("signals", "text slices"),
    "link_partition_file": ("link", "counties"),
    "score_slice": ("score", "lead slices"),
}


@task(name="part", cache_policy=NO_CACHE, persist_result=False)
def run_part(fn: Callable[[Any], Any], item: Any) -> Any:
    """One part of a stage (a file, a slice, a county) on a worker: paths in, paths out."""
    with _masked_errors():
        return fn(item)


def _part_of(fn: Callable[..., Any]) -> tuple[str, str]:
    name = getattr(getattr(fn, "func", fn), "__name__", "part")
    return PART_NAMES.get(name, (name.replace("_", "-"), "parts"))


def prefect_map(fn: Callable[..., Any], items: Sequence[Any]) -> list[Any]:
    """The `map_fn` of pipeline/partitioned/ in a flow: one task per part on the flow's
    task runner, and a progress artifact per stage counting the parts done."""
    items = list(items)
    stage, parts = _part_of(fn)
    futures = run_part.with_options(name=f"{stage}-part").map(unmapped(fn), items)
    # one key per stage: each run's artifact is a new version of it, attached to that run
    key = re.sub(r"[^a-z0-9-]+", "-", f"relief-leads-{stage}-progress")
    artifact: UUID = create_progress_artifact(  # type: ignore[assignment]
        0.0, key=key, description=f"{stage}: 0/{len(items)} {parts} done"
    )
    for done, _future in enumerate(as_completed(futures), 1):
        update_progress_artifact(
            artifact,
            100.0 * done / max(len(items), 1),
            f"{stage}: {done}/{len(items)} {parts} done",
        )
    _logger().info("%s: %d %s done", stage, len(items), parts)
    return [f.result() for f in futures]


@flow(name="distributed-run-on-cluster")
def run_on_cluster(
    inputs: RunInputs, out: Path, work: Path, config_dir: Path | None, filters: RunFilters
) -> RunSummary:
    """The driver: `run_partitioned` with every part a task on the flow's task runner."""
    masked: Exception | None = None
    try:
        result = run_partitioned(
            inputs, Path(out), Path(work), prefect_map, load_config(config_dir), filters
        )
    except OSError:
        raise
    except Exception as exc:  # bad input or a bug: masked as run_pipeline masks them
        masked = masked_error(exc)
    if masked is not None:
        raise masked
    return run_summary(result)


@flow(name="distributed-run")
def distributed_run(
    out: Path,
    work: Path,
    poverty: Path | None = None,
    petitions: Path | None = None,
    cases: Path | None = None,
    relief_history: Path | None = None,
    reviews: Path | None = None,
    address: str | None = None,
    config_dir: Path | None = None,
    county: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> RunSummary:
    """Run the whole pipeline on the Dask cluster at `address`; one run folder in `out`.

    Args:
        out: folder of run folders, as for `relief-leads run --out`.
        work: folder for the parts, on a path every worker sees (deleted after the run).
        poverty, petitions, cases, relief_history, reviews: as `adhoc` takes them (files or
            folders; none of the three main ones for sample_data/).
        address: the scheduler, `tcp://host:8786` (default: $RELIEF_LEADS_DASK_ADDRESS).
        config_dir: folder of YAML config (default: schemas/); workers get the loaded config.
        county, since, until: the analysts' filters (an ad-hoc run, `<out>/adhoc/`).
    """
    inputs = RunInputs.resolve(poverty, petitions, cases, relief_history, reviews)
    filters = RunFilters(county=county, since=since, until=until)
    runner = DaskTaskRunner(address=scheduler_address(address))
    summary = run_on_cluster.with_options(task_runner=runner)(  # type: ignore[arg-type]
        inputs, out, work, config_dir, filters
    )
    publish_run_artifacts(summary, "distributed-run")
    return summary
