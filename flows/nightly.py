"""Flow `nightly`: the newest export of each source from the inbox -> one run -> keep N runs.

Settings (inbox, folders per source, how many runs to keep, cron and time zone) are in
schemas/schedule.yaml; the parameters override them for one run (tests, catch-up runs).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from flows.artifacts import publish_run_artifacts
from flows.schedule import load_nightly_settings
from flows.tasks import (
    RunSummary,
    find_newest_exports,
    prune_old_runs,
    run_pipeline,
)
from pipeline.state import RunInputs


@flow(name="nightly", log_prints=False)
def nightly(
    inbox: Path | None = None, out: Path | None = None, keep_runs: int | None = None
) -> RunSummary:
    """Run on tonight's exports and prune old run folders.

    Args:
        inbox: folder holding one subfolder per source (default: schedule.yaml's `inbox`).
        out: folder of run folders (default: schedule.yaml's `out`).
        keep_runs: complete runs to keep after this one (default: schedule.yaml's `keep_runs`).
    """
    settings = load_nightly_settings()
    inbox = inbox or settings.inbox
    out = out or settings.out
    keep = keep_runs or settings.keep_runs
    picked = find_newest_exports(
        inbox, settings.sources, settings.required, settings.settle_minutes * 60
    )
    inputs = RunInputs(
        poverty=picked["poverty"],  # type: ignore[arg-type]  # required: find_newest_exports checked
        petitions=picked["petitions"],  # type: ignore[arg-type]
        cases=picked["cases"],  # type: ignore[arg-type]
        relief_history=picked.get("relief_history"),
        reviews=picked.get("reviews"),
    )
    summary = run_pipeline(inputs, out)
    publish_run_artifacts(summary, "nightly")
    removed = prune_old_runs(out, keep)
    get_run_logger().info(
        "run %s: %s leads (%s new); kept %d run(s), pruned %d",
        summary.run_id,
        summary.counts.get("leads"),
        summary.counts.get("leads_new"),
        keep,
        len(removed),
    )
    return summary


if __name__ == "__main__":
    nightly()
