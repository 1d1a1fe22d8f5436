"""Linkage-table derivations (case key, hamlet, IDs that are another person's) and rivals."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline.config import ClusteringSettings, Config, load_config
from pipeline.ingest.read import read_source
from pipeline.link.case_refs import case_lookup
from pipeline.link.cluster import share_among_rivals
from pipeline.link.compare import shape_key
from pipeline.link.records import (
    LINKAGE_INPUT_COLUMNS,
    RECORD_SCHEMA,
    _age_class,
    address_hamlet,
    case_lookups,
    hamlet_number,
    linkage_records,
    numbered_records,
    source_records,
)
from pipeline.normalise.prepare import prepare_source
from pipeline.state import RunInputs

CASE = "商南检刑诉受[2023]611023000002号"
VOCABULARY = load_config().vocabulary


def _frame(source: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    base = {
        "source": source,
        "name_norm": "张三",
        "name_pinyin": "zhang san",
        "id_norm": None,
        "id_status": "missing",
        "id_trusted": False,
        "id_birth": None,
        "id_sex": None,
        "birth": None,
        "sex_norm": None,
        "phone_norm": None,
    }
    full = [base | {"record_key": f"{source}:{i}"} | row for i, row in enumerate(rows)]
    frame = pl.DataFrame(full, infer_schema_length=None)
    types = {"id_birth": pl.Date, "birth": pl.Date, "id_trusted": pl.Boolean}
    return frame.with_columns(
        pl.col(c).cast(types.get(c, pl.Utf8)) for c, t in frame.schema.items() if t == pl.Null
    )


def test_case_refs_resolve_to_the_case_number() -> None:
    cases = _frame(
        "cases",
        [
            {"case_id": CASE, "case_name": "邓军晨交通肇事案"},
            {"case_id": "X2", "case_name": "重名案"},
        ],
    ).vstack(_frame("cases", [{"case_id": "X3", "case_name": "重名案"}]))
    lookup = case_lookup(cases)
    petitions = _frame(
        "petitions",
        [
            {"case_ref": f" {CASE} "},  # the number, with spaces
            {"case_ref": "邓军晨交通肇事案"},  # a case name held by one case
            {"case_ref": "重名案"},  # a name two cases hold: no key
            {"case_ref": "无"},
            {"case_ref": "邓某交通肇事案"},
        ],
    )
    records = linkage_records({"cases": cases, "petitions": petitions}, VOCABULARY)
    keys = records.filter(pl.col("source") == "petitions")["case_key"].to_list()
    assert keys == [CASE, CASE, None, None, None]
    assert lookup.height == 4  # three numbers and one unique name


def test_hamlet_from_column_and_address() -> None:
    values = pl.DataFrame({"h": ["五组", "5组", "十二组", "组", None]})
    assert values.select(hamlet_number(pl.col("h")))["h"].to_list() == ["5", "5", "12", None, None]
    text = pl.DataFrame({"a": ["商南县清油河镇老坪村一组", "商南县老坪村", "西山社区3组"]})
    assert text.select(address_hamlet("a"))["a"].to_list() == ["1", None, "3"]


def test_an_id_contradicting_the_stated_birth_date_or_sex_is_not_the_rows() -> None:
    own = "611023199001011234"
    cases = _frame(
        "cases",
        [
            # a head's number: born 1962 by the ID, 1990 by the row
            {
                "id_norm": own,
                "id_status": "valid",
                "id_trusted": True,
                "id_birth": date(1962, 5, 1),
                "birth_date": "1990-01-01",
                "id_sex": "M",
                "sex": "男",
                "case_id": CASE,
            },
            # one digit apart: an entry error, the ID stays but is not trusted
            {
                "id_norm": own,
                "id_status": "valid",
                "id_trusted": True,
                "id_birth": date(1990, 1, 1),
                "birth_date": "1990-01-07",
                "id_sex": "M",
                "sex": "男",
                "case_id": CASE,
            },
            # valid, of the other sex than stated
            {
                "id_norm": own,
                "id_status": "valid",
                "id_trusted": True,
                "id_birth": date(1990, 1, 1),
                "birth_date": None,
                "id_sex": "M",
                "sex": "女",
                "case_id": CASE,
            },
        ],
    )
    records = linkage_records({"cases": cases}, VOCABULARY)
    assert records["id_norm"].to_list() == [None, own, None]
    assert records["id_trusted"].to_list() == [False, False, False]
    assert records["birth"].to_list() == [date(1990, 1, 1), date(1990, 1, 7), None]
    assert records["sex_norm"].to_list()[2] == "F"


def test_an_id_held_by_several_household_members_stays_with_the_head() -> None:
    head_id = "611023196205011234"
    poverty = _frame(
        "poverty",
        [
            {"household_id": "H1", "person_no": "H101", "relation": "户主", "name_norm": "张大"},
            {"household_id": "H1", "person_no": "H102", "relation": "之子", "name_norm": "张小"},
        ],
    ).with_columns(
        pl.lit(head_id).alias("id_norm"),
        pl.lit("valid").alias("id_status"),
        pl.lit(True).alias("id_trusted"),
        pl.lit(date(1962, 5, 1)).alias("birth"),
    )
    records = linkage_records({"poverty": poverty}, VOCABULARY)
    assert records["id_norm"].to_list() == [head_id, None]
    assert records["trusted_id"].to_list() == [head_id, None]
    assert records["birth"].to_list() == [date(1962, 5, 1), None]


def test_look_alike_names_share_a_shape_key(config: Config) -> None:
    names = pl.DataFrame({"name_norm": ["王光祥", "玉光祥", "李婧可", "季婧可", "张三"]})
    keys = names.select(shape_key("name_norm", config.linkage.lookalike_groups))["name_norm"]
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[4] == "张三"


def test_a_row_fitting_two_people_of_different_ids_shares_its_probability() -> None:
    records = pl.DataFrame(
        {
            "idx": [0, 1, 2, 3],
            "trusted_id": [None, "A", "B", "A"],
        },
        schema={"idx": pl.UInt32, "trusted_id": pl.Utf8},
    )
    # row 0 fits person A (rows 1 and 3) and person B (row 2) equally
    scored = pl.DataFrame(
        {
            "idx_l": [0, 0, 0, 1],
            "idx_r": [1, 2, 3, 3],
            "match_probability": [0.8, 0.8, 0.7, 0.99],
        },
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "match_probability": pl.Float64},
    )
    settings = ClusteringSettings(
        link_threshold=0.6, review_band=(0.3, 0.95), distinct=("trusted_id",)
    )
    shared = share_among_rivals(scored, records, settings, {})
    p = shared["match_probability"].to_numpy()
    # odds 4 against rival odds 4: 4 / (1 + 4 + 4)
    assert np.isclose(p[0], 4 / 9) and np.isclose(p[1], 4 / 9)
    assert p[0] < settings.link_threshold
    # a pair with no rival keeps its probability; the model's is kept alongside
    assert np.isclose(p[3], 0.99)
    assert shared["pair_probability"].to_list() == scored["match_probability"].to_list()


def test_a_candidate_held_apart_by_two_ids_is_no_rival() -> None:
    # a case row (its own valid ID, no person number) and two monitoring namesakes of one
    # household: one lost its ID to Excel, the other holds a different valid ID, so the
    # case row can only be the first; the second must not take its probability
    records = pl.DataFrame(
        {
            "idx": [0, 1, 2],
            "trusted_id": ["611023201512292781", None, "611023201501118868"],
            "monitoring_person": [None, "M1", "M2"],
        },
        schema={"idx": pl.UInt32, "trusted_id": pl.Utf8, "monitoring_person": pl.Utf8},
    )
    scored = pl.DataFrame(
        {"idx_l": [0, 0], "idx_r": [1, 2], "match_probability": [0.97, 0.993]},
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "match_probability": pl.Float64},
    )
    settings = ClusteringSettings(
        link_threshold=0.6,
        review_band=(0.3, 0.95),
        distinct=("trusted_id", "monitoring_person"),
    )
    shared = share_among_rivals(scored, records, settings, {})
    assert shared["match_probability"].to_list() == [0.97, 0.993]


def test_a_household_number_in_a_members_case_row_is_not_the_rows() -> None:
    head_id = "611023195212192414"
    poverty = _frame(
        "poverty",
        [
            {
                "household_id": "H1",
                "relation": "户主",
                "name_norm": "周军顺",
                "name_pinyin": "zhou jun shun",
                "id_norm": head_id,
            },
            {
                "household_id": "H1",
                "relation": "之子",
                "name_norm": "周立红",
                "name_pinyin": "zhou li hong",
                "id_norm": "611023198404265116",
            },
        ],
    ).with_columns(pl.lit("valid").alias("id_status"), pl.lit(True).alias("id_trusted"))
    case_row = {
        "case_id": CASE, "id_norm": head_id, "id_status": "valid", "id_trusted": True,
        "id_birth": date(1952, 12, 19), "birth": date(1952, 12, 19), "id_sex": "M", "sex": "男",
    }  # fmt: skip
    cases = _frame(
        "cases",
        [
            case_row | {"name_norm": "周立红", "name_pinyin": "zhou li hong"},  # the son
            case_row | {"name_norm": "周君顺", "name_pinyin": "zhou jun shun"},  # the head
            case_row | {"name_norm": "李四", "name_pinyin": "li si"},  # not of the household
        ],
    )
    records = linkage_records({"poverty": poverty, "cases": cases}, VOCABULARY).filter(
        pl.col("source") == "cases"
    )
    assert records["id_norm"].to_list() == [None, head_id, head_id]
    assert records["id_status"].to_list() == ["foreign", "valid", "valid"]
    assert records["trusted_id"].to_list() == [None, head_id, head_id]
    assert records["birth"].to_list() == [None, date(1952, 12, 19), date(1952, 12, 19)]


def test_a_case_name_two_cases_share_resolves_by_the_party_named() -> None:
    cases = _frame(
        "cases",
        [
            {"case_id": "X1", "case_name": "李中交通肇事案", "name_norm": "吴立茂"},
            {"case_id": "X1", "case_name": "李中交通肇事案", "name_norm": "李中"},
            {"case_id": "X2", "case_name": "李中交通肇事案", "name_norm": "马强"},
            {"case_id": "X2", "case_name": "李中交通肇事案", "name_norm": "李中"},
        ],
    )
    relief = _frame(
        "relief_history",
        [
            {"case_ref": "李中交通肇事案", "name_norm": "吴立茂"},  # a party of X1 only
            {"case_ref": "李中交通肇事案", "name_norm": "马强"},  # of X2 only
            {"case_ref": "李中交通肇事案", "name_norm": "李中"},  # of both: no key
            {"case_ref": "李中交通肇事案", "name_norm": "王五"},  # of neither
        ],
    )
    records = linkage_records({"cases": cases, "relief_history": relief}, VOCABULARY)
    keys = records.filter(pl.col("source") == "relief_history")["case_key"].to_list()
    assert keys == ["X1", "X2", None, None]


def test_children_and_petitioners_are_told_apart_by_age() -> None:
    petitions = _frame("petitions", [{"received": "2026-03-01"}, {"received": "2024-05-01"}])
    poverty = _frame(
        "poverty",
        [
            {"birth": date(2021, 7, 8)},  # four on the latest petition date
            {"birth": date(2010, 3, 1)},  # sixteen that day
            {"birth": date(2010, 3, 2)},  # sixteen the day after
            {"birth": date(1986, 9, 8)},
            {"birth": None},
        ],
    )
    records = linkage_records({"petitions": petitions, "poverty": poverty}, VOCABULARY)
    assert (
        records["age_class"].to_list() == ["child", None, "child", None, None] + ["petitioner"] * 2
    )


@pytest.mark.parametrize(
    ("birth", "school", "age_class"),
    [
        (None, "小学", "child"),  # ID lost to Excel, listed as a primary pupil
        (None, "七年级", "child"),
        (None, "学前教育", "child"),
        (None, "普通高中二年级", None),  # sixteen or more
        (None, "非在校生", None),
        (None, None, None),
        (date(1986, 9, 8), "小学", None),  # a birth date says more than the school column
    ],
)
def test_a_pupil_without_a_birth_date_is_a_child(
    birth: date | None, school: str | None, age_class: str | None
) -> None:
    petitions = _frame("petitions", [{"received": "2026-03-01"}])
    poverty = _frame("poverty", [{"birth": birth, "school": school}])
    records = linkage_records({"petitions": petitions, "poverty": poverty}, VOCABULARY)
    assert records["age_class"].to_list() == [age_class, "petitioner"]


def test_without_petition_dates_no_row_is_called_a_child() -> None:
    poverty = _frame("poverty", [{"birth": date(2021, 7, 8)}])
    assert linkage_records({"poverty": poverty}, VOCABULARY)["age_class"].to_list() == [None]


def test_a_petition_whose_own_id_says_a_child_is_in_the_childs_name() -> None:
    # a guardian files in the child's name with the child's ID: the row is the child's,
    # and the age rule (a child does not petition) does not keep it from the child's rows
    petitions = _frame(
        "petitions",
        [
            {"received": "2026-03-01", "birth": date(2015, 6, 1)},  # the child's ID
            {"received": "2026-03-01", "birth": date(1980, 6, 1)},
            {"received": "2026-03-01"},  # no ID: the guardian, as before
        ],
    )
    records = linkage_records({"petitions": petitions}, VOCABULARY)
    assert records["age_class"].to_list() == ["child", "petitioner", "petitioner"]


@pytest.mark.parametrize("source", ["poverty", "petitions", "cases", "relief_history"])
def test_a_part_needs_only_the_columns_linking_reads(source: str) -> None:
    """`source_records` gives the same part from the rows cut to LINKAGE_INPUT_COLUMNS as
    from every column (the run builds it so; a column it missed would read as empty)."""
    config = load_config()
    prepared = {
        name: prepare_source(name, read_source(name, path, config).frame)
        for name, path in RunInputs.sample().by_source().items()
    }
    cases = case_lookups(prepared["cases"])
    frame = prepared[source]
    cut = frame.select(c for c in frame.columns if c in LINKAGE_INPUT_COLUMNS)
    assert cut.width < frame.width
    full = source_records(source, frame, cases, config.vocabulary)
    assert_frame_equal(source_records(source, cut, cases, config.vocabulary), full)


@pytest.mark.parametrize(
    ("head_birth", "age_class"),
    [
        (date(1998, 5, 1), "child"),  # a son 18-45 years younger: born 2016 or later
        (date(1990, 5, 1), None),  # born 2008 or later: sixteen or more is possible
        (None, None),  # nobody of the household dated: nothing known
    ],
)
def test_a_row_whose_household_allows_only_a_child_is_a_child(
    head_birth: date | None, age_class: str | None
) -> None:
    petitions = _frame("petitions", [{"received": "2026-03-01"}])
    dated = head_birth is not None
    poverty = _frame(
        "poverty",
        [
            {"household_id": "H1", "relation": "户主", "birth": head_birth}
            | {"id_birth": head_birth, "id_trusted": dated, "id_norm": "X" if dated else None},
            {"household_id": "H1", "relation": "之子", "name_norm": "张小三"},
        ],
    )
    records = linkage_records({"petitions": petitions, "poverty": poverty}, VOCABULARY)
    assert records["age_class"].to_list()[1] == age_class


def test_petition_rows_are_flagged() -> None:
    petitions = _frame("petitions", [{"received": "2026-03-01"}])
    poverty = _frame("poverty", [{"birth": date(1986, 9, 8)}])
    cases = _frame("cases", [{"birth": date(1986, 9, 8)}])
    records = linkage_records(
        {"petitions": petitions, "poverty": poverty, "cases": cases}, VOCABULARY
    )
    flags = dict(zip(records["source"], records["petition_row"], strict=True))
    assert flags == {"poverty": False, "petitions": True, "cases": False}


def test_the_linkage_table_comes_in_one_chunk_a_column_at_a_time() -> None:
    poverty = source_records(
        "poverty",
        _frame("poverty", [{"household_id": "H1", "name_norm": n} for n in "甲乙丙丁"]),
        case_lookups(None),
        VOCABULARY,
    )
    petitions = source_records(
        "petitions", _frame("petitions", [{}, {"case_ref": CASE}]), case_lookups(None), VOCABULARY
    )
    # parts in several chunks each, as read back or stacked
    parts = [pl.concat([poverty.head(1), poverty.tail(3)], rechunk=False), petitions]
    latest = date(2024, 6, 1)
    expected = (
        pl.concat(parts)
        .with_columns(_age_class(latest), (pl.col("source") == "petitions").alias("petition_row"))
        .with_row_index("idx")
        .select(pl.col(c).cast(t) for c, t in RECORD_SCHEMA.items())
    )
    records = numbered_records(parts, latest)
    assert parts == []  # handed over: the caller holds no column of the table twice
    assert_frame_equal(records, expected)
    assert set(records.n_chunks("all")) == {1}
    assert numbered_records([], latest).schema == pl.Schema(RECORD_SCHEMA)
