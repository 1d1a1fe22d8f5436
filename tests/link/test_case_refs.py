"""Case references: the one rule (`case_names`) for the linkage table and the lead list."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.link.case_refs import case_lookup, case_names, case_text

CASES = pl.DataFrame(
    {
        "case_id": [
            "商南检刑诉受[2024]1号",
            "商南检刑诉受[2024]2号",
            "商南检刑诉受[2024]3号",
            "X4",
        ],
        "case_name": [
            "马某等故意伤害案",
            "张某交通肇事案",
            "张某交通肇事案",
            "商南检刑诉受[2024]1号",
        ],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("商南检刑诉受[2024]1号", [("商南检刑诉受[2024]1号", False)]),  # a number
        ("马某等故意伤害案", [("商南检刑诉受[2024]1号", False)]),  # a name one case holds
        # a name two cases hold: both, marked for the caller to tell apart
        ("张某交通肇事案", [("商南检刑诉受[2024]2号", True), ("商南检刑诉受[2024]3号", True)]),
        ("X4", [("X4", False)]),
        ("无", []),
    ],
)
def test_case_names(text: str, expected: list[tuple[str, bool]]) -> None:
    named = case_names(CASES).filter(pl.col("case_text") == text).sort("case_id")
    assert named.select("case_id", "case_named_by_several").rows() == expected


def test_a_name_that_is_another_case_number_names_only_that_number() -> None:
    # X4 is named 商南检刑诉受[2024]1号: the text is case 1's number, not X4's name
    named = case_names(CASES).filter(pl.col("case_id") == "X4")
    assert named["case_text"].to_list() == ["X4"]


def test_every_text_names_at_most_one_case_unless_marked() -> None:
    named = case_names(CASES)
    unmarked = named.filter(~pl.col("case_named_by_several"))
    assert unmarked["case_text"].is_unique().all()


@pytest.mark.parametrize(
    ("written", "matched"),
    [
        ("商南检刑诉受〔2024〕1号", "商南检刑诉受[2024]1号"),
        ("商南检刑诉受【2024】1号 ", "商南检刑诉受[2024]1号"),
        ("商南检刑诉受［2024］1号", "商南检刑诉受[2024]1号"),  # full-width brackets, NFKC
        (" 马某 等故意伤害案", "马某等故意伤害案"),
        ("  ", None),
        (None, None),
    ],
)
def test_case_text_folds_how_a_reference_is_written(
    written: str | None, matched: str | None
) -> None:
    frame = pl.DataFrame({"ref": [written]}, schema={"ref": pl.Utf8})
    assert frame.select(case_text("ref"))["ref"].to_list() == [matched]


def test_the_linkage_lookup_leaves_shared_names_out() -> None:
    lookup = case_lookup(CASES)
    assert "张某交通肇事案" not in lookup["_case_text"].to_list()
    assert set(lookup["case_key"]) == {"商南检刑诉受[2024]1号", "X4"} | {
        "商南检刑诉受[2024]2号",
        "商南检刑诉受[2024]3号",
    }
