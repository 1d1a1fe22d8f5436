"""The driver's half of validation: the steps that need a whole source.

Workers have read, normalised and row-checked every file (partitioned/files.py). The
driver adds the duplicate flags, counts per file, runs Great Expectations on the derived
views (at most `expectations_max_rows` per source, the same fixed sample as a single
run), writes the steward's summary and page, stops on a broken export, and applies the
analysts' filters — as `validate_sources` in run.py does for one process.
"""

from __future__ import annotations

import polars as pl

from pipeline.config import Config
from pipeline.ingest.read import FileReport
from pipeline.outputs.folder import RunFolder
from pipeline.outputs.validation_page import validation_page
from pipeline.partitioned.files import CheckedFile, checked_source, source_reports, source_view
from pipeline.run import check_quarantine_limits
from pipeline.state import Validated
from pipeline.validate.expectations import run_expectation_suites
from pipeline.validate.filters import RunFilters, apply_filters
from pipeline.validate.report import steward_summary
from pipeline.validate.results import validation_results
from pipeline.validate.rows import (
    ValidatedSource,
    count_per_file,
    quarantine_limit_breaches,
)


def validate_checked_files(
    checked: list[CheckedFile],
    sources: list[str],
    config: Config,
    folder: RunFolder,
    filters: RunFilters | None,
) -> tuple[dict[str, list[FileReport]], Validated]:
    """(file reports per source, the validated sources) from the workers' files."""
    reports = {name: source_reports(checked, name) for name in sources}
    validated: dict[str, ValidatedSource] = {}
    views: dict[str, pl.DataFrame] = {}
    sampled: dict[str, dict[str, int]] = {}
    for name in sources:
        validated[name] = checked_source(checked, name, config)
        count_per_file(reports[name], validated[name])
        view = source_view(checked, name)
        if view is not None:
            views[name] = _sampled_view(view, config, name, sampled)
    expectations = run_expectation_suites(
        views,
        config.sources,
        config.suites,
        (folder.path / "validation" / "data_docs").resolve(),
    )
    breaches = quarantine_limit_breaches(config, reports, validated)
    results = validation_results(reports, validated, expectations, config, sampled)
    folder.write_text("validation/summary.md", steward_summary(results, breaches))
    folder.write_text("validation/report.html", validation_page(results, breaches, folder.run_id))
    check_quarantine_limits(breaches, folder)
    accepted = {name: apply_filters(name, v.accepted, filters) for name, v in validated.items()}
    filtered_out = {
        name: validated[name].accepted.height - f.height for name, f in accepted.items()
    }
    return reports, Validated(validated, accepted, filters, filtered_out, sampled, results)


def _sampled_view(
    view: pl.DataFrame, config: Config, name: str, sampled: dict[str, dict[str, int]]
) -> pl.DataFrame:
    """The rows GX checks: above the cap, the fixed sample a single run takes (same seed,
    same row positions: the views are in the single run's row order)."""
    cap = config.pipeline.expectations_max_rows
    if view.height > cap:
        sampled[name] = {"rows": view.height, "sampled": cap}
        return view.sample(n=cap, seed=0)
    return view
