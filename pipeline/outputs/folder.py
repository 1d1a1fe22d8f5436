"""Where a run writes, what it compares with, and writing it so nothing half-done looks complete.

A full run (nightly, or `relief-leads run` without filters) writes `<out>/<run_id>/` and
moves `<out>/latest`. An analyst's filtered run (a county, a date window) writes
`<out>/<adhoc folder>/<run_id>/` and moves only `<out>/<adhoc folder>/latest`: the nightly
`latest`, which the next nightly compares with for its 新增 flags and which reviewers open,
never shows a subset. Both kinds mark leads new against the last full run.

Files go to a hidden `.<run_id>.partial/` folder renamed into place at the end. The run
holds an advisory lock on `.<run_id>.lock` while it writes, so the next run to start can
tell an interrupted run's partial folder (lock free) from one being written (lock held),
and removes the former.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.outputs.spreadsheet import write_people_csv, write_tool_csv, write_tool_csv_parts

log = logging.getLogger("relief_leads")
LATEST = "latest"
_PARTIAL = ".partial"
_LOCK = ".lock"


def _try_lock(path: Path) -> int | None:
    """An exclusive advisory lock on `path` (created if missing), or None when another
    process holds it. The lock goes with the process: a killed run frees it."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _release(fd: int, path: Path) -> None:
    path.unlink(missing_ok=True)
    os.close(fd)


def remove_stale_partials(home: Path) -> list[str]:
    """Remove the partial folders (and `latest` swap links) of runs that are no longer running.

    Returns the names removed. A partial folder whose run still holds its lock is left alone.
    """
    removed: list[str] = []
    if not home.is_dir():
        return removed
    leftovers = [p for p in home.glob(f".*{_PARTIAL}") if p.is_dir()]
    leftovers += [p for p in home.glob(f".{LATEST}.*") if p.is_symlink()]
    for leftover in sorted(leftovers):
        name = leftover.name.removesuffix(_PARTIAL).removeprefix(f".{LATEST}.").lstrip(".")
        lock = home / f".{name}{_LOCK}"
        fd = _try_lock(lock)
        if fd is None:
            continue  # that run is still writing
        try:
            if leftover.is_symlink():
                leftover.unlink(missing_ok=True)
            else:
                shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover.name)
        finally:
            _release(fd, lock)
    if removed:
        log.info("removed %d stale partial folder(s) of interrupted runs in %s", len(removed), home)
    return removed


class RunFolder:
    """A run folder being written: files go to `<home>/.<run_id>.partial/` until commit().

    Args:
        out: the folder of run folders (`runs/`).
        adhoc_folder: for a filtered ad-hoc run, the subfolder of `out` it writes into;
            None for a full run.
    """

    def __init__(self, out: Path, run_id: str, adhoc_folder: str | None = None) -> None:
        self.out = out
        self.run_id = run_id
        self.scope = "full" if adhoc_folder is None else "adhoc"
        self.home = out if adhoc_folder is None else out / adhoc_folder
        self.final = self.home / run_id
        self.path = self.home / f".{run_id}{_PARTIAL}"
        self.home.mkdir(parents=True, exist_ok=True)
        # an ad-hoc run clears the full runs' folder too: whichever run starts next cleans up
        homes = dict.fromkeys((self.out, self.home))
        self.stale_removed = [name for home in homes for name in remove_stale_partials(home)]
        self._lock_path = self.home / f".{run_id}{_LOCK}"
        fd = _try_lock(self._lock_path)
        if fd is None:  # a run id is a timestamp and a random suffix: never taken twice
            raise FileExistsError(f"{self._lock_path} is held by another run")
        self._lock: int | None = fd
        self.path.mkdir()

    @property
    def baseline(self) -> Path:
        """The last full run, which marks leads new (`<out>/latest`), for either scope."""
        return self.out / LATEST

    @property
    def latest(self) -> Path:
        """The `latest` link this run moves: `<out>/latest`, or the ad-hoc folder's own."""
        return self.home / LATEST

    def describe(self) -> dict[str, Any]:
        """For the manifest: the run's scope, where it went and what it compared with."""
        return {
            "scope": self.scope,
            "folder": str(self.final.relative_to(self.out)),
            "moves_latest": str(self.latest.relative_to(self.out)),
            "new_against": str(self.baseline.relative_to(self.out)),
            "stale_partials_removed": self.stale_removed,
        }

    def write_for_people(self, name: str, frame: pl.DataFrame) -> Path:
        """A CSV people open in Excel or WPS: BOM, formula-safe (outputs/spreadsheet.py)."""
        return write_people_csv(frame, self._target(name))

    def write_for_tools(self, name: str, frame: pl.DataFrame) -> Path:
        """A CSV tools read: the values as they are."""
        return write_tool_csv(frame, self._target(name))

    def write_parts_for_tools(self, name: str, parts: Iterable[pl.DataFrame]) -> Path:
        """A CSV tools read, written part by part (the header once): the same file as
        `write_for_tools` of the parts concatenated, without holding them all."""
        return write_tool_csv_parts(parts, self._target(name))

    def write_text(self, name: str, text: str) -> Path:
        target = self._target(name)
        target.write_text(text, encoding="utf-8")
        return target

    def write_json(self, name: str, data: dict[str, Any]) -> Path:
        return self.write_text(
            name, json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
        )

    def _target(self, name: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def commit(self) -> Path:
        """Move the folder into place, then point `latest` at it (atomic replace of a symlink)."""
        os.replace(self.path, self.final)
        tmp = self.home / f".{LATEST}.{self.run_id}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(self.run_id, target_is_directory=True)
        os.replace(tmp, self.latest)
        self._unlock()
        return self.final

    def fail(self) -> Path:
        """Keep what was written as `<run_id>-FAILED` (never complete-looking; `latest` stays)."""
        failed = self.home / f"{self.run_id}-FAILED"
        self.path.rename(failed)
        self._unlock()
        return failed

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            _release(self._lock, self._lock_path)
            self._lock = None
