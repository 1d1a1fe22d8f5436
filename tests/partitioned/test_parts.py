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


def _split(config: Config, rows: int) -> Config:
    rules = config.partitioning.model_copy(update={"csv_split_bytes": 1, "csv_part_rows": rows})
    return config.model_copy(update={"partitioning": rules})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_a_large_csv_read_in_parts_gives_the_whole_files_rows(
    config: Config, tmp_path: Path, encoding: str, rows: int
) -> None:
    """Title rows above the header, a quoted cell over two lines, a blank row, a total row."""
    from pipeline.partitioned.files import InputFile, check_file, csv_parts, source_reports

    text = (
        "信访登记表,,,,\n信访件编号,信访人,证件号码,联系电话,信访事项\n"
        'XF001,张三,,,"生活困难，\n申请救助"\nXF002,李四,,,对方至今未赔偿\n,,,,\n'
        "XF003,王五,,,医疗费无着\n合计,,,,\nXF004,赵六,,,房屋被毁\n"
    )
    path = tmp_path / "petitions.csv"
    path.write_bytes(text.encode(encoding))
    item = InputFile("petitions", str(path), path.name, 0)
    split = _split(config, rows)
    parts = csv_parts(item, split, tmp_path / "work")
    assert len(parts) == -(-6 // rows)  # six rows below the header, the blank and total too
    whole = check_file(item, config, tmp_path / "whole")
    checked = [check_file(p, split, tmp_path / "parts") for p in parts]
    for kind in ("accepted", "quarantined"):
        got = pl.concat([pl.read_parquet(getattr(c, kind)) for c in checked])
        assert got.equals(pl.read_parquet(getattr(whole, kind))), kind
    assert source_reports(checked, "petitions") == whole.reports


def test_a_run_with_its_csvs_in_parts_equals_one_process(config: Config, tmp_path: Path) -> None:
    from functools import partial

    from benchmarks.compare_runs import differences
    from pipeline.link.partition import link_people_partitioned
    from pipeline.partitioned.files import csv_parts, input_files
    from pipeline.partitioned.run import run_partitioned
    from pipeline.run import RunInputs, run

    split = _split(config, 97)
    files = input_files(RunInputs.sample().by_source())
    counts = {f.file_name: len(csv_parts(f, split, tmp_path / "plan")) for f in files}
    assert counts["cases.csv"] == 9 and counts["petitions.csv"] == 6, counts
    linker = partial(link_people_partitioned, partitioning=config.partitioning)
    one = run(RunInputs.sample(), tmp_path / "one", config, link=linker)
    parts = run_partitioned(
        RunInputs.sample(), tmp_path / "parts", tmp_path / "work", map, split, slices=3
    )
    assert differences(one.folder, parts.folder) == []
