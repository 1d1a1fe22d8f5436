"""The evidence order (docs/linkage.md §5): what links whatever the model says, what never does.

Each case is two records, the model's probability for their pair, and the outcome the
evidence order gives: `linked`, `review` (not linked, written to link_review.csv) or
`apart`. The probability is set by hand: the order must hold at any weight.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from pipeline.config import Config
from pipeline.link import evidence
from pipeline.link.cluster import cluster_records
from pipeline.link.compare import compare_pairs
from tests.link.test_link_units import records

VALID = "61102319900101123X"  # check digit passes
OTHER_VALID = "610104198502031234"
PINYIN = {
    "张建国": "zhang jian guo",
    "张建图": "zhang jian tu",
    "张健国": "zhang jian guo",
    "李建国": "li jian guo",
    "张小伟": "zhang xiao wei",
    "李秀英": "li xiu ying",
    "肖飞": "xiao fei",
}
HOME = {"village": "东岭村", "town": "富水镇", "phone_norm": "13912345678"}


def row(name: str, **fields: Any) -> dict[str, Any]:
    return {"name_norm": name, "name_pinyin": PINYIN[name], **fields}


def valid(name: str, **fields: Any) -> dict[str, Any]:
    return row(name, id_norm=VALID, id_trusted=True, **fields)


def outcome(config: Config, left: dict[str, Any], right: dict[str, Any], p: float) -> str:
    """`linked`, `review` or `apart` for the pair of two records at model probability `p`."""
    settings = config.linkage
    table = records([left, right])
    pairs = pl.DataFrame(
        {"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    scored = compare_pairs(
        pairs, table, settings.comparisons, settings.lookalike_groups
    ).with_columns(pl.lit(p).alias("match_probability"))
    levels = settings.level_names()
    links = cluster_records(table, scored, settings.clustering, levels)
    if links["person_id"].n_unique() == 1:
        return "linked"
    reviewed = evidence.with_review_in_band(scored, settings.clustering, levels)
    low, high = settings.clustering.review_band
    in_band = low <= reviewed["match_probability"][0] <= high
    return (
        "review"
        if in_band and reviewed.select(evidence.left_for_review(settings.clustering, levels)).item()
        else "apart"
    )


CASES = [
    # 1. the same valid ID with a compatible name links, whatever the soft rules say
    ("same name", valid("张建国"), valid("张建国"), 0.99, "linked"),
    ("same name, weak model", valid("张建国"), valid("张建国"), 0.01, "linked"),
    ("homophone", valid("张建国"), valid("张健国"), 0.2, "linked"),
    ("one character apart", valid("张建国"), valid("张建图"), 0.05, "linked"),
    ("surname changed", valid("张建国"), valid("李建国"), 0.05, "linked"),
    ("renamed, same surname", valid("张建国"), valid("张小伟"), 0.01, "linked"),
    (
        "child petitioning by its own ID",
        valid("肖飞", source="petitions", age_class="petitioner"),
        valid("肖飞", age_class="child", birth=date(2015, 4, 1)),
        0.99,
        "linked",
    ),
    (
        "phone and village differ",
        valid("张建国", phone_norm="13900000001", village="西岭村"),
        valid("张建图", phone_norm="13700000002", village="东岭村"),
        0.001,
        "linked",
    ),
    # 2. the same valid ID under a clearly different name: a person decides
    ("clearly different name", valid("张建国"), valid("李秀英"), 0.999, "review"),
    ("clearly different name, weak", valid("张建国"), valid("李秀英"), 0.001, "review"),
    # 3. hard vetoes: contradictions no typing slip explains
    (
        "two valid IDs",
        row("张建国", id_norm=VALID, id_trusted=True),
        row("张建国", id_norm=OTHER_VALID, id_trusted=True),
        0.999,
        "apart",
    ),
    (
        "two person numbers",
        valid("张建国", source="poverty", person_no="H101"),
        valid("张建国", source="poverty", person_no="H102"),
        0.999,
        "apart",
    ),
    (
        "stated sex differs",
        row("张建国", sex_norm="M", **HOME),
        row("张建国", sex_norm="F", **HOME),
        0.999,
        "apart",
    ),
    # 4. soft vetoes hold where the ID number does not decide
    ("one character apart, no ID", row("张建国", **HOME), row("张建图", **HOME), 0.999, "apart"),
    ("household member", row("张建国", **HOME), row("张小伟", **HOME), 0.999, "apart"),
    # 5. ... but where the ID numbers agree short of one valid number, the model weighs it
    (
        "one character apart, same invalid ID, likely",
        row("张建国", id_norm=VALID),
        row("张建图", id_norm=VALID),
        0.9,
        "linked",
    ),
    (
        "one character apart, same invalid ID, unlikely",
        row("张建国", id_norm=VALID),
        row("张建图", id_norm=VALID),
        0.1,
        "apart",
    ),
    (
        "one character apart, ID one slip apart",
        row("张建国", id_norm=VALID),
        row("张建图", id_norm="61102319900101124X"),
        0.9,
        "linked",
    ),
    (
        "clearly different name, ID one slip apart",
        row("张建国", id_norm=VALID),
        row("李秀英", id_norm="61102319900101124X"),
        0.999,
        "apart",
    ),
    (
        "petition and a child, no ID",
        row("肖飞", source="petitions", age_class="petitioner", **HOME),
        row("肖飞", age_class="child", **HOME),
        0.999,
        "apart",
    ),
    # 5. ... and a petition is weighed against a child's row where the ID numbers agree short
    #    of one valid number: the child's own number with a slip (a parent's is years apart)
    (
        "child's own ID with one slip on the petition, likely",
        row("肖飞", source="petitions", age_class="petitioner", id_norm="611023201504011234"),
        row("肖飞", age_class="child", id_norm="611023201504011235", birth=date(2015, 4, 1)),
        0.9,
        "linked",
    ),
    (
        "child's own ID with one slip on the petition, unlikely",
        row("肖飞", source="petitions", age_class="petitioner", id_norm="611023201504011234"),
        row("肖飞", age_class="child", id_norm="611023201504011235", birth=date(2015, 4, 1)),
        0.1,
        "apart",
    ),
    (
        "petition by a parent of the child's name, another ID",
        row("肖飞", source="petitions", age_class="petitioner", id_norm="611023198504011234"),
        row("肖飞", age_class="child", id_norm="611023201504011235", birth=date(2015, 4, 1)),
        0.999,
        "apart",
    ),
    (
        "birth dates a generation apart, no ID (a father and a son of one name)",
        row("张建国", birth=date(1970, 7, 8), **HOME),
        row("张建国", birth=date(2013, 7, 14), **HOME),
        0.999,
        "apart",
    ),
    (
        "birth dates weeks apart across New Year (a lunar birthday), no ID",
        row("张建国", birth=date(1970, 12, 20), **HOME),
        row("张建国", birth=date(1971, 1, 26), **HOME),
        0.9,
        "linked",
    ),
    (
        "two ID numbers apart, one invalid, birth dates a generation apart",
        row("张建国", id_norm="611023196506291234", birth=date(1965, 6, 29), **HOME),
        row("张建国", id_norm="611023198907184321", birth=date(1989, 7, 18), **HOME),
        0.999,
        "apart",
    ),
    (
        "two ID numbers apart, one invalid, the same birth date (two slips): weighed",
        row("张建国", id_norm="611023198907181234", birth=date(1989, 7, 18), **HOME),
        row("张建国", id_norm="611023198907184321", birth=date(1989, 7, 18), **HOME),
        0.9,
        "linked",
    ),
    # the model decides the rest
    ("same name, no ID, likely", row("张建国", **HOME), row("张建国", **HOME), 0.9, "linked"),
    ("same name, no ID, unlikely", row("张建国", **HOME), row("张建国", **HOME), 0.1, "apart"),
]


@pytest.mark.parametrize(
    ("left", "right", "probability", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_evidence_order(
    config: Config, left: dict[str, Any], right: dict[str, Any], probability: float, expected: str
) -> None:
    assert outcome(config, left, right, probability) == expected


def test_a_decisive_pair_is_never_kept_apart_by_a_third_record(config: Config) -> None:
    # 0 and 1 share a valid ID and a name one character apart, but their own pair is weak
    # (another village): cannot_link_below must not split them, though 0's namesake
    # without an ID (2) is likelier for 0 and cannot join 1
    settings = config.linkage
    table = records(
        [
            valid("张建国", village="西岭村"),
            valid("张建图", village="东岭村"),
            row("张建国", village="西岭村"),
        ]
    )
    pairs = pl.DataFrame(
        {"idx_l": [0, 0, 1], "idx_r": [1, 2, 2]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    scored = compare_pairs(
        pairs, table, settings.comparisons, settings.lookalike_groups
    ).with_columns(pl.Series("match_probability", [0.01, 0.95, 0.01]))
    pid = cluster_records(table, scored, settings.clustering, settings.level_names())
    assert pid["person_id"][0] == pid["person_id"][1] != pid["person_id"][2]


def test_the_order_is_in_the_config(config: Config) -> None:
    clustering = config.linkage.clustering
    assert clustering.decisive["identity"] == ("id_exact_valid",)
    assert {"one_char_apart", "same_surname"} <= set(clustering.decisive["name"])
    assert clustering.review == {"identity": ("id_exact_valid",), "name": ("name_diff",)}
    assert "sex_diff" in clustering.hard_vetoes["sex"]
    assert "child_petitioner" in clustering.vetoes["age"]
    # a pair left for review must not link: its name level is vetoed
    broken = clustering.model_copy(update={"vetoes": {"age": ("child_petitioner",)}})
    problems = config.linkage.model_copy(update={"clustering": broken}).problems()
    assert "clustering.review: no comparison of it is at vetoed levels only" in problems
