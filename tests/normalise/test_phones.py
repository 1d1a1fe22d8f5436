"""Phone numbers: mobiles and landlines to digit strings, and their invariants."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.phones import phone_norm, with_phone_columns

PROPERTY = settings(max_examples=200, deadline=None)
PHONE_SHAPE = re.compile(r"1[3-9]\d{9}|0\d{10,11}")


def normalised(raws: list[str | None]) -> list[str | None]:
    df = pl.DataFrame({"phone": raws}, schema={"phone": pl.String})
    return with_phone_columns(df)["phone_norm"].to_list()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("008613912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),  # full-width
        ("13912345678.0", "13912345678"),  # numeric cell read back as float text
        ("'13912345678", "13912345678"),
        ("0914-2312345", "09142312345"),
        ("(0914)2312345", "09142312345"),
        ("（0914）2312345", "09142312345"),
        ("０９１４－２３１２３４５", "09142312345"),
        ("010-62345678", "01062345678"),
        ("021 6234 5678", "02162345678"),
        ("+86 914 2312345", "09142312345"),
        ("13912345678/13812345678", "13912345678"),
        ("13912345678；0914-2312345", "13912345678"),
        ("0914-2312345，13912345678", "09142312345"),
        ("13912345678 13812345678", "13912345678"),
        ("电话:13912345678(本人)", "13912345678"),
        ("2312345", None),  # local number without area code
        ("12345678901", None),  # 12x is not a mobile range
        ("1391234567", None),  # a digit short
        ("139123456789", None),  # a digit long
        ("1.3912345678E+10", None),  # scientific notation: refuse rather than guess
        ("0914-2312345-801", None),  # extension
        ("无", None),
        ("", None),
        (None, None),
    ],
)
def test_phone_table(raw: str | None, expected: str | None) -> None:
    assert normalised([raw]) == [expected]


def test_expression_accepts_expr_and_names_its_column() -> None:
    df = pl.DataFrame({"tel": ["139-1234-5678"]})
    out = df.select(phone_norm(pl.col("tel")))
    assert out.columns == ["phone_norm"]
    assert out.item() == "13912345678"


# --- properties --------------------------------------------------------------------

maybe_text = st.one_of(st.none(), st.text())
phone_like = st.text(alphabet=st.sampled_from(list("0123456789+-() ,/；.８６")), max_size=20)


@PROPERTY
@given(st.lists(st.one_of(maybe_text, phone_like), max_size=30))
def test_phone_norm_is_total_shaped_and_idempotent(raws: list[str | None]) -> None:
    once = normalised(raws)
    assert len(once) == len(raws)
    assert all(PHONE_SHAPE.fullmatch(p) for p in once if p is not None)
    assert normalised(once) == once


@PROPERTY
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["{}", "+86{}", "0086 {}", "{0}.0", "'{}", " {} "]),
)
def test_mobile_survives_its_usual_wrappings(mobile: str, wrapping: str) -> None:
    assert normalised([wrapping.format(mobile)]) == [mobile]
