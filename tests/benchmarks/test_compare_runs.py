"""The run-folder comparison used to check that a restructuring changes no result."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.compare_runs import differences, main
from pipeline.run import run
from pipeline.state import RunInputs, RunResult


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult]:
    first = run(RunInputs.sample(), out=tmp_path_factory.mktemp("a"))
    second = run(RunInputs.sample(), out=tmp_path_factory.mktemp("b"))
    return first, second


def test_two_runs_of_the_same_inputs_hold_the_same_results(
    two_runs: tuple[RunResult, RunResult],
) -> None:
    first, second = two_runs
    assert first.run_id != second.run_id
    assert differences(first.folder, second.folder) == []
    assert main([str(first.folder), str(second.folder)]) == 0


def test_a_changed_cell_or_a_missing_file_is_reported(
    two_runs: tuple[RunResult, RunResult], tmp_path: Path
) -> None:
    import shutil

    first, second = two_runs
    copy = tmp_path / "copy"
    shutil.copytree(second.folder, copy)
    text = (copy / "candidates.csv").read_text(encoding="utf-8").replace("高", "中", 1)
    (copy / "candidates.csv").write_text(text, encoding="utf-8")
    (copy / "referrals.csv").unlink()
    found = differences(first.folder, copy)
    assert "candidates.csv: rows differ" in found
    assert "referrals.csv: only in the first" in found
    assert main([str(first.folder), str(copy)]) == 1


def test_a_missing_or_empty_folder_is_no_identical_run(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main([str(tmp_path / "absent"), str(tmp_path / "absent2")]) == 2
    assert main([str(tmp_path / "empty"), str(tmp_path / "empty")]) == 2
