"""The flows run end to end on sample_data/ under one Prefect test server.

What Prefect stores (parameters, logs, artifacts) is read back from its API and checked for
personal data; runs on identical inputs keep their lead ids; decisions carry over.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogHandler
from prefect.states import State

from flows.adhoc import adhoc
from flows.artifacts import PERSONAL_NUMBER
from flows.nightly import nightly
from flows.tasks import RunSummary
from pipeline.run import RunInputs

pytestmark = pytest.mark.prefect

SAMPLE = RunInputs.sample()
HOUR = 3600.0


def reviewer_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "线索清单.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def stored_text(flow_run_id: UUID | None) -> dict[str, Any]:
    """Everything Prefect's database holds for a flow run that could carry data."""
    assert flow_run_id is not None
    APILogHandler().flush()
    time.sleep(0.5)
    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(flow_run_id)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
        logs = client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )
    return {"parameters": flow_run.parameters, "artifacts": artifacts, "logs": logs}


@pytest.fixture(scope="module")
def first_adhoc(
    prefect_server: None, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, State]:
    out = tmp_path_factory.mktemp("adhoc")
    state = adhoc(out=out, return_state=True)
    return out, state


def test_adhoc_writes_the_run_folder(first_adhoc: tuple[Path, State]) -> None:
    out, state = first_adhoc
    summary: RunSummary = state.result()
    folder = Path(summary.folder)
    assert folder == out / summary.run_id
    assert (out / "latest").resolve() == folder.resolve()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == json.loads(json.dumps(summary.counts))
    assert manifest["counts"]["leads"] > 0
    with (folder / "candidates.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:7] == [
        "rank",
        "candidate_id",
        "tier",
        "strength",
        "score",
        "person_id",
        "case_id",
    ]
    assert (folder / "线索清单.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_adhoc_stores_counts_and_paths_only(first_adhoc: tuple[Path, State]) -> None:
    out, state = first_adhoc
    summary: RunSummary = state.result()
    stored = stored_text(state.state_details.flow_run_id)

    # parameters: paths and filters
    assert stored["parameters"]["out"] == str(out)
    assert all(
        v is None or (isinstance(v, str) and len(v) < 300) for v in stored["parameters"].values()
    )

    by_key = {a.key: a for a in stored["artifacts"]}
    assert set(by_key) == {"adhoc-run-summary", "adhoc-run-counts"}
    markdown = by_key["adhoc-run-summary"].data
    table = by_key["adhoc-run-counts"].data
    assert f"**{summary.counts['leads']} leads**" in markdown
    rows = {
        (r["measure"], r["of"]): r["value"]
        for r in (json.loads(table) if isinstance(table, str) else table)
    }
    assert rows[("leads", "all")] == summary.counts["leads"]
    assert rows[("rows read", "poverty")] == summary.counts["rows_read"]["poverty"]
    assert rows[("leads new", "all")] == summary.counts["leads_new"]

    texts = [markdown, json.dumps(table, ensure_ascii=False), json.dumps(stored["parameters"])]
    texts += [log.message for log in stored["logs"]]
    assert stored["logs"], "the flow's logs should have reached the API"
    names = {r["被害人"] for r in reviewer_rows(Path(summary.folder)) if len(r["被害人"]) >= 2}
    assert names
    for text in texts:
        assert not PERSONAL_NUMBER.search(text), text
        assert not [n for n in names if n in text], text


def test_identical_inputs_keep_ids_and_bring_no_new_leads(first_adhoc: tuple[Path, State]) -> None:
    out, state = first_adhoc
    first: RunSummary = state.result()
    second = adhoc(out=out)
    assert second.run_id != first.run_id
    ids = [r["线索编号"] for r in reviewer_rows(Path(first.folder))]
    assert [r["线索编号"] for r in reviewer_rows(Path(second.folder))] == ids
    assert second.counts["leads_new"] == 0
    assert {r["是否新增"] for r in reviewer_rows(Path(second.folder))} == {"否"}


def test_reviewers_decisions_carry_over(first_adhoc: tuple[Path, State], tmp_path: Path) -> None:
    _, state = first_adhoc
    first: RunSummary = state.result()
    rows = reviewer_rows(Path(first.folder))
    decided = {
        rows[0]["线索编号"]: ("采纳", "已电话核实"),
        rows[1]["线索编号"]: ("不采纳", "已获民事赔偿"),
        rows[2]["线索编号"]: ("待核实", ""),
    }
    for row in rows:
        if row["线索编号"] in decided:
            row["审核结论"], row["审核备注"] = decided[row["线索编号"]]
    reviews = tmp_path / "线索清单-已审核.csv"
    with reviews.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    summary = adhoc(out=tmp_path / "runs", reviews=reviews)
    carried = {r["线索编号"]: r for r in reviewer_rows(Path(summary.folder))}
    for candidate_id, (decision, note) in decided.items():
        assert (carried[candidate_id]["审核结论"], carried[candidate_id]["审核备注"]) == (
            decision,
            note,
        )
        assert carried[candidate_id]["是否新增"] == "否"
    undecided = [r for cid, r in carried.items() if cid not in decided]
    assert all(r["审核结论"] == "" for r in undecided)


def drop(path: Path, source: Path, hours_ago: float) -> Path:
    """Copy an export into the inbox with the given age."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    stamp = time.time() - hours_ago * HOUR
    os.utime(path, (stamp, stamp))
    return path


def test_nightly_takes_the_newest_exports_and_keeps_n_runs(
    prefect_server: None, tmp_path: Path
) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "runs"
    drop(inbox / "poverty" / "防返贫监测-1127.xlsx", SAMPLE.poverty, 30)
    newest_poverty = drop(inbox / "poverty" / "防返贫监测-1128.xlsx", SAMPLE.poverty, 6)
    (inbox / "poverty" / "~$防返贫监测-1128.xlsx").write_bytes(b"lock")  # Excel's lock file
    drop(inbox / "petitions" / "信访-1127.csv", SAMPLE.petitions, 30)
    newest_petitions = drop(inbox / "petitions" / "信访-1128.csv", SAMPLE.petitions, 6)
    (inbox / "petitions" / "信访-1129.csv").write_bytes(b"still copying")  # newer than settle time
    drop(inbox / "cases" / "2025-11-27" / "cases.csv", SAMPLE.cases, 30)
    newest_cases = drop(inbox / "cases" / "2025-11-28" / "cases.csv", SAMPLE.cases, 6)
    old_runs = [f"2025010{d}T183000Z-00000{d}" for d in range(1, 4)]
    for name in old_runs:
        (out / name).mkdir(parents=True)

    summary = nightly(inbox=inbox, out=out, keep_runs=2)

    manifest = json.loads((Path(summary.folder) / "manifest.json").read_text(encoding="utf-8"))
    used = {
        source: [Path(f["path"]) for f in files] for source, files in manifest["inputs"].items()
    }
    assert used["poverty"] == [newest_poverty]
    assert used["petitions"] == [newest_petitions]
    assert used["cases"] == [newest_cases]
    assert "relief_history" not in used  # optional, and its inbox folder is absent
    assert sorted(p.name for p in out.iterdir() if p.name != "latest") == [
        old_runs[-1],
        summary.run_id,
    ]


def test_a_failed_run_leaves_no_personal_data_in_prefect(
    prefect_server: None, prefect_storage: Path, tmp_path: Path
) -> None:
    # A headerless export: its first row (a person) is what the pipeline would quote.
    person = ("王秀英", "610123198805061234", "13912345678")
    bad = tmp_path / "防返贫监测.csv"
    bad.write_text(
        ",".join(person) + "\n" + "李四,610123199001011235,13812345679\n", encoding="utf-8"
    )

    state = adhoc(
        poverty=bad,
        petitions=SAMPLE.petitions,
        cases=SAMPLE.cases,
        out=tmp_path / "runs",
        return_state=True,
    )

    assert state.is_failed()
    assert "防返贫监测.csv" in (state.message or "")
    stored = stored_text(state.state_details.flow_run_id)
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs()
    texts = [state.message or "", *(log.message for log in stored["logs"])]
    texts += [t.state.message or "" for t in task_runs if t.state]
    pickled = [p.read_bytes() for p in prefect_storage.rglob("*") if p.is_file()]
    assert pickled, "Prefect 3.9 pickles a failed task's exception; this test relies on seeing it"
    texts += [base64.b64decode(b).decode("utf-8", "replace") for b in pickled]
    for text in texts:
        for value in person:
            assert value not in text, text
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
