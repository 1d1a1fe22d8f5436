"""Analysts' filters: county and date window, applied to accepted rows only."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipeline.coded import coded
from pipeline.validate.filters import RunFilters, apply_filters

CASES = pl.DataFrame(
    {
        "address": ["陕西省商洛市商南县富水镇", "山阳县城关镇", None, "商南县试马镇"],
        "county": ["商南县", "山阳县", None, "商南县"],
        "accepted": ["2024-03-05", "2025-06-01", "2025年7月1日", None],
    }
)


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        (None, 4),
        (RunFilters(), 4),
        (RunFilters(county="商南县"), 3),  # the row naming no county is kept
        (RunFilters(county="商南"), 3),
        (RunFilters(since=date(2025, 1, 1)), 3),  # undated rows are kept
        (RunFilters(until=date(2024, 12, 31)), 2),
        (RunFilters(county="商南县", since=date(2025, 1, 1)), 2),
    ],
)
def test_filters_keep_the_rows_inside(filters: RunFilters | None, kept: int) -> None:
    assert apply_filters("cases", CASES, filters).height == kept


def test_monitoring_rows_are_filtered_by_county_only() -> None:
    poverty = pl.DataFrame(
        {"county": ["商南县", "山阳县"], "risk_identified": ["202001", "202501"]}
    )
    assert apply_filters("poverty", poverty, RunFilters(since=date(2025, 1, 1))).height == 2
    assert apply_filters("poverty", poverty, RunFilters(county="山阳县"))["county"].to_list() == [
        "山阳县"
    ]


def test_coded_monitoring_rows_are_filtered_as_text() -> None:
    poverty = coded(pl.DataFrame({"county": ["商南县", "山阳县", None]}))
    assert poverty.schema["county"] == pl.Categorical
    kept = apply_filters("poverty", poverty, RunFilters(county="山阳"))
    assert kept["county"].cast(pl.String).to_list() == ["山阳县", None]


def test_describe_is_plain_data() -> None:
    assert RunFilters(county="商南县", since=date(2025, 1, 1)).describe() == {
        "county": "商南县",
        "since": "2025-01-01",
        "until": None,
    }
