"""Names: comparable written form, pinyin key, and their invariants."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.names import (
    name_key_table,
    name_norm,
    name_pinyin,
    normalise_name_text,
    pinyin_of_name,
    pinyin_sound,
    to_simplified,
    with_name_columns,
)

PROPERTY = settings(max_examples=200, deadline=None)
PINYIN_SHAPE = re.compile(r"\S+( \S+)*")


def names_frame(raws: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"name": raws}, schema={"name": pl.String})


@pytest.mark.parametrize(
    ("raw", "norm", "pinyin"),
    [
        ("李明", "李明", "li ming"),
        ("李 明", "李明", "li ming"),
        ("李　明", "李明", "li ming"),  # full-width space
        (" 李明\t", "李明", "li ming"),
        ("\u200b李明", "李明", "li ming"),  # zero-width space from copy-paste
        ("張三豐", "张三丰", "zhang san feng"),  # traditional
        ("陳國華", "陈国华", "chen guo hua"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼", "a bo du re he man"),
        ("阿卜杜.热合曼", "阿卜杜·热合曼", "a bo du re he man"),
        ("阿卜杜•热合曼", "阿卜杜·热合曼", "a bo du re he man"),
        ("古丽・米娜", "古丽·米娜", "gu li mi na"),
        ("艾力．买买提", "艾力·买买提", "ai li mai mai ti"),
        ("艾力‧买买提", "艾力·买买提", "ai li mai mai ti"),
        ("艾力 · 买买提", "艾力·买买提", "ai li mai mai ti"),
        ("艾力..买买提.", "艾力·买买提", "ai li mai mai ti"),
        ("曾国藩", "曾国藩", "zeng guo fan"),  # surname reading, not ceng
        ("单田芳", "单田芳", "shan tian fang"),
        ("尉迟恭", "尉迟恭", "yu chi gong"),
        ("欧阳娜娜", "欧阳娜娜", "ou yang na na"),
        ("沈默", "沈默", "shen mo"),  # OpenCC's phrase table would make this 沉默
        ("吕丽", "吕丽", "lv li"),
        ("ＪＯＨＮ　Smith", "JOHNSmith", "johnsmith"),
        ("王2", "王2", "wang 2"),
        ("", None, None),
        ("   ", None, None),
        ("123", None, None),
        ("·", None, None),
        (None, None, None),
    ],
)
def test_name_table(raw: str | None, norm: str | None, pinyin: str | None) -> None:
    row = with_name_columns(names_frame([raw])).row(0, named=True)
    assert (row["name_norm"], row["name_pinyin"]) == (norm, pinyin)


@pytest.mark.parametrize(
    ("left", "right"),
    [("李明", "李铭"), ("王芳", "王方"), ("张伟", "章伟"), ("刘洋", "柳阳"), ("陳靜", "陈静")],
)
def test_homophones_share_pinyin(left: str, right: str) -> None:
    keys = names_frame([left, right]).select(name_pinyin("name")).to_series()
    assert keys[0] == keys[1]


INITIALS = {"zh": "z", "ch": "c", "sh": "s"}
FINALS = {"ang": "an", "eng": "en", "ing": "in"}


def sound_of(names: list[str | None]) -> list[str | None]:
    frame = names_frame(names).select(name_pinyin("name"))
    return frame.select(pinyin_sound("name_pinyin", INITIALS, FINALS)).to_series().to_list()


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("赵琳", "赵玲"),  # lin / ling: front and back nasal
        ("陈晨", "陈程"),  # chen / cheng
        ("张山", "张尚"),  # shan / shang
        ("周志", "周自"),  # zhou zhi / zhou zi
        ("史红", "司红"),  # shi / si
        ("李强", "李钱"),  # qiang / qian
        ("黄光", "黄关"),  # guang / guan
    ],
)
def test_confusable_sounds_share_the_sound_key(left: str, right: str) -> None:
    a, b = sound_of([left, right])
    assert a == b


@pytest.mark.parametrize(
    ("left", "right"),
    [("李明", "李梅"), ("王红", "王宏伟"), ("刘洋", "刘勇"), ("张龙", "张伦"), ("陈东", "陈登")],
)
def test_other_sounds_keep_apart(left: str, right: str) -> None:
    a, b = sound_of([left, right])
    assert a != b


def test_sound_key_folds_only_at_syllable_edges() -> None:
    # "zhang" folds at both ends; "eng" inside "heng" folds only at the end of the syllable
    assert sound_of(["张恒", None]) == ["zan hen", None]
    assert sound_of(["宋"]) == ["song"]  # ong has no front-nasal partner


def test_single_expressions_agree_with_frame_helper() -> None:
    df = names_frame(["李 明", "張三", None, "", "阿卜杜.热合曼", "李 明"])
    singles = df.select(name_norm("name"), name_pinyin(pl.col("name")))
    assert singles.equals(with_name_columns(df).drop("name"))


def test_frame_helper_on_empty_frame() -> None:
    out = with_name_columns(names_frame([]))
    assert out.schema == pl.Schema(
        {"name": pl.String, "name_norm": pl.String, "name_pinyin": pl.String}
    )


def test_to_simplified_is_character_level_and_stable() -> None:
    assert to_simplified("張三豐") == "张三丰"
    assert to_simplified("李明") == "李明"
    assert to_simplified(to_simplified("發髮後於")) == to_simplified("發髮後於")


# --- properties --------------------------------------------------------------------

maybe_text = st.one_of(st.none(), st.text())
# Common characters, traditional forms, separators and spaces: names as exports hold them.
name_like = st.text(
    alphabet=st.sampled_from(list("李王张張陳陈明铭國华華丽麗曾单尉迟·.•・ 　\tAbc1")),
    max_size=8,
)


@PROPERTY
@given(st.lists(st.one_of(maybe_text, name_like), max_size=30))
def test_name_columns_are_total_and_idempotent(raws: list[str | None]) -> None:
    out = with_name_columns(names_frame(raws))
    assert out.schema["name_norm"] == pl.String and out.schema["name_pinyin"] == pl.String
    norms = out["name_norm"].to_list()
    for norm in norms:
        if norm is not None:
            assert not any(ch.isspace() for ch in norm)
            assert any(ch.isalpha() for ch in norm)
            assert not norm.startswith("·") and not norm.endswith("·") and "··" not in norm
    again = names_frame(norms).select(name_norm("name")).to_series().to_list()
    assert again == norms
    for norm, pinyin in zip(norms, out["name_pinyin"], strict=True):
        assert (pinyin is None) == (norm is None or pinyin_of_name(norm) is None)
        if pinyin is not None:
            assert PINYIN_SHAPE.fullmatch(pinyin), pinyin


@PROPERTY
@given(maybe_text)
def test_normalise_name_text_is_idempotent(raw: str | None) -> None:
    if raw is None:
        return
    once = normalise_name_text(raw)
    if once is not None:
        assert normalise_name_text(once) == once


@PROPERTY
@given(st.lists(st.one_of(st.none(), name_like), max_size=20))
def test_sound_key_is_total_and_idempotent(raws: list[str | None]) -> None:
    once = sound_of(raws)
    twice = (
        pl.DataFrame({"k": once}, schema={"k": pl.String})
        .select(pinyin_sound("k", INITIALS, FINALS))
        .to_series()
        .to_list()
    )
    assert twice == once


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(), st.sampled_from(["張三", " 李 四", "阿依·木", "=1+1"]), st.text(max_size=6)
        )
    )
)
def test_names_looked_up_in_a_whole_source_table_equal_names_computed(
    raws: list[str | None],
) -> None:
    """A slice's names looked up in its source's key table, as computed on the slice."""
    frame = pl.DataFrame({"name": raws}, schema={"name": pl.String})
    table = name_key_table(pl.concat([frame["name"], pl.Series(["王五", None])]))
    for part in (frame, frame.head(len(raws) // 2)):
        assert with_name_columns(part, table=table).equals(with_name_columns(part))
