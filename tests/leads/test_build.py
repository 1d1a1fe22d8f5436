"""Lead building: case references by number or by name; relief and petitions reach the right lead."""

from __future__ import annotations

import polars as pl

from pipeline.leads.build import _attach_relief, person_attributes, resolve_case_refs

LEADS = pl.DataFrame(
    {
        "case_id": ["商南检刑诉受[2024]1号", "商南检刑诉受[2024]2号", "商南检刑诉受[2024]3号"],
        "case_name": ["马某等故意伤害案", "张某交通肇事案", "张某交通肇事案"],
    }
)


def test_case_refs_resolve_by_number_or_unique_name() -> None:
    rows = pl.DataFrame(
        {"case_ref": ["商南检刑诉受[2024]1号", " 马某等故意伤害案 ", "张某交通肇事案", "无", None]}
    )
    out = resolve_case_refs(rows, LEADS)["case_id"].to_list()
    # a name shared by two cases stays unresolved rather than guessed
    assert out == ["商南检刑诉受[2024]1号", "商南检刑诉受[2024]1号", None, None, None]


def test_every_case_of_a_shared_name_is_offered_and_marked() -> None:
    rows = pl.DataFrame({"case_ref": ["张某交通肇事案", "马某等故意伤害案"], "k": ["a", "b"]})
    out = resolve_case_refs(rows, LEADS, every_case_named=True).sort("k", "case_id")
    assert out["case_id"].to_list() == [
        "商南检刑诉受[2024]2号",
        "商南检刑诉受[2024]3号",
        "商南检刑诉受[2024]1号",
    ]
    assert out["case_named_by_several"].to_list() == [True, True, False]


def test_relief_naming_a_shared_case_name_reaches_the_recipients_case_only() -> None:
    leads = LEADS.with_columns(pl.Series("person_id", ["P1", "P2", "P3"]))
    connected = leads.select("person_id", "case_id", pl.col("person_id").alias("other"))
    relief = pl.DataFrame(
        {"person_id": ["P3", "P9"], "case_ref": ["张某交通肇事案"] * 2, "record_key": ["r1", "r2"]}
    )
    out = _attach_relief(leads, relief, connected).sort("case_id")
    # P3 is the victim of case 3: its relief is case 3's; P9 cannot be placed in either
    assert out["relief_rows"].to_list() == [[], [], ["r1"]]
    assert out["other_relief_rows"].to_list() == [None, None, None]


def test_the_evidence_of_a_victim_s_case_reads_the_same_whatever_the_row_order() -> None:
    """Two case rows of one victim: their evidence lines, joined, do not depend on which row
    a join or a thread handed over first (the reviewer's 推荐理由 must not change run to run)."""
    from pipeline.config import load_config
    from pipeline.leads.build import victim_case_leads

    rows = pl.DataFrame(
        {
            "person_id": ["P1", "P1"],
            "case_id": ["C1", "C1"],
            "record_key": ["cases:1", "cases:2"],
            "case_name": ["甲案", "甲案"],
            "charge": ["故意伤害罪", "故意伤害罪"],
            "accepted": ["2024-01-02", "2024-01-02"],
            "fact_injury": ["轻伤", "轻伤"],
            "fact_death": [False, False],
            "fact_loss": [None, None],
            "fact_compensation": [None, "none"],
            "fact_forgiveness": [None, None],
            "fact_settlement_paid": [None, None],
            "fact_hit_and_run": [False, False],
            "fact_offender_unknown": [False, False],
            "fact_victim_fault": [False, False],
            "fact_compensation_waived": [False, False],
            "fact_case_hardship": [False, False],
            "fact_evidence": ["伤情(摘要): 致被害人轻伤", "赔偿情况(摘要): 至今未赔偿"],
        },
        schema_overrides={
            "fact_loss": pl.Float64,
            "fact_forgiveness": pl.Utf8,
            "fact_settlement_paid": pl.Boolean,
        },
    )
    vocabulary = load_config().vocabulary
    forward = victim_case_leads(rows, vocabulary)["case_evidence"].to_list()
    backward = victim_case_leads(rows.reverse(), vocabulary)["case_evidence"].to_list()
    assert forward == backward == ["伤情(摘要): 致被害人轻伤；赔偿情况(摘要): 至今未赔偿"]


def test_the_attributes_of_some_persons_are_theirs_among_everyone_s() -> None:
    """person_attributes restricted to the leads' persons: each of them gets what the
    whole table gives (trusted IDs first, then row order), across sources."""
    frame = pl.DataFrame(
        {
            "person_id": ["P1", "P2", "P1", "P3", "P2", "P1"],
            "name_norm": ["张三", "李四", "张叁", None, "李肆", "章三"],
            "birth": [None, "1980-01-01", "1970-02-03", "1990", None, "1970-02-04"],
            "sex_norm": ["男", None, "男", "女", "女", None],
            "id_trusted": [False, None, True, True, True, True],
            "id_norm": ["A", None, "B", "C", "D", "E"],
        }
    )
    prepared = {"poverty": frame.slice(0, 3), "cases": frame.slice(3)}
    every = person_attributes(prepared)
    some = person_attributes(prepared, pl.Series(["P1", "P2", "P9"]))
    assert (
        some.sort("person_id").rows()
        == every.filter(pl.col("person_id").is_in(["P1", "P2"])).sort("person_id").rows()
    )
    assert some.filter(pl.col("person_id") == "P1").row(0) == (
        "P1",
        "张叁",
        "1970-02-03",
        "男",
        "B",
    )
