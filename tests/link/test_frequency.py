"""How common a name is in the place two rows agree on (pipeline/link/frequency.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from pipeline.config import Config
from pipeline.link.frequency import Census, given_name, place_shares
from tests.link.test_link_units import records

ZHANG_VILLAGE = {"county": "商南县", "town": "富水镇", "village": "张家湾"}
MIXED_VILLAGE = {"county": "商南县", "town": "富水镇", "village": "东岭村"}
SURNAMES = {"张": "zhang", "李": "li", "王": "wang", "刘": "liu", "陈": "chen"}


def listed(name: str, number: int, place: dict[str, str]) -> dict[str, Any]:
    """A person of the monitoring export (its census of the place)."""
    return {"source": "poverty", "name_norm": name, "surname_pinyin": SURNAMES[name[0]],
            "person_no": f"{place['village']}{number:03d}", **place}  # fmt: skip


def petition(name: str, place: dict[str, str | None]) -> dict[str, Any]:
    return {"source": "petitions", "name_norm": name, "surname_pinyin": SURNAMES[name[0]],
            **place}  # fmt: skip


def census() -> list[dict[str, Any]]:
    """张家湾: 17 of 20 people are 张 (two of them 张建国); 东岭村: 20 people of five surnames."""
    people = [listed(f"张{g}", i, ZHANG_VILLAGE) for i, g in enumerate("一二三四五六七八九十")]
    people += [listed(f"张{g}甲", 10 + i, ZHANG_VILLAGE) for i, g in enumerate("一二三四五")]
    people += [listed("张建国", 15, ZHANG_VILLAGE), listed("张建国", 16, ZHANG_VILLAGE)]
    people += [listed(f"李{g}", 17 + i, ZHANG_VILLAGE) for i, g in enumerate("一二三")]
    people += [
        listed(f"{s}{g}", 5 * i + j, MIXED_VILLAGE)
        for i, s in enumerate("张李王刘陈")
        for j, g in enumerate("东南西北")
    ]
    return people


def shares(config: Config, pairs: list[tuple[dict[str, Any], dict[str, Any], str]]) -> np.ndarray:
    """place_shares of each (left row, right row, contact level) pair, the rows after the census."""
    rows = census()
    table_rows = [*rows, *(r for pair in pairs for r in pair[:2])]
    table = records(table_rows)
    settings = config.linkage
    levels = settings.level_names()
    n = len(rows)
    gammas = pl.DataFrame(
        {
            "idx_l": [n + 2 * i for i in range(len(pairs))],
            "idx_r": [n + 2 * i + 1 for i in range(len(pairs))],
            "gamma_name": [levels["name"].index("name_exact")] * len(pairs),
            "gamma_contact": [levels["contact"].index(p[2]) for p in pairs],
        },
        schema={
            "idx_l": pl.UInt32,
            "idx_r": pl.UInt32,
            "gamma_name": pl.Int8,
            "gamma_contact": pl.Int8,
        },
    )
    tf = settings.comparisons["name"].term_frequency[0]
    return place_shares(gammas, table, tf, "name", levels)


def test_a_name_is_as_common_in_a_village_as_its_surname_is_there(config: Config) -> None:
    zhang_here, li_here, zhang_there = shares(
        config,
        [
            (
                listed("张明", 90, ZHANG_VILLAGE),
                petition("张明", ZHANG_VILLAGE),
                "village_no_phone",
            ),
            (
                listed("李明", 91, ZHANG_VILLAGE),
                petition("李明", ZHANG_VILLAGE),
                "village_no_phone",
            ),
            (
                listed("张明", 92, MIXED_VILLAGE),
                petition("张明", MIXED_VILLAGE),
                "village_no_phone",
            ),
        ],
    )
    # the same given name: 张明 is likelier to be two people in 张家湾 than 李明 there, or
    # than 张明 in a village of five surnames
    assert zhang_here > li_here
    assert zhang_here > zhang_there


def test_the_share_is_the_surname_in_the_place_times_the_given_name_everywhere(
    config: Config,
) -> None:
    (share,) = shares(
        config,
        [
            (
                listed("张建国", 93, ZHANG_VILLAGE),
                petition("张建国", ZHANG_VILLAGE),
                "village_no_phone",
            )
        ],
    )
    # 张家湾 lists 21 people with the pair's own 张建国, 18 of them 张; everybody counted is
    # 41 people, 22 of them 张 and 3 of them 建国; the pair's own person is never counted
    people, prior = 21, config.linkage.comparisons["name"].term_frequency[0].prior_people
    zhang_here = (18 - 1 + prior * (22 - 1) / 41) / (people + prior)
    assert share == pytest.approx(zhang_here * (3 - 1) / 41)


def test_pairs_that_agree_on_no_place_keep_the_plain_frequency(config: Config) -> None:
    no_place = {"county": None, "town": None, "village": None}
    result = shares(
        config,
        [
            (listed("张明", 94, ZHANG_VILLAGE), petition("张明", MIXED_VILLAGE), "contact_diff"),
            (petition("张明", no_place), petition("张明", no_place), "county"),
        ],
    )
    assert np.isnan(result).all()


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("张建国", "建国"),
        ("li xin", "xin"),  # a pinyin: after the first syllable
        ("zhang jian guo", "jian guo"),
        ("欧阳明轩", "阳明轩"),  # a compound surname is read as its first character ...
        ("ou yang ming xuan", "yang ming xuan"),  # ... and as its first syllable
        ("李", ""),
    ],
)
def test_given_name(name: str, given: str) -> None:
    frame = pl.DataFrame({"name": [name]})
    assert frame.select(given_name(pl.col("name"))).item() == given


def test_a_homophone_is_weighed_by_how_common_its_sound_is_in_the_village(
    config: Config,
) -> None:
    # 东岭村 lists 李鑫 and 李欣 (both "li xin") and one 李明: a petition 李新 ("li xin")
    # and a listed 李鑫 are likelier two people than a petition 李铭 and the listed 李明
    def person(name: str, pinyin: str, number: int) -> dict[str, Any]:
        return listed(name, number, MIXED_VILLAGE) | {"name_pinyin": pinyin}

    def filed(name: str, pinyin: str) -> dict[str, Any]:
        return petition(name, MIXED_VILLAGE) | {"name_pinyin": pinyin}

    rows = [*census(), person("李欣", "li xin", 80)]
    pairs = [
        (person("李鑫", "li xin", 81), filed("李新", "li xin")),
        (person("李明", "li ming", 82), filed("李铭", "li ming")),
    ]
    table = records([*rows, *(r for pair in pairs for r in pair)])
    settings = config.linkage
    levels = settings.level_names()
    n = len(rows)
    gammas = pl.DataFrame(
        {
            "idx_l": [n, n + 2],
            "idx_r": [n + 1, n + 3],
            "gamma_name": [levels["name"].index("pinyin_equal")] * 2,
            "gamma_contact": [levels["contact"].index("village_no_phone")] * 2,
        },
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "gamma_name": pl.Int8,
                "gamma_contact": pl.Int8},
    )  # fmt: skip
    (tf,) = [t for t in settings.comparisons["name"].term_frequency if t.level == "pinyin_equal"]
    common, rare = place_shares(gammas, table, tf, "name", levels)
    assert common > rare


def test_the_census_counts_each_person_once_at_its_first_named_row() -> None:
    table = pl.DataFrame(
        {
            "person": ["p1", "p1", "p2", None, "p3", "p3"],
            "name": ["张三", "张三", "李四", "王五", None, "赵六"],
            "pinyin": ["zhang san", "zhang san", "li si", "wang wu", None, "zhao liu"],
            "other": ["a", None, "b", "c", "d", "e"],
        }
    )
    census = Census(table)
    # p3's first row has no name: its second is where it is counted; no person, no count
    assert census.everybody(("person",), "name").tolist() == [0, 2, 5]
    # the pinyin has the names' rows: the same answer, shared
    assert census.everybody(("person",), "pinyin") is census.everybody(("person",), "name")
    # another column's rows give their own answer
    assert census.everybody(("person",), "other").tolist() == [0, 2, 4]
