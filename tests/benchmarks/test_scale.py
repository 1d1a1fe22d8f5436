"""`bench scale`: generator knobs, per-stage figures of a real run, and the report tables."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest

from benchmarks.scale import (
    StageEvent,
    StageMemory,
    growth_lines,
    main,
    province_inputs,
    provincial_data,
)

pytestmark = pytest.mark.e2e
SIZE = 2000  # small enough for a test; the per-county CSV layout of a province


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder, generation = provincial_data(SIZE, 11, tmp_path_factory.mktemp("bench"))
    assert generation["seconds"] > 0 and generation["peak_rss_mb"] > 0
    return folder


def test_province_has_per_county_csvs_and_the_requested_ratios(province: Path) -> None:
    inputs = province_inputs(province)
    assert inputs.poverty.is_dir() and list(inputs.poverty.glob("poverty_*.csv"))
    truth = pl.read_csv(province / "truth" / "records.csv", infer_schema=False)
    rows = dict(truth.group_by("source").len().iter_rows())
    # 76,000 cases (~200,000 party rows) and 100,000 petitions per 2,000,000 monitoring rows
    assert 0.07 < rows["cases"] / rows["poverty"] < 0.13
    assert 0.03 < rows["petitions"] / rows["poverty"] < 0.08


def test_stage_memory_keeps_the_peak_of_nested_open_stages() -> None:
    memory = StageMemory()
    memory.on_event(StageEvent("validate", 2, 6, False, 0.0, 0.0))
    memory.on_event(StageEvent("expectations", 0, 6, False, 0.0, 0.0))
    ballast = bytearray(200 * 1024 * 1024)  # touched: 200 MB resident
    ballast[::4096] = b"x" * len(ballast[::4096])
    time.sleep(0.3)  # a few samples of the background sampler, even on a loaded machine
    memory.on_event(StageEvent("expectations", 0, 6, True, 0.1, 0.1))
    del ballast
    memory.on_event(StageEvent("validate", 2, 6, True, 0.2, 0.2))
    memory.stop()
    inner, outer = memory.stages["expectations"], memory.stages["validate"]
    assert inner.peak_rss - inner.start_rss > 100 * 1024 * 1024  # of the 200 MB touched
    assert outer.peak_rss >= inner.peak_rss
    assert (inner.seconds, outer.seconds) == (0.1, 0.2)


def test_bench_scale_reports_every_stage_and_the_linkage_scores(
    province: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--sizes", str(SIZE), "--seed", "11", "--data-dir", str(province.parent)]) == 0
    out = capsys.readouterr().out
    for stage in ("| ingest |", "| validate |", "|   expectations |", "| signals |", "| link |",
                  "| score |", "| write |", "| **total** |"):  # fmt: skip
        assert stage in out
    scores = next(line for line in out.splitlines() if line.startswith("candidate pairs"))
    f1 = float(scores.split("F1 ")[1].split(";")[0])
    assert f1 > 0.95  # the same floor as the county benchmark's small runs


def test_growth_table_divides_seconds_by_millions_of_rows() -> None:
    def figures(rows: int, seconds: float) -> dict[str, object]:
        return {
            "rows_read": rows,
            "total_seconds": seconds,
            "stages": {"link": {"seconds": seconds}},
        }

    lines = growth_lines({1: figures(1_000_000, 10.0), 2: figures(2_000_000, 30.0)})
    assert lines[-2] == "| link | 10.00 | 15.00 |"
    assert lines[-1] == "| total | 10.00 | 15.00 |"
