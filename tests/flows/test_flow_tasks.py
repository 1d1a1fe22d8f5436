"""The flows' building blocks without a Prefect server (`task.fn()` and plain functions)."""

from __future__ import annotations

import os
import re
import time
from datetime import date
from pathlib import Path
from typing import ClassVar, NamedTuple

import pytest
from prefect.states import Failed

from flows.adhoc import adhoc
from flows.artifacts import PERSONAL_NUMBER, count_rows, summary_markdown
from flows.tasks import (
    MissingExportError,
    PipelineFailure,
    RunSummary,
    _io_error_only,
    find_newest_exports,
    mask_numbers,
    newest_entry,
    prune_old_runs,
    run_pipeline,
)
from pipeline.errors import InputError, ReliefLeadsError
from pipeline.run import RunInputs
from pipeline.state import RunResult

NOW = time.time()
HOUR = 3600.0


def touch(path: Path, hours_ago: float, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (NOW - hours_ago * HOUR, NOW - hours_ago * HOUR))
    return path


# --- newest export in an inbox folder -------------------------------------------------------

# (files as (relative path, hours ago), settle hours, expected pick)
NEWEST_CASES = [
    ([("a.xlsx", 5), ("b.xlsx", 1)], 0, "b.xlsx"),
    ([("a.xlsx", 1), ("b.csv", 5)], 0, "a.xlsx"),
    ([("a.CSV", 2)], 0, "a.CSV"),  # suffix case does not matter
    ([("a.xlsx", 5), ("b.xlsx", 0.01)], 0.5, "a.xlsx"),  # b may still be being copied
    ([("a.xlsx", 5), ("~$a.xlsx", 1)], 0, "a.xlsx"),  # Excel lock file
    ([("a.xlsx", 5), (".hidden.csv", 1)], 0, "a.xlsx"),
    ([("a.xlsx", 5), ("notes.txt", 1)], 0, "a.xlsx"),  # not an export
    ([("2025-11-01/x.csv", 5), ("2025-11-02/x.csv", 1)], 0, "2025-11-02"),  # dated folders
    (
        [("2025-11-01/x.csv", 5), ("2025-11-01/y.csv", 0.5), ("2025-11-02/x.csv", 1)],
        0,
        "2025-11-01",
    ),
    ([("old.csv", 5), ("empty/readme.txt", 1)], 0, "old.csv"),  # folder without exports
    ([("a.xlsx", 0.01)], 0.5, None),  # only an unsettled file
    ([], 0, None),
]


@pytest.mark.parametrize(("files", "settle_hours", "expected"), NEWEST_CASES)
def test_newest_entry(
    tmp_path: Path, files: list[tuple[str, float]], settle_hours: float, expected: str | None
) -> None:
    for name, hours_ago in files:
        touch(tmp_path / name, hours_ago)
    for folder in (p for p in tmp_path.rglob("*") if p.is_dir()):
        os.utime(folder, (NOW - 10 * HOUR, NOW - 10 * HOUR))  # a folder's own mtime is not its age
    picked = newest_entry(tmp_path, settle_hours * HOUR, now=NOW)
    assert (picked.name if picked else None) == expected


def test_newest_entry_of_a_missing_folder_is_none(tmp_path: Path) -> None:
    assert newest_entry(tmp_path / "nope", 0) is None


def test_find_newest_exports_names_every_missing_required_source(tmp_path: Path) -> None:
    touch(tmp_path / "poverty" / "p.xlsx", 1)
    folders = {
        "poverty": "poverty",
        "petitions": "petitions",
        "cases": "cases",
        "reviews": "reviews",
    }
    with pytest.raises(MissingExportError) as caught:
        find_newest_exports.fn(tmp_path, folders, ["poverty", "petitions", "cases"], 0)
    assert "petitions" in str(caught.value) and "cases" in str(caught.value)
    assert "reviews" not in str(caught.value)


def test_find_newest_exports_allows_missing_optional_sources(tmp_path: Path) -> None:
    for source in ("poverty", "petitions", "cases"):
        touch(tmp_path / source / f"{source}.csv", 1)
    folders = {s: s for s in ("poverty", "petitions", "cases", "relief_history")}
    picked = find_newest_exports.fn(tmp_path, folders, ["poverty", "petitions", "cases"], 0)
    assert picked["relief_history"] is None
    assert picked["cases"] == tmp_path / "cases" / "cases.csv"


# --- pruning old runs -----------------------------------------------------------------------


def make_runs(out: Path, names: list[str], latest: str | None) -> None:
    for name in names:
        (out / name).mkdir(parents=True)
        (out / name / "manifest.json").write_text("{}")
    if latest:
        (out / "latest").symlink_to(latest, target_is_directory=True)


RUNS = [f"2025110{d}T020000Z-abc12{d}" for d in range(1, 6)]


@pytest.mark.parametrize(
    ("names", "latest", "keep", "left"),
    [
        (RUNS, RUNS[-1], 2, RUNS[-2:]),
        (RUNS, RUNS[-1], 10, RUNS),
        (RUNS, RUNS[0], 1, [RUNS[0], RUNS[-1]]),  # latest is never deleted
        (
            [*RUNS[:3], f"{RUNS[3]}-FAILED", f"{RUNS[4]}-FAILED"],
            RUNS[2],
            1,
            [RUNS[2], f"{RUNS[4]}-FAILED"],
        ),
        # not run folders: an in-progress .partial, anything else someone put there
        (
            [*RUNS[:2], f".{RUNS[4]}.partial", "keep-me", "2025"],
            RUNS[1],
            1,
            [RUNS[1], f".{RUNS[4]}.partial", "keep-me", "2025"],
        ),
    ],
)
def test_prune_old_runs(
    tmp_path: Path, names: list[str], latest: str, keep: int, left: list[str]
) -> None:
    make_runs(tmp_path, names, latest)
    removed = prune_old_runs.fn(tmp_path, keep)
    remaining = sorted(p.name for p in tmp_path.iterdir() if p.name != "latest")
    assert remaining == sorted(left)
    assert sorted(removed) == sorted(set(names) - set(left))
    assert (tmp_path / "latest").resolve().name == latest


# --- no personal data in what Prefect stores --------------------------------------------------

MASK_CASES = [
    ("110101199003071234", "<18 digits masked>"),
    ("id 11010119900307123X in row 4", "id <18 digits masked> in row 4"),
    ("110101900307123", "<15 digits masked>"),
    ("电话13812345678。", "电话<11 digits masked>。"),
    ("１３８１２３４５６７８", "<11 digits masked>"),  # full-width digits
    ("row 12345 of poverty.xlsx", "row 12345 of poverty.xlsx"),  # counts stay readable
    ("run 20251129T013000Z-a1b2c3", "run 20251129T013000Z-a1b2c3"),
]


@pytest.mark.parametrize(("text", "expected"), MASK_CASES)
def test_mask_numbers(text: str, expected: str) -> None:
    assert mask_numbers(text) == expected


def test_bad_input_message_is_masked_before_prefect_sees_it(tmp_path: Path) -> None:
    # A headerless export: the pipeline's error quotes its first row as "headers found".
    rows = "张三,110101199003071234,13812345678\n李四,110101199104082345,13912345678\n"
    bad = tmp_path / "poverty.csv"
    bad.write_text(rows, encoding="utf-8")
    inputs = RunInputs(poverty=bad, petitions=bad, cases=bad)
    with pytest.raises(InputError) as caught:
        run_pipeline.fn(inputs, tmp_path / "runs")
    message = str(caught.value)
    assert "poverty.csv" in message
    assert not re.search(r"\d{11}", message), message
    assert "张三" not in message  # the first row of a headerless file is a person
    # the unmasked original is neither chained nor attached as context (Prefect pickles both)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_only_file_system_errors_are_retried() -> None:
    assert _io_error_only(None, None, Failed(data=OSError("share not mounted")))
    assert not _io_error_only(
        None, None, Failed(data=InputError("poverty: a.xlsx: no header row maps"))
    )
    assert not _io_error_only(None, None, Failed(data=KeyError("bug")))


COUNTS = {
    "rows_read": {"poverty": 4000, "petitions": 600, "cases": 900},
    "rows_accepted": {"poverty": 3990, "petitions": 600, "cases": 880},
    "rows_quarantined": {"poverty": 10, "petitions": 0, "cases": 20},
    "linkage": {"records": 5470, "persons": 3900},
    "leads": 57,
    "leads_by_tier": {"高": 12, "中": 20, "低": 25},
    "leads_new": 3,
    "leads_excluded": 9,
    "referrals": 14,
    "validation": {
        "petitions": {
            "status": "Succeeded",
            "expectations_met": 8,
            "expectations": 8,
            "quarantined_percent": 0.0,
            "quarantine_limit_percent": 30.0,
        },
        "cases": {
            "status": "Failed",
            "expectations_met": 12,
            "expectations": 13,
            "quarantined_percent": 2.22,
            "quarantine_limit_percent": 20.0,
        },
    },
}


def test_count_table_holds_counts_per_source_and_tier() -> None:
    rows = {(r["measure"], r["of"]): r["value"] for r in count_rows(COUNTS)}
    assert rows[("rows read", "poverty")] == 4000
    assert rows[("rows quarantined", "cases")] == 20
    assert rows[("validation", "petitions")] == (
        "Succeeded: 8 of 8 expectations met; 0% quarantined (limit 30%)"
    )
    assert rows[("validation", "cases")] == (
        "Failed: 12 of 13 expectations met; 2.22% quarantined (limit 20%)"
    )
    assert rows[("validation", "poverty")] == "not validated"
    assert rows[("leads", "tier 高")] == 12
    assert rows[("leads new", "all")] == 3
    assert rows[("referrals", "all")] == 14


def test_summary_markdown_holds_no_personal_numbers() -> None:
    summary = RunSummary(
        "20251129T013000Z-a1b2c3",
        "/srv/runs/20251129T013000Z-a1b2c3",
        "0.1.0+abc1234",
        "9" * 64,
        COUNTS,
        {"ingest": 1.2, "link": 3.4},
    )
    text = summary_markdown(summary, "adhoc", count_rows(COUNTS))
    assert "57 leads" in text and "高 12" in text
    assert not PERSONAL_NUMBER.search(text)


# --- parameters and settings ----------------------------------------------------------------


def test_adhoc_parameters_from_the_command_line_become_typed() -> None:
    # `prefect deployment run 'adhoc/adhoc' -p since=2025-01-01 -p county=商南县` sends strings
    given = {"since": "2025-01-01", "until": "2025-06-30", "county": "商南县", "out": "runs"}
    params = adhoc.validate_parameters(given)
    assert params["since"] == date(2025, 1, 1) and params["until"] == date(2025, 6, 30)
    assert params["county"] == "商南县" and params["out"] == Path("runs")


def test_a_bug_is_reported_with_its_location_and_masked_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken_run(*args: object, **kwargs: object) -> None:
        raise ValueError("could not parse '610123198805061234' as i64")

    monkeypatch.setattr("flows.tasks.run", broken_run)
    with pytest.raises(PipelineFailure) as caught:
        run_pipeline.fn(RunInputs.sample(), tmp_path)
    message = str(caught.value)
    assert message.startswith("ValueError at test_flow_tasks.py:")
    assert "in broken_run" in message and "<18 digits masked>" in message
    assert "610123198805061234" not in message


def test_filters_are_passed_to_the_pipeline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    class Result:
        run_id, folder = "r", tmp_path
        manifest: ClassVar[dict[str, object]] = {"counts": {}}

    def fake_run(inputs: RunInputs, out: Path, **kwargs: object) -> Result:
        seen.update(kwargs)
        return Result()

    class FakeFilters(NamedTuple):
        county: str | None
        since: date | None
        until: date | None

    monkeypatch.setattr("flows.tasks.run", fake_run)
    monkeypatch.setattr("flows.tasks.RunFilters", FakeFilters)
    run_pipeline.fn(RunInputs.sample(), tmp_path, county="商南县", since=date(2025, 1, 1))
    assert seen == {"filters": FakeFilters("商南县", date(2025, 1, 1), None)}
    seen.clear()
    run_pipeline.fn(RunInputs.sample(), tmp_path)
    assert seen == {}  # no filters: the pipeline's own default


def test_filters_are_refused_by_a_pipeline_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flows.tasks.RunFilters", None)
    with pytest.raises(ReliefLeadsError, match="RunFilters"):
        run_pipeline.fn(RunInputs.sample(), Path("unused"), county="商南县")


def test_the_artifact_words_validation_as_the_steward_summary_does(sample_run: RunResult) -> None:
    rows = {(r["measure"], r["of"]): r["value"] for r in count_rows(sample_run.manifest["counts"])}
    summary = (sample_run.folder / "validation" / "summary.md").read_text(encoding="utf-8")
    for source, result in sample_run.manifest["counts"]["validation"].items():
        word = rows[("validation", source)].split(":")[0]
        assert word == result["status"] and f"## {source} — {word}" in summary
    assert rows[("validation", "poverty")].startswith("Failed: 14 of 15 expectations met")
