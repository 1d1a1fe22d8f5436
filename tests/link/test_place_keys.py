"""Place keys that hold the whole place: 红旗村 of one town is not 红旗村 of another."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from pipeline.config import Config, PlaceKeySettings
from pipeline.link.blocking import block_pairs
from pipeline.link.places import place_keys, with_place_keys
from tests.link.test_link_units import compare, level, records

SETTINGS = PlaceKeySettings(levels=("county", "town", "village"), max_candidates=2)
# the places the table knows: rows that state all three
KNOWN = [
    ("商南县", "富水镇", "红旗村"),
    ("商南县", "试马镇", "红旗村"),
    ("洛南县", "城关镇", "红旗村"),
    ("商南县", "富水镇", "东岭村"),
]


def keys_of(county: str | None, town: str | None, village: str | None) -> list[str] | None:
    table = pl.DataFrame(
        [*KNOWN, (county, town, village)], schema=["county", "town", "village"], orient="row"
    )
    value = place_keys(table, SETTINGS)[-1]
    return None if value is None else sorted(value.to_list())


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        (("商南县", "富水镇", "红旗村"), ["商南县|富水镇|红旗村"]),
        ((None, "试马镇", "红旗村"), ["商南县|试马镇|红旗村"]),
        (("商南县", None, "红旗村"), ["商南县|富水镇|红旗村", "商南县|试马镇|红旗村"]),
        ((None, None, "东岭村"), ["商南县|富水镇|东岭村"]),
        # three places fit a bare 红旗村: more than max_candidates, no key
        ((None, None, "红旗村"), None),
        # no known place fits: the key of what the row states
        ((None, "湘河镇", "红旗村"), ["|湘河镇|红旗村"]),
        (("商南县", "富水镇", None), None),  # no village
    ],
)
def test_place_keys(stated: tuple[str | None, ...], expected: list[str] | None) -> None:
    assert keys_of(*stated) == expected


def test_place_keys_take_the_chunks_of_the_table() -> None:
    # a table read back in row groups: its place keys come in the same chunks, the same keys
    rows = [*KNOWN, ("商南县", None, "红旗村"), (None, None, "东岭村"), (None, None, None)]
    parts = [rows[:2], rows[2:5], rows[5:]]
    frames = [pl.DataFrame(p, schema=["county", "town", "village"], orient="row") for p in parts]
    chunked = pl.concat(frames, rechunk=False)
    keyed = with_place_keys(chunked, SETTINGS)
    assert keyed.n_chunks("all") == [3, 3, 3, 3]
    assert keyed["place_key"].to_list() == place_keys(chunked.rechunk(), SETTINGS).to_list()
    assert keyed["place_key"].to_list()[4:] == [
        ["商南县|富水镇|红旗村", "商南县|试马镇|红旗村"],
        ["商南县|富水镇|东岭村"],
        None,
    ]


def test_blocking_on_a_place_key_keeps_villages_of_one_name_apart(config: Config) -> None:
    def row(town: str | None, village: str) -> dict[str, Any]:
        return {"name_norm": "张建国", "name_pinyin": "zhang jian guo", "county": "商南县",
                "town": town, "village": village}  # fmt: skip

    table = records([row("富水镇", "红旗村"), row("试马镇", "红旗村"), row(None, "红旗村")])
    rules = config.linkage.blocking.model_copy(
        update={"rules": {"pinyin_village": config.linkage.blocking.rules["pinyin_village"]}}
    )
    pairs, _ = block_pairs(table, rules)
    # the two towns' 红旗村 do not meet; the row stating no town meets both, once each
    assert sorted(zip(pairs["idx_l"], pairs["idx_r"], strict=True)) == [(0, 2), (1, 2)]


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (
            {"county": "商南县", "village": "红旗村"},
            {"county": "洛南县", "village": "红旗村"},
            "contact_diff",
        ),
        (
            {"town": "富水镇", "village": "红旗村"},
            {"town": "试马镇", "village": "红旗村"},
            "contact_diff",
        ),
        (
            {"county": "商南县", "village": "红旗村"},
            {"town": "富水镇", "village": "红旗村"},
            "village_no_phone",
        ),
        (
            {"county": "商南县", "town": "城关镇"},
            {"county": "洛南县", "town": "城关镇"},
            "contact_diff",
        ),
    ],
)
def test_a_village_compares_with_its_town_and_county(
    config: Config, left: dict[str, Any], right: dict[str, Any], expected: str
) -> None:
    assert level(compare(config, [left, right]), "contact", config) == expected
