"""run(): progress events, expectations sampled above a size, filters counted in the manifest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.config import Config, LinkageSettings
from pipeline.ingest.read import read_source
from pipeline.link.people import LinkResult, link_people
from pipeline.link.records import linkage_records, source_records
from pipeline.normalise.prepare import prepare_source
from pipeline.run import (
    LINK_COLUMNS,
    STAGES,
    RunInputs,
    StageEvent,
    link_sources,
    read_free_text,
    rows_handed_over,
    run,
)
from pipeline.spill import SCORED_COLUMNS
from pipeline.state import Validated, WithFacts
from pipeline.validate.filters import RunFilters
from pipeline.validate.rows import ValidatedSource, validate_rows


def test_progress_events_expectation_sampling_and_filters(tmp_path: Path, config: Config) -> None:
    small_cap = config.model_copy(
        update={"pipeline": config.pipeline.model_copy(update={"expectations_max_rows": 2000})}
    )
    events: list[StageEvent] = []
    result = run(
        RunInputs.sample(),
        out=tmp_path,
        config=small_cap,
        filters=RunFilters(since=date(2025, 1, 1)),
        progress=events.append,
    )
    done = [e.stage for e in events if e.done and e.index]
    assert done == list(STAGES)
    assert all(e.seconds >= 0 and e.elapsed >= 0 for e in events)

    counts = result.manifest["counts"]
    assert counts["expectations_sampled"]["poverty"]["sampled"] == 2000
    assert "fixed sample of 2,000" in (result.folder / "validation" / "summary.md").read_text(
        encoding="utf-8"
    )
    assert result.manifest["filters"] == {"county": None, "since": "2025-01-01", "until": None}
    assert counts["rows_filtered_out"]["cases"] > 0
    assert counts["rows_filtered_out"]["poverty"] == 0


def test_a_relative_output_folder_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `make run` writes to runs/ relative to the checkout; tests elsewhere use absolute paths
    monkeypatch.chdir(tmp_path)
    result = run(RunInputs.sample(), out=Path("runs"))
    assert (tmp_path / "runs" / "latest" / "candidates.csv").is_file()
    assert any((result.folder / "validation" / "data_docs").rglob("*.html"))


def test_a_filtered_run_never_moves_the_nightly_latest_nor_its_new_flags(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    full = run(RunInputs.sample(), out=out)
    adhoc = run(
        RunInputs.sample(), out=out, filters=RunFilters(county="商南县", since=date(2025, 1, 1))
    )
    assert adhoc.folder == out / "adhoc" / adhoc.run_id
    assert adhoc.manifest["run_folder"]["scope"] == "adhoc"
    assert (out / "adhoc" / "latest").resolve() == adhoc.folder.resolve()
    assert (out / "latest").resolve() == full.folder.resolve()
    assert adhoc.candidates.height < full.candidates.height

    # the next full run compares with the last full run, not with the subset
    reviews = out / "latest" / "线索清单.csv"
    nightly = run(replace(RunInputs.sample(), reviews=reviews), out=out)
    assert not nightly.candidates["is_new"].any()
    assert nightly.manifest["reviews"][0]["rows_read"] == full.candidates.height
    assert (out / "latest").resolve() == nightly.folder.resolve()
    assert nightly.manifest["run_folder"] == {
        "scope": "full",
        "folder": nightly.run_id,
        "moves_latest": "latest",
        "new_against": "latest",
        "stale_partials_removed": [],
    }


def _sample_with_facts(config: Config) -> tuple[dict[str, ValidatedSource], WithFacts]:
    checked = {}
    for name, path in RunInputs.sample().by_source().items():
        frame = prepare_source(name, read_source(name, path, config).frame)
        checked[name] = validate_rows(name, frame, config.source(name), config.suites.get(name))
    validated = Validated(checked, {n: v.accepted for n, v in checked.items()})
    return checked, read_free_text(validated, config)


def test_linking_keeps_only_what_scoring_and_writing_read(config: Config, tmp_path: Path) -> None:
    """Free text, raw names, phones and linkage keys are let go once linked; the record
    reference, the facts and every row's person id stay; the spilled parts are removed."""
    checked, with_facts = _sample_with_facts(config)
    assert "summary" not in with_facts.frames["cases"].columns
    linked = link_sources(with_facts, config, link_people, work=tmp_path)
    assert with_facts.frames == {}
    assert list(tmp_path.iterdir()) == []
    for name, frame in linked.frames.items():
        assert frame.height == checked[name].accepted.height
        assert frame["person_id"].null_count() == 0
        assert {"record_key", "excel_row", "birth", *LINK_COLUMNS} <= set(frame.columns)
        assert not {"name", "phone", "phone_norm", "name_pinyin", "text"} & set(frame.columns)
    assert any(c.startswith("fact_") for c in linked.frames["cases"].columns)


def test_the_rows_handed_to_signals_give_the_same_linkage_table_and_frames(
    config: Config,
) -> None:
    """The sources without free text lose the columns nothing after the signals stage
    reads; the text sources are handed over as they are; linking them gives the same
    table, and the validated result keeps no rows."""
    checked, with_facts = _sample_with_facts(config)
    validated = Validated(checked, {n: v.accepted for n, v in checked.items()})
    cases = validated.accepted["cases"]
    rows, released = rows_handed_over(validated)
    assert rows.accepted["cases"] is cases and released.accepted == {}
    assert all(v.accepted.height == 0 for v in released.checked.values())
    assert not {"name", "phone", "flags"} & set(rows.accepted["poverty"].columns)
    handed = read_free_text(rows, config)
    assert_frame_equal(
        linkage_records(handed.frames, config.vocabulary),
        linkage_records(with_facts.frames, config.vocabulary),
    )
    slim = {n: f.select(c for c in f.columns if c in SCORED_COLUMNS or c.startswith("fact_"))
            for n, f in with_facts.frames.items()}  # fmt: skip
    for name, frame in handed.frames.items():
        kept = [c for c in frame.columns if c in SCORED_COLUMNS or c.startswith("fact_")]
        assert_frame_equal(frame.select(kept), slim[name])


def test_the_linker_reads_the_same_table_built_a_source_at_a_time(config: Config) -> None:
    """The linkage table written and read back a source at a time is linkage_records'
    table, row for row, and the frames come back in their order with their columns."""
    _, with_facts = _sample_with_facts(config)
    expected = linkage_records(with_facts.frames, config.vocabulary)
    slim = {n: f.select(c for c in f.columns if c in SCORED_COLUMNS or c.startswith("fact_"))
            for n, f in with_facts.frames.items()}  # fmt: skip
    seen: list[pl.DataFrame] = []

    def recording_link(records: pl.DataFrame, settings: LinkageSettings) -> LinkResult:
        seen.append(records)
        return link_people(records, settings)

    linked = link_sources(with_facts, config, recording_link)
    assert_frame_equal(seen[0], expected)
    for name, frame in linked.frames.items():
        assert_frame_equal(frame.drop(LINK_COLUMNS, strict=False), slim[name])


def test_the_monitoring_rows_part_built_in_slices_of_households_is_the_same_table(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The monitoring rows' part of the linkage table built a slice of whole households at
    a time (700 rows: the sample's in several slices) and put back in order gives the
    linker the same table, and the run the same frames, as built at once."""
    checked, _ = _sample_with_facts(config)
    assert checked["poverty"].accepted.height > 1_400

    def linked() -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
        rows, _ = rows_handed_over(Validated(checked, {n: v.accepted for n, v in checked.items()}))
        seen: list[pl.DataFrame] = []

        def recording_link(records: pl.DataFrame, settings: LinkageSettings) -> LinkResult:
            seen.append(records)
            return link_people(records, settings)

        frames = link_sources(read_free_text(rows, config), config, recording_link).frames
        return seen[0], frames

    table_whole, whole = linked()
    monkeypatch.setattr("pipeline.spill.RECORD_SLICE_ROWS", 700)
    built = source_records
    slices: list[int] = []

    def counted(source: str, frame: pl.DataFrame, *args: Any) -> pl.DataFrame:
        slices.extend([frame.height] if source == "poverty" else [])
        return built(source, frame, *args)

    monkeypatch.setattr("pipeline.spill.source_records", counted)
    table_sliced, sliced = linked()
    assert len(slices) == -(-sum(slices) // 700) > 1
    assert_frame_equal(table_sliced, table_whole)
    assert list(sliced) == list(whole)
    for name, frame in whole.items():
        assert_frame_equal(sliced[name], frame)
