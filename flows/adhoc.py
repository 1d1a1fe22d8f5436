"""Flow `adhoc`: one run on given exports, as `relief-leads run` does, plus analysts' filters.

Trigger it from Python (`adhoc(out=Path("runs"))`, no server needed), or on a served
deployment: `prefect deployment run 'adhoc/adhoc' -p county=商南县 -p since=2025-01-01`.
Parameters are stored in Prefect's database: they are paths and filters, never data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger

from flows.artifacts import publish_run_artifacts
from flows.tasks import RunSummary, run_pipeline
from pipeline.state import RunInputs


@flow(name="adhoc", log_prints=False)
def adhoc(
    poverty: Path | None = None,
    petitions: Path | None = None,
    cases: Path | None = None,
    relief_history: Path | None = None,
    reviews: Path | None = None,
    out: Path = Path("runs"),
    county: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> RunSummary:
    """Run the pipeline once and publish its counts.

    Args:
        poverty, petitions, cases: an export file or a folder of them. Give all three, or
            none to run on sample_data/ (then relief_history defaults to the sample's too).
        relief_history: judicial relief already granted (optional).
        reviews: an earlier 线索清单.csv with 审核结论 filled in, to carry decisions over.
        out: folder of run folders; the run writes `<out>/<run_id>/` and moves `<out>/latest`,
            or, with any filter, `<out>/adhoc/<run_id>/` and `<out>/adhoc/latest` only (the
            nightly `latest` and its 新增 flags never move for a filtered run).
        county: keep only this county's rows (as written in the exports, e.g. 商南县).
        since, until: keep only cases and petitions dated in this window (inclusive).
    """
    inputs = RunInputs.resolve(poverty, petitions, cases, relief_history, reviews)
    summary = run_pipeline(inputs, out, county=county, since=since, until=until)
    publish_run_artifacts(summary, "adhoc")
    get_run_logger().info(
        "run %s: %s leads, written to %s",
        summary.run_id,
        summary.counts.get("leads"),
        summary.folder,
    )
    return summary


if __name__ == "__main__":
    adhoc()
