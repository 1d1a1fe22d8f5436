"""The run folder: interrupted runs' partial folders removed at the next start (never a
running one's), ad-hoc runs in their own folder, `latest` moved only by a finished run."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from pipeline.outputs.folder import RunFolder, remove_stale_partials

RUN_A = "20251201T010203Z-aaaaaa"
RUN_B = "20251202T010203Z-bbbbbb"


def hold_lock(path: Path) -> int:
    """Hold a run's lock as a running run would (flock on its own open file)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def test_a_stale_partial_folder_is_removed_and_a_running_one_kept(tmp_path: Path) -> None:
    stale = tmp_path / f".{RUN_A}.partial"
    (stale / "validation").mkdir(parents=True)
    (stale / "线索清单.csv").write_text("half", encoding="utf-8")
    (tmp_path / f".latest.{RUN_A}").symlink_to(RUN_A)  # a swap link left by a crash
    running = tmp_path / f".{RUN_B}.partial"
    running.mkdir()
    fd = hold_lock(tmp_path / f".{RUN_B}.lock")
    try:
        removed = remove_stale_partials(tmp_path)
    finally:
        os.close(fd)
    assert sorted(removed) == sorted([stale.name, f".latest.{RUN_A}"])
    assert not stale.exists() and not (tmp_path / f".latest.{RUN_A}").is_symlink()
    assert running.is_dir()
    assert not (tmp_path / f".{RUN_A}.lock").exists()
    # once its run is gone, the next start removes it too
    assert remove_stale_partials(tmp_path) == [running.name]


def test_a_new_run_clears_stale_partials_and_leaves_nothing_hidden(tmp_path: Path) -> None:
    (tmp_path / f".{RUN_A}.partial").mkdir()
    folder = RunFolder(tmp_path, RUN_B)
    assert folder.stale_removed == [f".{RUN_A}.partial"]
    assert folder.describe()["stale_partials_removed"] == [f".{RUN_A}.partial"]
    # while writing, its own partial folder is locked against other runs' clean-up
    assert remove_stale_partials(tmp_path) == []
    final = folder.commit()
    assert final == tmp_path / RUN_B and (tmp_path / "latest").resolve() == final.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([RUN_B, "latest"])


def test_a_failed_or_discarded_run_frees_its_lock(tmp_path: Path) -> None:
    failed = RunFolder(tmp_path, RUN_A).fail()
    assert failed.name == f"{RUN_A}-FAILED" and not (tmp_path / "latest").exists()
    discarded = RunFolder(tmp_path, RUN_B)
    discarded.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{RUN_A}-FAILED"]


def test_an_adhoc_run_writes_into_its_folder_and_moves_only_its_latest(tmp_path: Path) -> None:
    full = RunFolder(tmp_path, RUN_A)
    full.commit()
    (tmp_path / ".20251130T000000Z-cccccc.partial").mkdir()  # a full run interrupted
    adhoc = RunFolder(tmp_path, RUN_B, adhoc_folder="adhoc")
    assert adhoc.describe() == {
        "scope": "adhoc",
        "folder": f"adhoc/{RUN_B}",
        "moves_latest": "adhoc/latest",
        "new_against": "latest",
        "stale_partials_removed": [".20251130T000000Z-cccccc.partial"],
    }
    adhoc.commit()
    assert (tmp_path / "latest").resolve().name == RUN_A
    assert (tmp_path / "adhoc" / "latest").resolve() == (tmp_path / "adhoc" / RUN_B).resolve()


def test_the_adhoc_folder_is_a_plain_name(config: object) -> None:
    from pydantic import ValidationError

    from pipeline.config import PipelineSettings

    for bad in ("../elsewhere", "a/b", ".hidden", ""):
        with pytest.raises(ValidationError):
            PipelineSettings(adhoc_folder=bad)
