"""Parts of a province give what the whole does: duplicate flags across files, facts from
text slices (rows sharing a case summary stay together), leads scored in slices."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Config
from pipeline.ingest.read import read_source
from pipeline.normalise.prepare import prepare_source
from pipeline.partitioned.files import _without_unique, with_duplicate_flags
from pipeline.partitioned.signals import facts_in_slices
from pipeline.run import read_free_text
from pipeline.state import SAMPLE_DIR, Validated
from pipeline.validate.rows import validate_rows


def _prepared(name: str, path: Path, config: Config) -> pl.DataFrame:
    return prepare_source(name, read_source(name, path, config).frame)


def test_duplicates_across_files_are_flagged_as_in_one_source(config: Config) -> None:
    frame = _prepared("poverty", SAMPLE_DIR / "poverty.xlsx", config)
    # a second "file" repeating 30 rows of the first: duplicates only across the two
    second = frame.head(30).with_columns(pl.lit("second.csv").alias("file"))
    whole = pl.concat([frame, second])
    suite, spec = config.suites["poverty"], config.source("poverty")
    assert suite.unique, "the poverty suite checks duplicate keys"
    expected = validate_rows("poverty", whole, spec, suite).accepted
    parts = [
        validate_rows("poverty", part, spec, _without_unique(suite)).accepted
        for part in (frame, second)
    ]
    got = with_duplicate_flags(pl.concat(parts), suite)
    assert got.equals(expected)
    assert got["flags"].str.contains("duplicate_").sum() >= 60


@pytest.mark.parametrize("slices", [1, 3, 7])
def test_facts_from_slices_equal_facts_of_the_whole(
    config: Config, tmp_path: Path, slices: int
) -> None:
    frames = {
        name: validate_rows(
            name, _prepared(name, SAMPLE_DIR / f"{name}.csv", config), config.source(name)
        ).accepted
        for name in ("cases", "petitions")
    }
    whole = read_free_text(Validated({}, frames), config).frames
    parts = facts_in_slices(frames, config, tmp_path, map, slices).frames
    for name in frames:
        assert parts[name].equals(whole[name]), name
    shared = frames["cases"].group_by("summary").len().filter(pl.col("len") > 1)
    assert shared.height > 0, "some summaries are shared by several rows (one case)"


def test_a_filtered_run_in_parts_equals_one_process(config: Config, tmp_path: Path) -> None:
    """Analysts' filters are applied on the driver after validation, as `run` does."""
    from datetime import date
    from functools import partial

    from benchmarks.compare_runs import differences
    from pipeline.link.partition import link_people_partitioned
    from pipeline.partitioned.run import run_partitioned
    from pipeline.run import RunFilters, RunInputs, run

    filters = RunFilters(since=date(2024, 7, 1))
    linker = partial(link_people_partitioned, partitioning=config.partitioning)
    one = run(RunInputs.sample(), tmp_path / "one", config, filters, link=linker)
    parts = run_partitioned(
        RunInputs.sample(), tmp_path / "parts", tmp_path / "work", map, config, filters, slices=3
    )
    assert one.manifest["counts"]["rows_filtered_out"], "the filter took some rows out"
    assert differences(one.folder, parts.folder) == []
