"""Dates: every export format to pl.Date, with its precision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.dates import date_precision, parse_date, with_date_columns

PROPERTY = settings(max_examples=200, deadline=None)
# Each example checks a batch of dates in one frame: fewer examples suffice.
BATCHED = settings(max_examples=100, deadline=None)
EXCEL_EPOCH = date(1899, 12, 30)


def parsed(raws: Sequence[str | None]) -> list[tuple[date | None, str | None]]:
    df = pl.DataFrame({"d": raws}, schema={"d": pl.String})
    out = df.select(parse_date("d"), date_precision("d"))
    return list(out.iter_rows())


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2024-03-05", date(2024, 3, 5), "day"),
        ("2024/3/5", date(2024, 3, 5), "day"),
        ("2024.3.5", date(2024, 3, 5), "day"),
        ("2024-3-5", date(2024, 3, 5), "day"),
        ("20240305", date(2024, 3, 5), "day"),
        ("2024年3月5日", date(2024, 3, 5), "day"),
        ("2024年03月05日", date(2024, 3, 5), "day"),
        ("2024-03-05 00:00:00", date(2024, 3, 5), "day"),
        ("2024-03-05T10:00:00", date(2024, 3, 5), "day"),
        ("2024-03-05T10:00:00Z", date(2024, 3, 5), "day"),
        ("2024/3/5 10:00", date(2024, 3, 5), "day"),
        ("2024年3月5日 10:30", date(2024, 3, 5), "day"),
        (" ２０２４－０３－０５ ", date(2024, 3, 5), "day"),  # full-width, padded
        ("'20240305", date(2024, 3, 5), "day"),
        ("45356", date(2024, 3, 5), "day"),  # Excel serial
        ("45356.0", date(2024, 3, 5), "day"),
        ("45356.75", date(2024, 3, 5), "day"),  # serial with a time of day
        ("1", date(1899, 12, 31), "day"),
        ("60000", date(2064, 4, 8), "day"),
        ("202403", date(2024, 3, 1), "month"),
        ("2024-03", date(2024, 3, 1), "month"),
        ("2024/3", date(2024, 3, 1), "month"),
        ("2024.03", date(2024, 3, 1), "month"),
        ("2024年3月", date(2024, 3, 1), "month"),
        ("2024-02-30", None, None),  # impossible day
        ("20240230", None, None),
        ("2023-02-29", None, None),  # not a leap year
        ("202413", None, None),  # month 13
        ("2024", None, None),  # a bare year, not serial 2024 (1905)
        ("0", None, None),
        ("60001", None, None),
        ("0024-03-05", None, None),  # year outside 1900..2100
        ("1.5E+4", None, None),
        ("abc", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_date_table(raw: str | None, expected: date | None, precision: str | None) -> None:
    assert parsed([raw]) == [(expected, precision)]


def test_parse_date_keeps_the_column_name() -> None:
    df = pl.DataFrame({"received": ["2024-03-05"], "accepted": ["202403"]})
    assert df.select(parse_date("received")).columns == ["received"]
    out = with_date_columns(df, ["received", "accepted"])
    assert out.columns == ["received", "accepted", "received_date", "accepted_date"]
    assert out.row(0)[2:] == (date(2024, 3, 5), date(2024, 3, 1))


# --- properties --------------------------------------------------------------------

maybe_text = st.one_of(st.none(), st.text())
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@PROPERTY
@given(st.lists(maybe_text, max_size=30))
def test_parse_date_is_total(raws: list[str | None]) -> None:
    df = pl.DataFrame({"d": raws}, schema={"d": pl.String})
    out = df.select(parse_date("d"), date_precision("d"))
    assert out.schema == pl.Schema({"d": pl.Date, "date_precision": pl.String})
    assert set(out["date_precision"].drop_nulls()) <= {"day", "month"}
    assert out["d"].is_null().to_list() == out["date_precision"].is_null().to_list()


def day_forms(day: date) -> list[str]:
    forms = [
        f"{day:%Y-%m-%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y-%m-%d} 00:00:00",
        f"{day:%Y-%m-%d}T08:30:00",
    ]
    serial = (day - EXCEL_EPOCH).days
    if serial <= 60_000 and not 1900 <= serial <= 2100:
        forms.append(str(serial))
    return forms


def month_forms(day: date) -> list[str]:
    return [f"{day:%Y%m}", f"{day:%Y-%m}", f"{day.year}年{day.month}月", f"{day.year}/{day.month}"]


@BATCHED
@given(st.lists(days, min_size=1, max_size=10))
def test_every_day_format_gives_the_same_day(some_days: list[date]) -> None:
    forms = [(day, form) for day in some_days for form in day_forms(day)]
    assert parsed([form for _, form in forms]) == [(day, "day") for day, _ in forms]


@BATCHED
@given(st.lists(days, min_size=1, max_size=10))
def test_every_month_format_gives_the_first_of_the_month(some_days: list[date]) -> None:
    forms = [(day.replace(day=1), form) for day in some_days for form in month_forms(day)]
    assert parsed([form for _, form in forms]) == [(first, "month") for first, _ in forms]


def test_serials_and_day_arithmetic_agree() -> None:
    assert parsed(["45000"]) == [(EXCEL_EPOCH + timedelta(days=45000), "day")]
