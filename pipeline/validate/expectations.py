"""Great Expectations suites per source (schemas/suites/*.yaml): load, derive, run, render.

The suites are data. Each becomes a GX suite run on a *view* of the source that holds
only derived columns: a "filled" marker per required field, `id_status`, parsed dates
and their status, category values, hashed duplicate keys. No ID number, phone or name
reaches GX, and the result format keeps no unexpected values either, so the Data Docs
cannot show personal data.

GX is imported lazily inside `run_expectation_suites` (the import alone takes ~6 s);
loading suites and building views needs only polars.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.config import SourceSpec
from pipeline.config.suites import DateRule, SuiteSpec
from pipeline.errors import ConfigError
from pipeline.normalise.dates import parse_date
from pipeline.normalise.distinct import per_distinct_value

log = logging.getLogger("relief_leads")
FILLED = "filled"
DATE_STATUSES = ("missing", "ok", "unparseable", "implausible")
# Unexpected values are never listed: the view holds no personal data, and this keeps
# it that way even if someone adds an expectation on another column.
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
_DOCS_SITE = "run"


def date_status(field: str, rule: DateRule) -> pl.Expr:
    """missing / ok / unparseable / implausible for a raw date column.

    Evaluated per distinct value: a date column of millions of rows holds a few dozen.
    """
    parsed = parse_date(field)
    status = (
        pl.when(pl.col(field).is_null())
        .then(pl.lit("missing"))
        .when(parsed.is_null())
        .then(pl.lit("unparseable"))
        .when(parsed.is_between(rule.min, rule.upper()))
        .then(pl.lit("ok"))
        .otherwise(pl.lit("implausible"))
    )
    return per_distinct_value(field, status, pl.String())


def parsed_date(field: str) -> pl.Expr:
    """`parse_date` of a raw date column, evaluated per distinct value."""
    return per_distinct_value(field, parse_date(field), pl.Date())


def duplicate_hash(fields: tuple[str, ...]) -> pl.Expr:
    """A hash of the key fields as a number (null when all are empty)."""
    text = pl.concat_str([pl.col(f).fill_null("") for f in fields], separator="\x1f")
    all_empty = pl.all_horizontal(pl.col(f).is_null() for f in fields)
    return pl.when(~all_empty).then(text.hash(seed=0))


def duplicate_key(fields: tuple[str, ...]) -> pl.Expr:
    """A hash of the key fields (null when all are empty): duplicates without the values."""
    return duplicate_hash(fields).cast(pl.Utf8)


def expectation_view(frame: pl.DataFrame, spec: SourceSpec, suite: SuiteSpec) -> pl.DataFrame:
    """The derived, non-identifying columns GX validates (one row per row read)."""
    # A required field keeps its value only when it is a vocabulary (a category, not personal).
    exprs: list[pl.Expr] = [
        pl.col(f)
        if f in suite.vocabularies
        else pl.when(pl.col(f).is_not_null()).then(pl.lit(FILLED)).alias(f)
        for f in spec.required
    ]
    if "id_status" in frame.columns:
        exprs.append(pl.col("id_status"))
    for field, rule in suite.dates.items():
        exprs += [parsed_date(field), date_status(field, rule).alias(f"{field}_status")]
    exprs += [pl.col(f) for f in suite.vocabularies if f not in spec.required]
    exprs += [duplicate_key(k).alias(f"{name}_key") for name, k in suite.unique.items()]
    return frame.select(exprs)


_Expectation = tuple[str, dict[str, Any]]


def _expectation_configs(
    spec: SourceSpec, suite: SuiteSpec, view: pl.DataFrame
) -> list[_Expectation]:
    """(GX expectation type, kwargs) for a suite, in the order the Data Docs show them."""
    configs: list[_Expectation] = []
    for field in spec.required:
        mostly = 1.0 if field != "id_number" else suite.id_trusted_mostly
        configs.append(
            (
                "expect_column_values_to_not_be_null",
                {"column": field, "mostly": min(mostly, suite.required_mostly)},
            )
        )
    if "id_status" in view.columns:
        configs += _id_status_expectations(suite)
    for field, rule in suite.dates.items():
        configs += _date_expectations(field, rule)
    for field, values in suite.vocabularies.items():
        configs.append(
            (
                "expect_column_values_to_be_in_set",
                {"column": field, "value_set": list(values), "mostly": suite.vocabulary_mostly},
            )
        )
    for name in suite.unique:
        configs.append(("expect_column_values_to_be_unique", {"column": f"{name}_key"}))
    configs += [(e.type, dict(e.kwargs)) for e in suite.expectations]
    return configs


def _id_status_expectations(suite: SuiteSpec) -> list[_Expectation]:
    """Most ID numbers are valid (or missing); none has a shape no ID has."""
    return [
        (
            "expect_column_values_to_be_in_set",
            {
                "column": "id_status",
                "value_set": ["valid", "legacy15", "missing"],
                "mostly": suite.id_trusted_mostly,
            },
        ),
        (
            "expect_column_values_to_not_be_in_set",
            {"column": "id_status", "value_set": ["bad_shape"]},
        ),
    ]


def _date_expectations(field: str, rule: DateRule) -> list[_Expectation]:
    """Most dates of `field` parse, and fall between the rule's bounds."""
    return [
        (
            "expect_column_values_to_be_in_set",
            {"column": f"{field}_status", "value_set": ["missing", "ok"], "mostly": rule.mostly},
        ),
        # Bounds as datetimes on a parsed column: string bounds on dates fail silently in GX.
        (
            "expect_column_values_to_be_between",
            {
                "column": field,
                "min_value": _timestamp(rule.min),
                "max_value": _timestamp(rule.upper()),
                "mostly": rule.mostly,
            },
        ),
    ]


def _timestamp(day: date) -> Any:
    import pandas as pd

    return pd.Timestamp(day)


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's result, with the threshold it was held to (`mostly`: the share of
    values that must meet it; None means all of them)."""

    expectation: str
    column: str
    success: bool
    unexpected_count: int | None
    unexpected_percent: float | None
    mostly: float | None = None

    @property
    def allowed_percent(self) -> float:
        """The most unexpected values the expectation allows, in percent."""
        return round(100 * (1 - self.mostly), 4) if self.mostly is not None else 0.0

    def unexpected_text(self) -> str:
        """`11 (0.3%, allowed ≤ 0.0%)`: the share next to its threshold."""
        if self.unexpected_percent is None:
            return f"— (allowed ≤ {self.allowed_percent:g}%)"
        return (
            f"{self.unexpected_count} ({self.unexpected_percent:.1f}%, "
            f"allowed ≤ {self.allowed_percent:g}%)"
        )

    def describe(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "unexpected_percent": None
            if self.unexpected_percent is None
            else round(self.unexpected_percent, 2),
            "allowed_percent": self.allowed_percent,
        }


@dataclass(frozen=True)
class SuiteOutcome:
    """What GX found for one source, and where its Data Docs page is (relative to validation/)."""

    source: str
    success: bool
    outcomes: tuple[ExpectationOutcome, ...]
    docs_page: str | None

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)


def _quiet_context(docs_dir: Path) -> Any:
    """In-memory GX context; its only Data Docs site is `docs_dir`. No gx/ folder, no analytics."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    site = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    project = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={_DOCS_SITE: site},
    )
    return gx.get_context(mode="ephemeral", project_config=project)


def preload_great_expectations() -> threading.Thread:
    """Import Great Expectations in the background (it takes ~4 s) while ingest runs.

    The later import in run_expectation_suites waits on Python's import lock and then
    finds the module loaded, so the cost overlaps reading and normalising the inputs.
    """

    def load() -> None:
        try:
            import great_expectations
            import great_expectations.expectations  # noqa: F401
        except Exception:  # the real import later reports any problem properly
            log.debug("background import of great_expectations failed", exc_info=True)

    thread = threading.Thread(target=load, name="gx-preload", daemon=True)
    thread.start()
    return thread


def run_expectation_suites(
    views: dict[str, pl.DataFrame],
    sources: dict[str, SourceSpec],
    suites: dict[str, SuiteSpec],
    docs_dir: Path,
) -> dict[str, SuiteOutcome]:
    """Validate each source's view with its suite; build Data Docs into `docs_dir`.

    Args:
        views: `expectation_view` of each source (sources without a suite are skipped).
        docs_dir: inside the run folder; nothing is written anywhere else.
    """
    docs_dir = Path(docs_dir).resolve()  # GX's file store refuses relative paths
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # GX logs its plumbing at INFO; our log carries stages and counts only.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    started = time.perf_counter()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    log.info("great_expectations imported in %.2fs", time.perf_counter() - started)
    started = time.perf_counter()
    try:
        outcomes = _run_suites(gx, gxe, views, sources, suites, docs_dir)
    finally:
        _forget_context()  # after _run_suites returned: its locals hold the views too
    log.info("expectation suites run and Data Docs built in %.2fs", time.perf_counter() - started)
    return outcomes


def _run_suites(
    gx: Any,
    gxe: Any,
    views: dict[str, pl.DataFrame],
    sources: dict[str, SourceSpec],
    suites: dict[str, SuiteSpec],
    docs_dir: Path,
) -> dict[str, SuiteOutcome]:
    context = _quiet_context(docs_dir)
    datasource = context.data_sources.add_pandas("relief_leads")
    definitions = []
    batches: dict[str, Any] = {}
    for source, view in views.items():
        if source not in suites:
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=source))
        for type_name, kwargs in _expectation_configs(sources[source], suites[source], view):
            suite.add_expectation(_expectation(gxe, type_name, kwargs, source))
        asset = datasource.add_dataframe_asset(source)
        batch = asset.add_batch_definition_whole_dataframe(source)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=source, data=batch, suite=suite)
            )
        )
        batches[source] = _gx_frame(view)
    results = {
        d.name: d.run(batch_parameters={"dataframe": batches[d.name]}, result_format=RESULT_FORMAT)
        for d in definitions
    }
    context.build_data_docs(site_names=[_DOCS_SITE])
    return {name: _outcome(name, validation, docs_dir) for name, validation in results.items()}


def _forget_context() -> None:
    """Let go of the context GX keeps as its global project (`get_context` sets it).

    Its batches hold the pandas views (the sampled rows of every source), which would
    otherwise stay in memory until the process ends. The context's objects refer to each
    other, so they are collected now rather than whenever the cycle collector next runs.
    """
    from great_expectations.data_context.data_context.context_factory import set_context

    set_context(None)
    gc.collect()


def _gx_frame(view: pl.DataFrame) -> Any:
    """The view as pandas, dates as datetime64[ns]: GX compares those with the bounds in one
    vectorised step, and dates (datetime64[ms] from polars) one value at a time in Python."""
    return view.with_columns(pl.col(pl.Date).cast(pl.Datetime("ns"))).to_pandas()


def _expectation(gxe: Any, type_name: str, kwargs: dict[str, Any], source: str) -> Any:
    class_name = "".join(part.capitalize() for part in type_name.split("_"))
    expectation_class = getattr(gxe, class_name, None)
    if expectation_class is None:
        raise ConfigError(f"schemas/suites/{source}.yaml: unknown expectation type '{type_name}'")
    return expectation_class(**kwargs)


def _outcome(source: str, validation: Any, docs_dir: Path) -> SuiteOutcome:
    outcomes = []
    for r in validation.results:
        config = r.expectation_config
        result = r.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=str(config.kwargs.get("column", "")),
                success=bool(r.success),
                unexpected_count=result.get("unexpected_count"),
                unexpected_percent=result.get("unexpected_percent"),
                mostly=config.kwargs.get("mostly"),
            )
        )
    pages = sorted((docs_dir / "validations" / source).rglob("*.html"))
    page = str(pages[-1].relative_to(docs_dir.parent)) if pages else None
    return SuiteOutcome(
        source=source, success=bool(validation.success), outcomes=tuple(outcomes), docs_page=page
    )
