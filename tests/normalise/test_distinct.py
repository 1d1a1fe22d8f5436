"""An expression evaluated per distinct value gives every row what it gives row by row."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.dates import parse_date
from pipeline.normalise.distinct import per_distinct_value
from pipeline.normalise.phones import phone_norm
from pipeline.normalise.places import clean_place, place_parts

PROPERTY = settings(max_examples=200, deadline=None)
VALUES = ["2024-03-05", None, "202403", "2024年3月", "bad", "2024-03-05", None, "", " 45000 "]
VALUES += ["商南县富水镇东岭村", "商南县富水镇东岭村", "户籍地：陕西省商洛市商南县"]


@pytest.mark.parametrize(
    ("expr", "dtype"),
    [
        (parse_date("v"), pl.Date()),
        (clean_place("v"), pl.String()),
        (
            place_parts("v"),
            pl.Struct({"county": pl.String, "town": pl.String, "village": pl.String}),
        ),
        (phone_norm("v"), pl.String()),
        (pl.col("v").is_null(), pl.Boolean()),
        (pl.when(pl.col("v").is_null()).then(pl.lit("missing")), pl.String()),
    ],
)
def test_per_distinct_value_equals_the_row_by_row_expression(
    expr: pl.Expr, dtype: pl.DataType
) -> None:
    frame = pl.DataFrame({"v": VALUES}, schema={"v": pl.String})
    by_row = frame.select(expr.alias("v"))
    by_value = frame.select(per_distinct_value("v", expr, dtype))
    assert by_value.equals(by_row)
    assert by_value.schema == pl.Schema({"v": dtype})


def test_per_distinct_value_on_no_rows_and_on_only_nulls() -> None:
    empty = pl.DataFrame({"v": []}, schema={"v": pl.String})
    assert empty.select(per_distinct_value("v", parse_date("v"), pl.Date())).height == 0
    nulls = pl.DataFrame({"v": [None, None]}, schema={"v": pl.String})
    out = nulls.select(per_distinct_value("v", pl.col("v").fill_null("x"), pl.String()))
    assert out["v"].to_list() == ["x", "x"]


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.sampled_from(VALUES[:5]), st.text(max_size=8))))
def test_per_distinct_value_keeps_row_order_on_any_text(values: list[str | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    expr = clean_place("v")
    assert frame.select(per_distinct_value("v", expr, pl.String())).equals(
        frame.select(expr.alias("v"))
    )
