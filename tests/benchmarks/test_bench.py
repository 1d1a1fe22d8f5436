"""`relief-leads bench`: the FEBRL4 benchmark meets its target; the county benchmark reports every figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench import bench_county, bench_febrl4, febrl4_records
from pipeline.cli import main
from pipeline.config import Config

pytestmark = pytest.mark.e2e


def test_febrl4_records_and_truth() -> None:
    records, truth = febrl4_records()
    assert records.height == 10_000
    assert truth.height == 5_000
    assert set(records["source"]) == {"a", "b"}


def test_bench_febrl4_last_line_meets_the_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_febrl4(None) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("febrl4 precision=")
    figures = dict(part.split("=") for part in last.split()[1:])
    assert float(figures["f1"]) >= 0.999


def test_bench_linkage_on_a_small_county(
    tmp_path: Path, config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_county(600, 11, tmp_path, config, show_errors=True) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "county-600-s11" / "truth" / "records.csv").exists()
    for label in (
        "blocking      recall=",
        "all-pairs     precision=",
        "cross-source  precision=",
        "linkage seconds=",
    ):
        assert label in out
    last = out.strip().splitlines()[-1]
    figures = dict(part.split("=") for part in last.split()[2:])
    assert float(figures["all_f1"]) >= 0.97
    assert float(figures["blocking_recall"]) >= 0.97


def test_bench_is_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    assert "febrl4" in capsys.readouterr().out
