"""Reviewers' decisions carry over by 线索编号; a rejected lead is not new again unless its evidence changed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl

from pipeline.leads.reviews import carry_over_reviews
from pipeline.run import RunInputs, run


def candidates(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "candidate_id": [r[0] for r in rows],
            "evidence_hash": [r[1] for r in rows],
            "is_new": [True] * len(rows),
            "status": ["new"] * len(rows),
        }
    )


def reviews(*rows: tuple[str, str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "candidate_id": [r[0] for r in rows],
            "decision": [r[1] for r in rows],
            "note": [r[2] for r in rows],
            "evidence_hash": [r[3] for r in rows],
        },
        schema={
            "candidate_id": pl.Utf8,
            "decision": pl.Utf8,
            "note": pl.Utf8,
            "evidence_hash": pl.Utf8,
        },
    )


def test_decisions_and_notes_follow_the_candidate_id() -> None:
    out = carry_over_reviews(
        candidates(("L1", "h1"), ("L2", "h2"), ("L3", "h3")),
        reviews(
            ("L1", "采纳", "已联系家属", "h1"),
            ("L2", "不采纳", "已全额赔偿", "h2"),
            ("L9", "待核实", "", "x"),
        ),
    )
    rows = {r["candidate_id"]: r for r in out.iter_rows(named=True)}
    assert rows["L1"]["decision"] == "采纳" and rows["L1"]["note"] == "已联系家属"
    assert rows["L2"]["status"] == "rejected_unchanged" and rows["L2"]["is_new"] is False
    assert rows["L3"]["decision"] == "" and rows["L3"]["is_new"] is True
    assert out.height == 3


def test_a_rejected_lead_whose_evidence_changed_is_flagged_for_another_look() -> None:
    out = carry_over_reviews(
        candidates(("L2", "new-hash")), reviews(("L2", "不采纳", "", "old-hash"))
    )
    assert out["status"][0] == "changed_since_review"
    assert out["decision"][0] == "不采纳"


def test_blank_or_unknown_decisions_are_ignored() -> None:
    out = carry_over_reviews(candidates(("L1", "h")), reviews(("L1", " ", "", "h")))
    assert out["decision"][0] == "" and out["is_new"][0] is True


def test_reviewed_list_round_trips_through_the_reviewer_file(tmp_path: Path) -> None:
    first = run(RunInputs.sample(), out=tmp_path / "runs")
    sheet = pl.read_csv(first.folder / "线索清单.csv", infer_schema=False)
    decided = sheet.with_columns(
        pl.when(pl.col("排名") == "1")
        .then(pl.lit("采纳"))
        .when(pl.col("排名") == "2")
        .then(pl.lit("不采纳"))
        .otherwise(pl.col("审核结论"))
        .alias("审核结论"),
        pl.when(pl.col("排名") == "2")
        .then(pl.lit("已全额赔偿，核实无困难"))
        .otherwise(pl.col("审核备注"))
        .alias("审核备注"),
    )
    path = tmp_path / "reviewed.csv"
    decided.write_csv(path, include_bom=True)
    second = run(replace(RunInputs.sample(), reviews=path), out=tmp_path / "runs")
    after = pl.read_csv(second.folder / "线索清单.csv", infer_schema=False)
    by_id = {r["线索编号"]: r for r in after.iter_rows(named=True)}
    first_id, second_id = sheet["线索编号"][0], sheet["线索编号"][1]
    assert by_id[first_id]["审核结论"] == "采纳"
    assert by_id[second_id]["审核结论"] == "不采纳"
    assert by_id[second_id]["审核备注"] == "已全额赔偿，核实无困难"
    assert by_id[second_id]["是否新增"] == "否"
    assert second.manifest["reviews"][0]["rows_read"] == sheet.height
