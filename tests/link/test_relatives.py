"""Relief rows of a victim's relative, joined through the households of the case's parties."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.link.relatives import (
    BY_CASE_HOUSEHOLD,
    BY_PAIRS,
    _moved_to_relatives,
    _rows_of_each_id,
    join_relatives_through_case,
)

CASE = "商南检刑诉受[2024]611023000555号"


def table(rows: list[dict[str, Any]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records, links) from rows with source, person_id and the columns the join reads."""
    base = {"case_key": None, "household_id": None, "trusted_id": None, "name_pinyin": None}
    full = [base | {"idx": i, "record_key": f"r{i}"} | row for i, row in enumerate(rows)]
    frame = pl.DataFrame(full, infer_schema_length=None).with_columns(
        pl.col("idx").cast(pl.UInt32),
        *(pl.col(c).cast(pl.Utf8) for c in ("case_key", "household_id", "trusted_id")),
    )
    links = frame.select(
        "idx",
        "record_key",
        "person_id",
        pl.len().over("person_id").cast(pl.UInt32).alias("cluster_size"),
        pl.lit(0.99).alias("link_confidence"),
    )
    return frame.drop("person_id"), links


HOUSEHOLD = [
    # the victim: a cases row and a monitoring row, one person
    {"source": "cases", "case_key": CASE, "name_pinyin": "wang qiang", "person_id": "PV"},
    {"source": "poverty", "household_id": "H1", "name_pinyin": "wang qiang", "person_id": "PV"},
    # his wife, in the monitoring export only, without an ID
    {"source": "poverty", "household_id": "H1", "name_pinyin": "li yin hua", "person_id": "PW"},
]


def test_a_relief_row_of_the_victims_wife_joins_her() -> None:
    relief = {"source": "relief_history", "case_key": CASE, "name_pinyin": "li yin hua"}
    records, links = table([*HOUSEHOLD, relief | {"person_id": "PR"}])
    out = join_relatives_through_case(records, links, ("relief_history",))
    row = out.row(3, named=True)
    assert row["person_id"] == "PW" and row["linked_by"] == BY_CASE_HOUSEHOLD
    assert row["link_confidence"] is None
    assert out["cluster_size"].to_list() == [2, 2, 2, 2]
    assert out["linked_by"].to_list()[:3] == [BY_PAIRS] * 3


def test_no_join_without_a_unique_namesake_or_against_a_trusted_id() -> None:
    relief = {"source": "relief_history", "case_key": CASE, "name_pinyin": "li yin hua"}
    twice = [*HOUSEHOLD, HOUSEHOLD[2] | {"person_id": "PX"}]  # two of that name: no guess
    other_case = relief | {"case_key": "X"}
    other_id = relief | {"trusted_id": "611023198001310648"}
    wife_id = [*HOUSEHOLD[:2], HOUSEHOLD[2] | {"trusted_id": "611023198001310656"}]
    for rows in (
        [*twice, relief | {"person_id": "PR"}],
        [*HOUSEHOLD, other_case | {"person_id": "PR"}],
        [*wife_id, other_id | {"person_id": "PR"}],
    ):
        records, links = table(rows)
        out = join_relatives_through_case(records, links, ("relief_history",))
        assert out["person_id"][-1] == "PR"
        assert out["linked_by"][-1] == BY_PAIRS


def test_rows_already_linked_and_other_sources_stay() -> None:
    petition = {"source": "petitions", "case_key": CASE, "name_pinyin": "li yin hua"}
    records, links = table([*HOUSEHOLD, petition | {"person_id": "PR"}])
    out = join_relatives_through_case(records, links, ("relief_history",))
    assert out["person_id"].to_list() == ["PV", "PV", "PW", "PR"]
    assert join_relatives_through_case(records, links, ())["person_id"].equals(links["person_id"])


@pytest.mark.parametrize(
    ("source", "who"),
    [
        # the wife petitions about her husband's case, from her own phone, no ID
        ("petitions", "the victim's wife petitioning"),
        # a second victim of the case, her case row without ID, address or phone
        ("cases", "a second party of one family"),
        ("relief_history", "relief paid to the wife"),
    ],
)
def test_the_config_joins_a_lone_row_of_each_source_to_the_household_member(
    source: str, who: str
) -> None:
    sources = load_config().linkage.clustering.relatives_through_case
    row = {"source": source, "case_key": CASE, "name_pinyin": "li yin hua", "person_id": "PR"}
    records, links = table([*HOUSEHOLD, row])
    out = join_relatives_through_case(records, links, sources)
    assert out["person_id"][-1] == "PW", who
    assert out["linked_by"][-1] == BY_CASE_HOUSEHOLD


def test_a_person_outside_the_register_moves_whole_and_a_listed_one_stays() -> None:
    # the wife's two petitions about her husband's case, linked to each other only
    petition = {"source": "petitions", "case_key": CASE, "name_pinyin": "li yin hua"}
    records, links = table(
        [*HOUSEHOLD, petition | {"person_id": "PR"}, petition | {"person_id": "PR"}]
    )
    out = join_relatives_through_case(records, links, ("petitions",))
    assert out["person_id"].to_list() == ["PV", "PV", "PW", "PW", "PW"]
    assert out["linked_by"].to_list()[3:] == [BY_CASE_HOUSEHOLD] * 2
    # ... but a person the monitoring export lists stays where clustering put it
    listed = {"source": "poverty", "household_id": "H9", "name_pinyin": "li yin hua"}
    records, links = table(
        [*HOUSEHOLD, petition | {"person_id": "PR"}, listed | {"person_id": "PR"}]
    )
    out = join_relatives_through_case(records, links, ("petitions",))
    assert out["person_id"].to_list()[3:] == ["PR", "PR"]


def test_a_person_whose_rows_point_at_two_relatives_stays() -> None:
    other_case = "商南检刑诉受[2024]611023000556号"
    second = [
        {"source": "cases", "case_key": other_case, "name_pinyin": "zhao gang", "person_id": "PZ"},
        {"source": "poverty", "household_id": "H2", "name_pinyin": "zhao gang", "person_id": "PZ"},
        {"source": "poverty", "household_id": "H2", "name_pinyin": "li yin hua", "person_id": "PY"},
    ]
    petition = {"source": "petitions", "name_pinyin": "li yin hua", "person_id": "PR"}
    rows = [*HOUSEHOLD, *second, petition | {"case_key": CASE}, petition | {"case_key": other_case}]
    records, links = table(rows)
    out = join_relatives_through_case(records, links, ("petitions",))
    assert out["person_id"].to_list()[-2:] == ["PR", "PR"]


def _reference_moved(links: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """The first `_moved_to_relatives`: every row joined to `found`, every person counted."""
    joined = links.with_columns(pl.lit(BY_PAIRS).alias("linked_by")).join(
        found, on="idx", how="left"
    )
    moved = pl.col("_member").is_not_null()
    return (
        joined.with_columns(
            pl.coalesce("_member", "person_id").alias("person_id"),
            pl.when(moved).then(None).otherwise(pl.col("link_confidence")).alias("link_confidence"),
            pl.when(moved)
            .then(pl.lit(BY_CASE_HOUSEHOLD))
            .otherwise(pl.col("linked_by"))
            .alias("linked_by"),
        )
        .with_columns(pl.len().over("person_id").cast(pl.UInt32).alias("cluster_size"))
        .drop("_member")
    )


@settings(max_examples=80, deadline=None)
@given(
    persons=st.lists(st.integers(0, 7), min_size=1, max_size=30),
    moves=st.dictionaries(st.integers(0, 7), st.integers(0, 7), max_size=4),
    shuffled=st.randoms(use_true_random=False),
)
def test_moving_rows_gives_what_joining_every_row_gave(
    persons: list[int], moves: dict[int, int], shuffled: Any
) -> None:
    # links in any idx order; whole persons move to another person (or to their own id:
    # then only `linked_by` changes)
    idx = list(range(len(persons)))
    shuffled.shuffle(idx)
    # sizes as clustering gives them: a cluster's rows, which two clusters sharing an id
    # (the 9 M province has such a pair) do not add up to
    links = pl.DataFrame(
        {
            "idx": idx,
            "record_key": [f"r{i}" for i in idx],
            "person_id": [f"P{p}" for p in persons],
            "link_confidence": [0.5 + i / 100 for i in idx],
            "cluster_size": [1 + i % 3 for i in idx],
        },
        schema_overrides={"idx": pl.UInt32, "cluster_size": pl.UInt32},
    )
    links = links.select("idx", "record_key", "person_id", "cluster_size", "link_confidence")
    found = pl.DataFrame(
        [(i, f"P{moves[p]}") for i, p in zip(idx, persons, strict=True) if p in moves],
        schema={"idx": pl.UInt32, "_member": pl.Utf8},
        orient="row",
    )
    before = links.clone()
    out = _moved_to_relatives(links, found)
    assert out.equals(_reference_moved(links, found))
    assert links.equals(before)  # the frame handed in is not changed in place


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.sampled_from(["P1", "P2", "P3", None]), max_size=20))
def test_rows_of_each_id_counts_as_len_over(ids: list[str | None]) -> None:
    series = pl.Series("person_id", ids, dtype=pl.Utf8)
    expected = series.to_frame().select(pl.len().over("person_id"))
    assert _rows_of_each_id(series).to_list() == expected.to_series().to_list()
