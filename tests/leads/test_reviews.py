"""Reviewers' decisions carry over by 线索编号: the words of schemas/vocabulary.yaml and their
synonyms, unknown words kept and reported with their row, notes never lost, a decided lead
whose evidence changed shown as such, and the manifest counting what was read and carried."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Config, ReviewDecisions
from pipeline.leads.reviews import carry_over_reviews, review_rows
from pipeline.outputs.spreadsheet import restore_formulas
from pipeline.run import RunInputs, RunResult, run


def candidates(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "candidate_id": [r[0] for r in rows],
            "evidence_hash": [r[1] for r in rows],
            "is_new": [True] * len(rows),
            "status": ["new"] * len(rows),
        }
    )


def reviews(*rows: tuple[str, str | None, str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "candidate_id": [r[0] for r in rows],
            "decision": [r[1] for r in rows],
            "note": [r[2] for r in rows],
            "evidence_hash": [r[3] for r in rows],
        },
        schema=dict.fromkeys(("candidate_id", "decision", "note", "evidence_hash"), pl.Utf8),
    )


@pytest.fixture
def decisions(config: Config) -> ReviewDecisions:
    return config.vocabulary.review_decisions


def carried(
    decisions: ReviewDecisions, cands: pl.DataFrame, rows: pl.DataFrame
) -> dict[str, dict[str, object]]:
    out = carry_over_reviews(cands, review_rows(rows, decisions), decisions)
    assert out.height == cands.height
    return {r["candidate_id"]: r for r in out.iter_rows(named=True)}


@pytest.mark.parametrize(
    ("written", "decision"),
    [
        ("采纳", "采纳"),
        ("同意", "采纳"),
        ("已采纳", "采纳"),
        ("通过", "采纳"),
        (" 同 意 ", "采纳"),
        ("采纳。", "采纳"),
        ("不采纳", "不采纳"),
        ("不同意", "不采纳"),
        ("驳回", "不采纳"),
        ("不予采纳！", "不采纳"),
        ("待核实", "待核实"),
        ("核实中", "待核实"),
        ("'待核实", "待核实"),  # an apostrophe Excel users type before text
    ],
)
def test_decision_words_and_their_synonyms(
    decisions: ReviewDecisions, written: str, decision: str
) -> None:
    rows = carried(decisions, candidates(("L1", "h")), reviews(("L1", written, "备注", "h")))
    assert rows["L1"]["decision"] == decision
    assert rows["L1"]["decision_known"] is True and rows["L1"]["is_new"] is False
    assert rows["L1"]["note"] == "备注"


def test_decisions_and_notes_follow_the_candidate_id(decisions: ReviewDecisions) -> None:
    rows = carried(
        decisions,
        candidates(("L1", "h1"), ("L2", "h2"), ("L3", "h3")),
        reviews(
            ("L1", "采纳", "已联系家属", "h1"),
            ("L2", "不采纳", "已全额赔偿", "h2"),
            ("L9", "待核实", "", "x"),
        ),
    )
    assert rows["L1"]["decision"] == "采纳" and rows["L1"]["note"] == "已联系家属"
    assert rows["L2"]["status"] == "rejected_unchanged" and rows["L2"]["is_new"] is False
    assert rows["L3"]["decision"] == "" and rows["L3"]["is_new"] is True


def test_a_decided_lead_whose_evidence_changed_is_flagged_for_another_look(
    decisions: ReviewDecisions,
) -> None:
    for word in ("不采纳", "采纳"):
        rows = carried(
            decisions, candidates(("L2", "new-hash")), reviews(("L2", word, "", "old-hash"))
        )
        assert rows["L2"]["status"] == "changed_since_review"
        assert rows["L2"]["decision"] == word


def test_an_unknown_word_is_kept_as_written_with_its_note(decisions: ReviewDecisions) -> None:
    rows = carried(
        decisions,
        candidates(("L1", "h"), ("L2", "h")),
        reviews(("L1", "先放一放", "等法院回函", "h"), ("L2", None, "只写了备注", "h")),
    )
    assert rows["L1"]["decision"] == "先放一放" and rows["L1"]["decision_known"] is False
    assert rows["L1"]["note"] == "等法院回函"
    assert rows["L1"]["is_new"] is True and rows["L1"]["status"] == "new"
    assert rows["L2"]["decision"] == "" and rows["L2"]["note"] == "只写了备注"


def test_the_last_recognised_decision_of_a_lead_wins(decisions: ReviewDecisions) -> None:
    rows = carried(
        decisions,
        candidates(("L1", "h")),
        reviews(("L1", "待核实", "", "h"), ("L1", "驳回", "第二次", "h"), ("L1", "??", "", "h")),
    )
    assert rows["L1"]["decision"] == "不采纳" and rows["L1"]["note"] == "第二次"


def test_blank_decisions_change_nothing(decisions: ReviewDecisions) -> None:
    rows = carried(decisions, candidates(("L1", "h")), reviews(("L1", " ", "", "h")))
    assert rows["L1"]["decision"] == "" and rows["L1"]["is_new"] is True


def test_a_word_under_two_decisions_is_a_config_error(decisions: ReviewDecisions) -> None:
    raw = decisions.model_dump()
    raw["rejected"]["synonyms"] = [*raw["rejected"]["synonyms"], "同 意"]
    with pytest.raises(ValueError, match="both accepted and rejected"):
        ReviewDecisions.model_validate(raw)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult, Path]:
    """A run, its 线索清单 filled in as a reviewer would (synonyms, an unknown word, a note
    without a decision, a changed fingerprint, a blank line), and the next run reading it."""
    tmp = tmp_path_factory.mktemp("reviews")
    first = run(RunInputs.sample(), out=tmp / "runs")
    sheet = restore_formulas(pl.read_csv(first.folder / "线索清单.csv", infer_schema=False))
    words = {1: "采纳", 2: "不采纳", 3: "同意", 4: "已采纳", 5: "驳回", 6: "核实中", 7: "再议"}
    rank = pl.col("排名").cast(pl.Int64)
    decided = sheet.with_columns(
        rank.replace_strict(words, default=None, return_dtype=pl.Utf8).alias("审核结论"),
        pl.when(rank == 2)
        .then(pl.lit("已全额赔偿，核实无困难"))
        .when(rank == 7)
        .then(pl.lit("等法院回函"))
        .when(rank == 8)
        .then(pl.lit("只写了备注"))
        .otherwise(pl.col("审核备注"))
        .alias("审核备注"),
        # the reviewer decided lead 5 on evidence that has changed since
        pl.when(rank == 5)
        .then(pl.lit("0000000000"))
        .otherwise(pl.col("证据指纹"))
        .alias("证据指纹"),
    )
    blank = pl.DataFrame([[None] * decided.width], schema=decided.schema, orient="row")
    path = tmp / "线索清单-已审核.csv"
    pl.concat([decided.head(10), blank, decided.slice(10)]).write_csv(path, include_bom=True)
    second = run(replace(RunInputs.sample(), reviews=path), out=tmp / "runs")
    return first, second, path


def test_decisions_round_trip_through_the_reviewer_file(
    round_trip: tuple[RunResult, RunResult, Path],
) -> None:
    first, second, _ = round_trip
    ids = pl.read_csv(first.folder / "线索清单.csv", infer_schema=False)["线索编号"].to_list()
    after = pl.read_csv(second.folder / "线索清单.csv", infer_schema=False)
    by_id = {r["线索编号"]: r for r in after.iter_rows(named=True)}
    shown = [(by_id[i]["审核结论"], by_id[i]["审核备注"], by_id[i]["是否新增"]) for i in ids[:8]]
    assert shown == [
        ("采纳", "", "否"),
        ("不采纳", "已全额赔偿，核实无困难", "否"),
        ("采纳", "", "否"),
        ("采纳", "", "否"),
        ("不采纳", "", "否"),
        ("待核实", "", "否"),
        ("再议", "等法院回函", "否"),  # kept as written; not new against the first run anyway
        ("", "只写了备注", "否"),
    ]
    assert by_id[ids[4]]["变化情况"].startswith("证据有变化")
    assert by_id[ids[1]]["变化情况"] == "已审核不采纳，证据无变化"
    assert by_id[ids[0]]["变化情况"] == "已审核"
    assert by_id[ids[8]]["变化情况"] == "无变化"


def test_the_manifest_counts_decisions_read_and_carried(
    round_trip: tuple[RunResult, RunResult, Path],
) -> None:
    first, second, path = round_trip
    manifest = json.loads((second.folder / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["reviews"]
    rows = first.candidates.height + 1  # and the blank line
    assert (entry["rows_read"], entry["rows_accepted"], entry["rows_quarantined"]) == (
        rows,
        rows - 1,
        1,
    )
    counts = manifest["counts"]["reviews"]
    assert counts["decisions_read"] == 7
    assert counts["decisions_recognised"] == 6
    assert counts["decisions_by_word"] == {"不采纳": 2, "待核实": 1, "采纳": 3}
    assert counts["decisions_through_synonyms"] == 4
    assert counts["decisions_carried"] == 6
    assert counts["notes_carried"] == 3
    assert counts["changed_since_review"] == 1
    assert counts["decided_leads_not_in_this_run"] == 0
    # the unknown word's row as Excel shows it: header row 1, lead 7 in row 8
    assert counts["decisions_unknown"] == [{"row": f"{path.name}#8", "word": "再议"}]
    quarantine = pl.read_csv(second.folder / "quarantine.csv", infer_schema=False)
    blank = quarantine.filter(pl.col("source") == "reviews").row(0, named=True)
    assert (blank["rule"], blank["excel_row"]) == ("blank_row", "12")
    summary = (second.folder / "summary.md").read_text(encoding="utf-8")
    assert "再议" in summary and f"{path.name}#8" in summary
