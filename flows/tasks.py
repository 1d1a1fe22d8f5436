"""Prefect tasks: each wraps one pipeline call or one file operation, and passes paths and counts.

What Prefect keeps, and why these tasks are shaped as they are:

- Flow parameters, task-run state messages (exception text), logs and artifacts are stored in
  Prefect's database, and a failed task's exception is also pickled into
  `<PREFECT_HOME>/storage` even with `persist_result=False` (measured on 3.9.1). They carry
  paths, filters and counts only: the pipeline's data stays in the run folder, and exception
  messages are masked before Prefect sees them.
- Every task sets `cache_policy=NO_CACHE` and `persist_result=False` on purpose. Any cache
  policy switches on result persistence, which pickles return values unencrypted into
  `<PREFECT_HOME>/storage`. The pipeline's inputs are personal data; a cached run would also
  skip the work whose point is to see tonight's exports. A run takes seconds, so caching
  would buy nothing worth that risk.
- Retries only where a retry can help: file-system IO (a share that blips, a copy still
  landing). Bad input (`ReliefLeadsError`) is never retried: the same file fails again.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
import traceback
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError

from pipeline.errors import ReliefLeadsError
from pipeline.ingest.read import READABLE_SUFFIXES
from pipeline.run import RunInputs, run

try:  # filters arrive with issue 6 in pipeline/; refuse them (never ignore them) before that
    from pipeline.run import RunFilters
except ImportError:  # pragma: no cover - depends on the pipeline version installed
    RunFilters = None  # type: ignore[assignment,misc]

# What the nightly inbox takes for an export: what the reader reads but .txt, which in an
# inbox is as often a note (readme.txt) as Excel's "Unicode text" export; such an export
# can still be given to `relief-leads run` (NEWEST_CASES in tests/flows/test_flow_tasks.py).
INBOX_SUFFIXES = frozenset(READABLE_SUFFIXES) - {".txt"}
RUN_FOLDER = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
FAILED_RUN_FOLDER = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}-FAILED$")
# Digit runs long enough to be an ID number (15/18, with X), a phone or a bank account.
_LONG_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")


class MissingExportError(ReliefLeadsError):
    """A required source has no usable export in the inbox."""


class PipelineFailure(RuntimeError):
    """An unexpected error in the pipeline, its message masked before Prefect stores it."""


def mask_numbers(text: str) -> str:
    """Mask every long digit run (ID numbers, phones): exception text is stored by Prefect."""
    return _LONG_NUMBER.sub(lambda m: f"<{len(m.group())} digits masked>", text)


def mask_error(text: str) -> str:
    """An error message fit for Prefect's database: long numbers masked, and when no header
    row mapped, the "headers found" (then the file's first row: names of people) left out."""
    if "header row" in text and "maps" in text and "headers found:" in text:
        text = text.split("headers found:")[0] + "first row not shown (it may be data)"
    return mask_numbers(text)


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger (shipped to Prefect's API), or a plain one under `task.fn()`."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("relief_leads.flows")


def _innermost_frame(exc: BaseException) -> str:
    """Where a bug was raised (code location only), since its traceback is not chained."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown location"
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} in {last.name}"


def _io_error_only(task: Any, task_run: Any, state: Any) -> bool:
    """Retry condition: retry file-system errors, never bad input or bugs."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@dataclass(frozen=True)
class RunSummary:
    """What a flow needs to know about a finished run: ids, paths and counts, no personal data."""

    run_id: str
    folder: str
    code_version: str
    config_hash: str
    counts: dict[str, Any]
    timings_seconds: dict[str, float]


@task(
    name="find-newest-exports",
    retries=2,
    retry_delay_seconds=30,
    retry_condition_fn=_io_error_only,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def find_newest_exports(
    inbox: Path, folders: dict[str, str], required: list[str], settle_seconds: float
) -> dict[str, Path | None]:
    """Pick each source's newest export (a file or a dated folder) from `<inbox>/<folder>/`."""
    logger = _logger()
    picked: dict[str, Path | None] = {}
    missing = []
    for source, folder in folders.items():
        newest = newest_entry(Path(inbox) / folder, settle_seconds)
        picked[source] = newest
        if newest is None and source in required:
            missing.append(f"{source}: nothing readable in {Path(inbox) / folder}")
        logger.info("%s: %s", source, newest.name if newest else "no export")
    if missing:
        raise MissingExportError("no export for required source(s): " + "; ".join(missing))
    return picked


def newest_entry(folder: Path, settle_seconds: float, now: float | None = None) -> Path | None:
    """The most recently modified readable file or non-empty subfolder, or None.

    A subfolder counts by its newest file (not its own mtime, which copying resets), so a
    dated folder filled over time is judged by its last arrival. Entries modified within
    `settle_seconds` may still be being copied in and are skipped; hidden files and Excel's
    `~$` lock files are never exports.
    """
    if not folder.is_dir():
        return None
    now = time.time() if now is None else now
    candidates = []
    for entry in folder.iterdir():
        if entry.name.startswith((".", "~$")):
            continue
        if entry.is_dir():
            files = [f for f in entry.rglob("*") if _is_export(f)]
            if not files:
                continue
            modified = max(f.stat().st_mtime for f in files)
        elif _is_export(entry):
            modified = entry.stat().st_mtime
        else:
            continue
        if now - modified >= settle_seconds:
            candidates.append((modified, entry.name, entry))
    return max(candidates)[2] if candidates else None


def _is_export(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix.lower() in INBOX_SUFFIXES
        and not path.name.startswith((".", "~$"))
    )


@task(
    name="run-pipeline",
    retries=1,
    retry_delay_seconds=30,
    retry_condition_fn=_io_error_only,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def run_pipeline(
    inputs: RunInputs,
    out: Path,
    county: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> RunSummary:
    """Run every stage (`pipeline.run.run`) and return the run folder's path and counts."""
    kwargs: dict[str, Any] = {}
    if county is not None or since is not None or until is not None:
        if RunFilters is None:
            raise ReliefLeadsError(
                "county/since/until filters need a pipeline with pipeline.run.RunFilters; "
                "this installed version has none, so the run was not started"
            )
        kwargs["filters"] = RunFilters(county=county, since=since, until=until)
    # The masked error is raised after the `except` block: raised inside it, Python would
    # attach the original exception as __context__ (even with `from None`), and Prefect
    # pickles that chain, unmasked, into its result storage.
    masked: Exception | None = None
    try:
        result = run(inputs, out=Path(out), **kwargs)
    except OSError:
        raise  # paths only; retried
    except Exception as exc:
        masked = masked_error(exc)
    if masked is not None:
        raise masked
    return run_summary(result)


def masked_error(exc: Exception) -> Exception:
    """What Prefect may keep of an error: bad input keeps its type (callers and the retry
    condition still see it); a bug keeps its type name and where it happened. A polars
    error quotes cell values, so the text is masked either way."""
    if isinstance(exc, ReliefLeadsError):
        return type(exc)(mask_error(str(exc)))
    return PipelineFailure(
        f"{type(exc).__name__} at {_innermost_frame(exc)}: {mask_error(str(exc))}"
    )


def run_summary(result: Any) -> RunSummary:
    """The run folder's path, versions, counts and timings (a RunResult's manifest)."""
    manifest = result.manifest
    return RunSummary(
        run_id=result.run_id,
        folder=str(result.folder),
        code_version=str(manifest.get("code_version", "")),
        config_hash=str(manifest.get("config_hash", "")),
        counts=manifest["counts"],
        timings_seconds=dict(manifest.get("timings_seconds", {})),
    )


@task(
    name="prune-old-runs",
    retries=2,
    retry_delay_seconds=10,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def prune_old_runs(out: Path, keep: int) -> list[str]:
    """Delete all but the newest `keep` complete run folders (and as many failed ones).

    Only folders named like run ids are touched; the target of `latest` is always kept, and
    `.partial` folders of runs in progress are never seen as runs.
    """
    out = Path(out)
    latest = (out / "latest").resolve() if (out / "latest").exists() else None
    removed = []
    for pattern in (RUN_FOLDER, FAILED_RUN_FOLDER):
        # run ids start with a UTC timestamp, so names sort by age
        folders = sorted(
            p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and pattern.match(p.name)
        )
        for folder in folders[: max(len(folders) - keep, 0)]:
            if latest is not None and folder.resolve() == latest:
                continue
            shutil.rmtree(folder)
            removed.append(folder.name)
    if removed:
        _logger().info("pruned %d old run folder(s) from %s", len(removed), out)
    return removed
