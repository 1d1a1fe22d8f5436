"""`relief-leads bench reviews`: reviewers decide from the truth, every decision is carried,
and AP over the undecided leads is reported against the reviewers' truth and the national test."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.reviews import average_precision, bench_reviews

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("order", "hits", "total", "expected"),
    [
        (["a", "b", "c"], {"a": True, "c": True}, 2, (1 + 2 / 3) / 2),
        (["b", "a"], {"a": True}, 1, 0.5),
        (["a"], {"a": True, "z": True}, 2, 0.5),  # a qualifying lead never ranked counts as missed
        (["a"], {}, 0, 0.0),
    ],
)
def test_average_precision(
    order: list[str], hits: dict[str, bool], total: int, expected: float
) -> None:
    assert average_precision(order, hits, total) == pytest.approx(expected)


def test_bench_reviews_on_a_small_hard_county(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_reviews(1500, 11, [20, 60], tmp_path, profile="hard") == 0
    out = capsys.readouterr().out
    assert (tmp_path / "county-1500-s11-hard" / "truth" / "county_practice.csv").exists()
    assert "county practice: " in out
    lines = [line for line in out.splitlines() if line.startswith("N=")]
    assert len(lines) == 2
    for n, line in zip((20, 60), lines, strict=True):
        assert f"decided {n} (" in line and f"carried {n};" in line
        assert "AP before" in line and "against the national test" in line
