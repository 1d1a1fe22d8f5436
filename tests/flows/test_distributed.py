"""The partitioned-link flow on a local Dask cluster (2 worker processes on 127.0.0.1).

Its person ids must equal the single-process partitioned run's, row for row; what
Prefect stores for the run (parameters, logs) must hold no ID or phone number; and the
partition files (personal data) are gone after the join.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterParentFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogHandler

from flows.artifacts import PERSONAL_NUMBER
from flows.distributed import ADDRESS_ENV, PARTITIONS_DIR, partitioned_link, scheduler_address
from pipeline.config import SCHEMAS_DIR, Config, load_config
from pipeline.errors import ConfigError
from pipeline.link.partition import link_people_partitioned
from sample_data.generator import generate

COUNTIES = 2
SIZE = 4000


@pytest.fixture(scope="module")
def province_table(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Path:
    """A generated province of two counties, as a linkage-table parquet."""
    import sample_data.generator.world as world
    from pipeline.ingest.read import read_source
    from pipeline.link.records import linkage_records
    from pipeline.normalise.prepare import prepare_source
    from pipeline.run import RunInputs
    from pipeline.validate.rows import validate_rows

    folder = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(world, "counties_for_size", lambda _size: COUNTIES)
        generate(SIZE, 5, folder, per_county_csv=True)
    inputs = RunInputs(
        folder / "poverty",
        folder / "petitions.csv",
        folder / "cases.csv",
        folder / "relief_history.csv",
    )
    prepared = {}
    for name, path in inputs.by_source().items():
        frame = prepare_source(name, read_source(name, path, config).frame)
        prepared[name] = validate_rows(name, frame, config.source(name)).accepted
    path = folder / "records.parquet"
    linkage_records(prepared, config.vocabulary).write_parquet(path)
    return path


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_address_comes_from_the_parameter_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ADDRESS_ENV, raising=False)
    with pytest.raises(ConfigError, match=ADDRESS_ENV):
        scheduler_address(None)
    monkeypatch.setenv(ADDRESS_ENV, "tcp://10.0.0.5:8786")
    assert scheduler_address(None) == "tcp://10.0.0.5:8786"
    assert scheduler_address("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"


def stored_logs(flow_run_id: Any) -> list[str]:
    """The log messages Prefect's database holds for a flow run and its subflow runs."""
    APILogHandler().flush()
    time.sleep(0.5)
    with get_client(sync_client=True) as client:
        children = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])
            )
        )
        ids = [flow_run_id, *(r.id for r in children)]
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)))
    return [log.message for log in logs]


@pytest.fixture(scope="module")
def fast_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """schemas/ with fewer random pairs for u: equality needs the same model, not the best."""
    folder = tmp_path_factory.mktemp("schemas")
    for path in SCHEMAS_DIR.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    linkage = yaml.safe_load((folder / "linkage.yaml").read_text(encoding="utf-8"))
    linkage["model"]["u_sample_pairs"] = 20_000
    (folder / "linkage.yaml").write_text(yaml.safe_dump(linkage, allow_unicode=True), "utf-8")
    return folder


@pytest.mark.prefect
def test_flow_on_dask_gives_the_person_ids_of_one_process(
    prefect_server: None,
    province_table: Path,
    cluster_address: str,
    fast_config_dir: Path,
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    state = partitioned_link(
        records=province_table,
        work=work,
        address=cluster_address,
        config_dir=fast_config_dir,
        return_state=True,
    )
    summary = state.result()
    on_dask = pl.read_parquet(summary.links)
    records = pl.read_parquet(province_table)
    config = load_config(fast_config_dir)
    one_process = link_people_partitioned(records, config.linkage, config.partitioning).links
    assert on_dask.equals(one_process)
    assert summary.counts["records"] == records.height
    assert len(summary.counts["partitions"]) >= COUNTIES
    assert not (work / PARTITIONS_DIR).exists()
    messages = stored_logs(state.state_details.flow_run_id)
    assert any("clusters joined across partitions" in m for m in messages)
    for message in messages:
        assert not PERSONAL_NUMBER.search(message), message
