"""Places: county / town / village from addresses and structured columns."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.places import PLACE_LEVELS, clean_place, place_parts, with_place_columns

PROPERTY = settings(max_examples=200, deadline=None)
SUFFIXES = {
    "county": ("县", "区", "市", "旗"),
    "town": ("镇", "乡", "街道"),
    "village": ("村", "社区", "居委会"),
}


def parsed(addresses: list[str | None]) -> pl.DataFrame:
    df = pl.DataFrame({"address": addresses}, schema={"address": pl.String})
    return with_place_columns(df)


@pytest.mark.parametrize(
    ("address", "county", "town", "village"),
    [
        ("陕西省商洛市商南县富水镇东岭村三组", "商南县", "富水镇", "东岭村"),
        ("富水镇东岭村", None, "富水镇", "东岭村"),
        ("商南县东岭村", "商南县", None, "东岭村"),
        ("东岭村3组", None, None, "东岭村"),
        ("商南县城关街道办事处", "商南县", "城关街道", None),
        ("陕西省 商洛市 商南县 富水镇", "商南县", "富水镇", None),
        ("陕西省商洛市商南县富水镇东岭村村民委员会", "商南县", "富水镇", "东岭村"),
        ("住址：商南县富水镇东岭村委会", "商南县", "富水镇", "东岭村"),
        ("商洛市镇安县永乐街道东坡社区", "镇安县", "永乐街道", "东坡社区"),  # county begins 镇
        ("镇安县云盖寺镇", "镇安县", "云盖寺镇", None),
        ("韩城市芝川镇", "韩城市", "芝川镇", None),  # county-level city
        ("北京市朝阳区望京街道", "朝阳区", "望京街道", None),
        ("内蒙古自治区呼和浩特市土默特左旗察素齐镇", "土默特左旗", "察素齐镇", None),
        ("甘肃省临夏回族自治州东乡族自治县锁南镇", "东乡族自治县", "锁南镇", None),
        ("商南县试马镇清油河社区居民委员会", "商南县", "试马镇", "清油河社区"),
        # 旗 inside a village name (红旗村 is among the commonest): it was lost before
        ("商南县城关镇红旗村四组", "商南县", "城关镇", "红旗村"),
        ("红旗村", None, None, "红旗村"),
        ("土默特左旗红旗村", "土默特左旗", None, "红旗村"),  # the banner before it stays the county
        ("富水镇市场街12号", None, "富水镇", None),  # 市 inside a street name
        ("城关镇阳光小区", None, "城关镇", None),
        ("东岭社区", None, None, "东岭社区"),
        ("西安市雁塔区", "雁塔区", None, None),
        ("abc", None, None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_address_table(
    address: str | None, county: str | None, town: str | None, village: str | None
) -> None:
    row = parsed([address]).row(0, named=True)
    assert (row["county"], row["town"], row["village"]) == (county, town, village)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("商南县", "商南县"),
        (" 商南县 ", "商南县"),
        ("商 南 县", "商南县"),
        ("商南县\u3000", "商南县"),
        ("城关街道办事处", "城关街道"),
        ("城关街道办", "城关街道"),
        ("东岭村民委员会", "东岭村"),
        ("东岭村委会", "东岭村"),
        ("清油河社区居民委员会", "清油河社区"),
        ("清油河社区居委会", "清油河社区"),
        ("新华居民委员会", "新华居委会"),
        ("ＡＢ村", "AB村"),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_clean_place_table(raw: str | None, expected: str | None) -> None:
    df = pl.DataFrame({"village": [raw]}, schema={"village": pl.String})
    out = df.select(clean_place("village"))
    assert out.columns == ["village"]
    assert out.item() == expected


def test_place_parts_is_a_struct_of_the_three_levels() -> None:
    df = pl.DataFrame({"addr": ["商南县富水镇东岭村"]})
    out = df.select(place_parts(pl.col("addr")))
    assert out.schema["place_parts"] == pl.Struct(dict.fromkeys(PLACE_LEVELS, pl.String))


# --- properties --------------------------------------------------------------------

maybe_text = st.one_of(st.none(), st.text())
address_like = st.text(
    alphabet=st.sampled_from(list("陕西省商洛市南县区旗富水镇乡街道办事处东岭村社居委会组 　3")),
    max_size=24,
)


@PROPERTY
@given(st.lists(st.one_of(maybe_text, address_like), max_size=30))
def test_parsed_levels_are_total_and_end_in_their_suffix(raws: list[str | None]) -> None:
    out = parsed(raws)
    assert [out.schema[level] for level in PLACE_LEVELS] == [pl.String] * 3
    for level in PLACE_LEVELS:
        for value in out[level].drop_nulls():
            assert value.endswith(SUFFIXES[level]), (level, value)
            assert len(value) >= 2


@PROPERTY
@given(st.lists(st.one_of(maybe_text, address_like), max_size=30))
def test_clean_place_is_idempotent(raws: list[str | None]) -> None:
    df = pl.DataFrame({"v": raws}, schema={"v": pl.String})
    once = df.select(clean_place("v")).to_series()
    twice = df.select(clean_place(clean_place("v"))).to_series()
    assert once.to_list() == twice.to_list()
    assert all(not any(ch.isspace() for ch in v) for v in once.drop_nulls())
