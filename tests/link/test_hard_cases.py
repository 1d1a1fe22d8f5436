"""The hard cases of issue 4: each must stay two people (or one), whatever else agrees."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from pipeline.config import Config
from pipeline.link.cluster import cluster_records, linked_edges
from tests.link.test_link_units import CLUSTERING, compare, level, records, scored

TWIN_A = "611023201003050317"  # valid check digits, same birth date, sequence 031 / 033
TWIN_B = "611023201003050333"
HOUSE = {"phone_norm": "13912345678", "town": "富水镇", "village": "东岭村", "household_id": "H1"}


def levels(config: Config, left: dict[str, Any], right: dict[str, Any]) -> dict[str, str | None]:
    frame = compare(config, [left, right])
    return {name: level(frame, name, config) for name in config.linkage.comparisons}


def test_twins_with_ids_compare_as_different_trusted_ids(config: Config) -> None:
    # same birth date, household and surname, given names one character apart
    left = {
        "name_norm": "王子涵",
        "name_pinyin": "wang zi han",
        "id_norm": TWIN_A,
        "id_trusted": True,
        "birth": date(2010, 3, 5),
        **HOUSE,
    }
    right = {
        "name_norm": "王子轩",
        "name_pinyin": "wang zi xuan",
        "id_norm": TWIN_B,
        "id_trusted": True,
        "birth": date(2010, 3, 5),
        **HOUSE,
    }
    got = levels(config, left, right)
    assert got["identity"] == "id_diff_trusted"  # the shared birth date is not counted again
    # one other character: a sibling's name unless the ID number is the same
    assert got["name"] == "one_char_apart"
    assert got["sex"] is None  # sex is part of the ID number


def test_twins_are_never_one_person_even_at_high_probability(config: Config) -> None:
    table = records(
        [
            {"source": "poverty", "id_norm": TWIN_A, "id_trusted": True, "person_no": "H101"},
            {"source": "poverty", "id_norm": TWIN_B, "id_trusted": True, "person_no": "H102"},
        ]
    )
    links = cluster_records(table, scored([(0, 1, 0.999)]), CLUSTERING)
    assert links["person_id"].n_unique() == 2


def test_same_birthday_ids_two_digits_apart_are_not_one_edit(config: Config) -> None:
    left = {
        "id_norm": "611023199001011234",
        "birth": date(1990, 1, 1),
        "name_norm": "李明",
        "name_pinyin": "li ming",
    }
    right = {
        "id_norm": "611023199001011567",
        "birth": date(1990, 1, 1),
        "name_norm": "李明",
        "name_pinyin": "li ming",
    }
    # two slips apart is two numbers; the birth date they share splits the level only
    assert levels(config, left, right)["identity"] == "id_diff_birth_close"


def test_household_member_without_id_sharing_phone_and_village_is_vetoed(config: Config) -> None:
    # a petition without an ID by the head's son: same surname, phone and village
    head = {
        "source": "poverty",
        "name_norm": "张建国",
        "name_pinyin": "zhang jian guo",
        "id_norm": "61102319650412031X",
        "id_trusted": True,
        **HOUSE,
    }
    son = {"source": "petitions", "name_norm": "张小伟", "name_pinyin": "zhang xiao wei", **HOUSE}
    got = levels(config, head, son)
    assert got["contact"] == "phone_and_village"
    assert got["name"] == "same_surname"  # a renaming only behind the same ID number
    frame = compare(config, [head, son]).with_columns(pl.lit(0.999).alias("match_probability"))
    assert linked_edges(frame, config.linkage.clustering, config.linkage.level_names()).is_empty()


def test_copied_head_id_does_not_merge_two_monitoring_rows() -> None:
    head_id = "61102319650412031X"
    table = records(
        [
            {
                "source": "poverty",
                "household_id": "H1",
                "person_no": "H101",
                "id_norm": head_id,
                "id_trusted": True,
            },
            {
                "source": "poverty",
                "household_id": "H1",
                "person_no": "H102",
                "id_norm": head_id,
                "id_trusted": True,
            },
            {"source": "cases", "id_norm": head_id, "id_trusted": True},
        ]
    )
    links = cluster_records(table, scored([(0, 1, 0.999), (0, 2, 0.99), (1, 2, 0.98)]), CLUSTERING)
    pid = links["person_id"].to_list()
    assert pid[0] != pid[1]
    assert pid[2] == pid[0]  # the case row joins its best-supported holder
