"""Great Expectations suites: loaded from schemas/suites/, run on derived columns only,
Data Docs built inside the run folder and free of ID numbers and phones."""

from __future__ import annotations

import shutil
import weakref
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from pipeline.config import Config, load_config
from pipeline.errors import ConfigError
from pipeline.ingest.read import read_source
from pipeline.normalise.prepare import prepare_source
from pipeline.validate.expectations import expectation_view, run_expectation_suites
from tests.conftest import write_csv
from tests.validate.test_rows import CASE_HEADER, CASE_ROWS, FULL_ID, FULL_PHONE, GOOD


@pytest.fixture(scope="module")
def prepared_cases(tmp_path_factory: pytest.TempPathFactory, config: Config) -> pl.DataFrame:
    rows = [
        row
        for row, rule, _ in CASE_ROWS
        if rule not in ("blank_row", "repeated_header", "total_row")
    ]
    path = write_csv(tmp_path_factory.mktemp("gx") / "cases.csv", [CASE_HEADER, *rows])
    return prepare_source("cases", read_source("cases", path, config).frame)


def test_shipped_suites_load_and_cover_the_main_sources(config: Config) -> None:
    suites = config.suites
    assert {"poverty", "petitions", "cases"} <= set(suites)
    assert "被害人" in suites["cases"].vocabularies["role"]
    assert suites["poverty"].unique["person_no"] == ("person_no",)


def test_suite_problems_are_reported_together(tmp_path: Path, config: Config) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(config.root, schemas)
    (schemas / "suites" / "cases.yaml").write_text(
        yaml.safe_dump({"vocabularies": {"colour": ["红"]}}), encoding="utf-8"
    )
    (schemas / "suites" / "nosuch.yaml").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(schemas)
    assert "unknown field 'colour'" in str(error.value) and "no source 'nosuch'" in str(error.value)


def test_view_holds_only_derived_columns(prepared_cases: pl.DataFrame, config: Config) -> None:
    suite = config.suites["cases"]
    view = expectation_view(prepared_cases, config.source("cases"), suite)
    assert view.height == prepared_cases.height
    assert view["name"].drop_nulls().unique().to_list() == ["filled"]
    assert view.schema["accepted"] == pl.Date
    assert set(view["accepted_status"]) == {"ok", "unparseable", "implausible"}
    text = view.cast(pl.Utf8).write_csv()
    assert GOOD not in text and "13912345678" not in text and "张三" not in text


def test_suites_run_and_data_docs_stay_in_the_run_folder(
    prepared_cases: pl.DataFrame, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suites = config.suites
    view = expectation_view(prepared_cases, config.source("cases"), suites["cases"])
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    docs = tmp_path / "run" / "validation" / "data_docs"
    outcome = run_expectation_suites({"cases": view}, config.sources, suites, docs)["cases"]

    failed = {(o.expectation, o.column) for o in outcome.failed}
    assert ("expect_column_values_to_not_be_null", "name") in failed
    assert ("expect_column_values_to_be_in_set", "role") in failed
    assert ("expect_column_values_to_not_be_in_set", "id_status") in failed  # bad shape
    # parsed dates against date bounds: the 2091 date is caught (string bounds would pass silently)
    between = next(
        o
        for o in outcome.outcomes
        if o.expectation == "expect_column_values_to_be_between" and o.column == "accepted"
    )
    assert not between.success and between.unexpected_count == 1
    assert not outcome.success

    assert outcome.docs_page and (docs.parent / outcome.docs_page).is_file()
    assert (docs / "index.html").is_file()
    assert list(work.iterdir()) == []  # no gx/ folder or anything else outside the run folder
    html = "".join(p.read_text(encoding="utf-8") for p in docs.rglob("*.html"))
    assert not FULL_ID.search(html) and not FULL_PHONE.search(html)
    assert "张三" not in html and "受害者" not in html  # no unexpected values listed at all


def test_the_pandas_view_is_not_kept_once_the_suites_ran(
    prepared_cases: pl.DataFrame, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GX keeps its last context as a global project, and the context's batches hold the
    pandas view (every sampled row as Python strings): the view must not outlive the run."""
    import pipeline.validate.expectations as expectations

    suites = config.suites
    view = expectation_view(prepared_cases, config.source("cases"), suites["cases"])
    handed: list[weakref.ref[Any]] = []

    def gx_frame(v: pl.DataFrame) -> Any:
        frame = v.to_pandas()
        handed.append(weakref.ref(frame))
        return frame

    monkeypatch.setattr(expectations, "_gx_frame", gx_frame)
    outcome = run_expectation_suites({"cases": view}, config.sources, suites, tmp_path / "d")
    assert outcome["cases"].outcomes  # the suite ran
    assert handed and all(ref() is None for ref in handed)


def test_today_bound_moves_with_the_date(config: Config) -> None:
    rule = config.suites["cases"].dates["accepted"]
    assert rule.upper() == date.today()


def test_dates_handed_to_gx_as_nanoseconds_give_the_per_value_outcomes(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GX compares datetime64[ns] with the bounds vectorised; the outcomes are those of its
    per-value comparison of the dates polars hands over, bounds and nulls included."""
    import pipeline.validate.expectations as expectations

    spec, suite = config.source("cases"), config.suites["cases"]
    today = date.today().isoformat()
    days = ["2024-03-05", "1900-01-01", "1890-01-01", "2099-01-01", today, None, "bad"]
    days += ["1989-12-31", "1990-01-01"]
    fields = {*spec.required, *suite.vocabularies, *(f for k in suite.unique.values() for f in k)}
    frame = pl.DataFrame({f: days for f in suite.dates}).with_columns(
        pl.lit(None, dtype=pl.Utf8).alias(f) for f in fields if f not in suite.dates
    )
    view = expectation_view(frame, spec, suite)

    def outcomes(docs: str) -> list[tuple[str, str, bool, int | None]]:
        found = run_expectation_suites(
            {"cases": view}, {"cases": spec}, {"cases": suite}, tmp_path / docs
        )
        return [
            (o.expectation, o.column, o.success, o.unexpected_count)
            for o in found["cases"].outcomes
        ]

    vectorised = outcomes("ns")
    monkeypatch.setattr(expectations, "_gx_frame", lambda v: v.to_pandas())
    assert vectorised == outcomes("per_value")
    assert any(o[0].endswith("between") and o[3] for o in vectorised)
