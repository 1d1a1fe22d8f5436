"""Blocking rules as a table of cases: which rows meet, and through which rule.

Each case is two linkage rows and the rule that must (or, with None, no rule that may)
propose their pair. A bug found in blocking adds a row.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from pipeline.config import Config
from pipeline.link import evidence
from pipeline.link.blocking import block_pairs
from pipeline.link.compare import compare_pairs
from tests.link.test_link_units import records

VALID = "611023195812114057"
# VALID read back from a float: a multiple of 128 within 1000 of it
FLOAT_DAMAGED = "611023195812114048"
HOME = {"village": "前垭村", "town": "城关镇", "county": "商南县", "hamlet": "3"}


def person(name: str, pinyin: str, id_number: str | None, **fields: Any) -> dict[str, Any]:
    surname = pinyin.split()[0]
    return {
        "name_norm": name,
        "name_pinyin": pinyin,
        "surname_pinyin": surname,
        "id_norm": id_number,
        **fields,
    }


CASES = [
    (
        # a float-damaged ID and a name typo on one row: no name key meets the clean row
        "damaged ID and a name typo meet on region, birth date and surname",
        person("王旭斌", "wang xu bin", FLOAT_DAMAGED, source="poverty", id_float_like=True),
        person("王旭杰", "wang xu jie", VALID, id_trusted=True, **HOME),
        "id_body_surname",
    ),
    (
        "born the same day in the county, another surname: no pair",
        person("王旭斌", "wang xu bin", FLOAT_DAMAGED, source="poverty", id_float_like=True),
        person("李文杰", "li wen jie", VALID, id_trusted=True),
        None,
    ),
    (
        "same surname, another birth date: no pair",
        person("王旭斌", "wang xu bin", "611023195812124057"),
        person("王旭杰", "wang xu jie", VALID, id_trusted=True),
        None,
    ),
]


@pytest.mark.parametrize(
    ("left", "right", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_blocking_cases(
    config: Config, left: dict[str, Any], right: dict[str, Any], rule: str | None
) -> None:
    settings = config.linkage.blocking
    pairs, _ = block_pairs(records([left, right]), settings)
    if rule is None:
        assert pairs.is_empty()
        return
    bit = list(settings.rules).index(rule)
    assert pairs.height == 1
    assert pairs["rules"][0] & (1 << bit)


def test_a_damaged_id_with_a_name_typo_is_weighed_not_vetoed(config: Config) -> None:
    # the pair the new rule proposes: IDs within Excel's damage and a name one character
    # apart, which the evidence order lifts from the name veto for the model to weigh
    settings = config.linkage
    table = records(
        [
            person("王旭斌", "wang xu bin", FLOAT_DAMAGED, id_float_like=True, **HOME),
            person("王旭杰", "wang xu jie", VALID, id_trusted=True, **HOME),
        ]
    )
    pairs = pl.DataFrame(
        {"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    gammas = compare_pairs(pairs, table, settings.comparisons, settings.lookalike_groups)
    levels = settings.level_names()
    assert levels["identity"][gammas["gamma_identity"][0]] == "id_damaged_close"
    assert levels["name"][gammas["gamma_name"][0]] == "one_char_apart"
    assert gammas.select(evidence.allowed(settings.clustering, levels)).item()
