"""The whole pipeline on a local Dask cluster from raw exports (issue 16, items 2, 3 and 5).

A generated province of 5 counties (one monitoring CSV per county, one file each of
petitions, cases and relief) runs three ways, and the run folders are compared file by
file with benchmarks/compare_runs.py:

- `relief-leads run --partitioned`: one process, `run()`, linking county by county;
- `relief-leads run --cluster local:2 --worker-memory …`: 2 worker processes with a
  memory limit, every stage in parts (pipeline/partitioned/), no Prefect;
- the `distributed-run` Prefect flow on a LocalCluster of 2 memory-limited workers.

They must hold the same person ids, leads, ranks, tiers, quarantine, manifest counts and
validation summaries. Linking with a smaller u sample keeps the test short: equality
needs the same model, not the best one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import yaml

from benchmarks.compare_runs import differences
from pipeline.cli import main
from pipeline.config import SCHEMAS_DIR
from sample_data.generator import generate

COUNTIES = 5
SIZE = 2000
WORKER_MEMORY = "1500MB"


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import sample_data.generator.world as world

    folder = tmp_path_factory.mktemp("province5")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(world, "counties_for_size", lambda _size: COUNTIES)
        generate(SIZE, 11, folder, per_county_csv=True)
    return folder


@pytest.fixture(scope="module")
def quick_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schemas-quick")
    shutil.copytree(SCHEMAS_DIR, folder, dirs_exist_ok=True)
    linkage = yaml.safe_load((folder / "linkage.yaml").read_text(encoding="utf-8"))
    linkage["model"]["u_sample_pairs"] = 20_000
    (folder / "linkage.yaml").write_text(yaml.safe_dump(linkage, allow_unicode=True), "utf-8")
    # several slices of texts and of leads, so putting them back together is tested too
    partitioning = yaml.safe_load((folder / "partitioning.yaml").read_text(encoding="utf-8"))
    partitioning |= {"text_slice_rows": 300, "lead_slice_rows": 100}
    (folder / "partitioning.yaml").write_text(yaml.safe_dump(partitioning), "utf-8")
    return folder


def _args(province: Path, config_dir: Path, out: Path) -> list[str]:
    return [
        "run",
        "--poverty",
        str(province / "poverty"),
        "--petitions",
        str(province / "petitions.csv"),
        "--cases",
        str(province / "cases.csv"),
        "--relief-history",
        str(province / "relief_history.csv"),
        "--config-dir",
        str(config_dir),
        "--out",
        str(out),
        "-q",
    ]


@pytest.fixture(scope="module")
def one_process(
    province: Path, quick_config_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """`relief-leads run --partitioned`: the single-process run the cluster must equal."""
    out = tmp_path_factory.mktemp("one-process")
    assert main([*_args(province, quick_config_dir, out), "--partitioned"]) == 0
    return (out / "latest").resolve()


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        memory_limit=WORKER_MEMORY,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_reference_run_has_what_the_comparison_needs(one_process: Path, province: Path) -> None:
    """The comparison means something only if there are leads of every tier, quarantine,
    and people linked across counties' files."""
    candidates = pl.read_csv(one_process / "candidates.csv", infer_schema=False)
    assert candidates.height > 100
    assert set(candidates["tier"]) == {"高", "中", "低"}
    assert pl.read_csv(one_process / "quarantine.csv", infer_schema=False).height > 0
    links = pl.read_csv(one_process / "person_links.csv", infer_schema=False)
    files = links.group_by("person_id").agg(pl.col("file").n_unique())
    assert files.filter(pl.col("file") > 1).height > 100
    manifest = json.loads((one_process / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["counts"]["linkage"]["partitions"]) >= COUNTIES


@pytest.mark.cluster
def test_cli_on_a_local_cluster_equals_one_process(
    province: Path, quick_config_dir: Path, one_process: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cluster"
    args = [*_args(province, quick_config_dir, out), "--cluster", "local:2"]
    assert main([*args, "--worker-memory", WORKER_MEMORY, "--work", str(tmp_path / "w")]) == 0
    assert differences(one_process, (out / "latest").resolve()) == []
    assert not any((tmp_path / "w").iterdir()), "the parts (personal data) are deleted"


def test_cluster_options_are_checked(
    province: Path, quick_config_dir: Path, tmp_path: Path
) -> None:
    base = _args(province, quick_config_dir, tmp_path)
    assert main([*base, "--cluster", "tcp://127.0.0.1:1"]) == 2  # no --work for a real cluster
    assert main([*base, "--cluster", "somewhere"]) == 2
    assert main([*base, "--worker-memory", "4GB"]) == 2  # without --cluster


@pytest.mark.prefect
@pytest.mark.cluster
def test_flow_on_dask_equals_one_process(
    prefect_server: None,
    province: Path,
    quick_config_dir: Path,
    one_process: Path,
    cluster_address: str,
    tmp_path: Path,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.artifacts import PERSONAL_NUMBER
    from flows.distributed import distributed_run

    state = distributed_run(
        out=tmp_path / "runs",
        work=tmp_path / "work",
        poverty=province / "poverty",
        petitions=province / "petitions.csv",
        cases=province / "cases.csv",
        relief_history=province / "relief_history.csv",
        address=cluster_address,
        config_dir=quick_config_dir,
        return_state=True,
    )
    summary = state.result()
    assert differences(one_process, Path(summary.folder)) == []
    with get_client(sync_client=True) as client:
        children = [r.id for r in client.read_flow_runs() if r.parent_task_run_id is not None]
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(
                    any_=[state.state_details.flow_run_id, *children]
                )
            )
        )
    progress = {a.key: a for a in artifacts if a.type == "progress"}
    assert progress["relief-leads-link-progress"].data == 100.0
    assert "counties done" in (progress["relief-leads-link-progress"].description or "")
    assert {k.split("-")[2] for k in progress} == {"ingest", "signals", "link", "score"}
    # several slices of leads were scored and ranked as one list
    score_parts = progress["relief-leads-score-progress"].description or ""
    assert int(score_parts.split("/")[1].split()[0]) > 1, score_parts
    for artifact in artifacts:
        assert not PERSONAL_NUMBER.search(str(artifact.data)), artifact.key
