"""Case facts from 案情摘要 and structured columns: tables of cases, then invariants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import ConfigError
from pipeline.signals import CASE_FACTS_OUTPUT, case_facts_frame, extract_case_facts
from pipeline.signals.patterns import TEXT_PATTERNS_PATH, load_text_patterns

# (summary, expected facts); facts not named must keep their empty value.
SUMMARY_CASES: list[tuple[str, dict[str, Any]]] = [
    # injury grades, detail, death
    (
        "被告人王某持刀将被害人李某捅伤，经鉴定，李某的损伤程度为重伤二级。",
        {"injury": "重伤", "injury_detail": "重伤二级"},
    ),
    ("致被害人张某轻伤一级。", {"injury": "轻伤", "injury_detail": "轻伤一级"}),
    (
        "双方发生口角，被害人头部受伤，经鉴定为轻微伤。",
        {"injury": "轻微伤", "injury_detail": "轻微伤"},
    ),
    (
        "被告人驾车将行人撞倒，被害人经抢救无效死亡。",
        {"injury": "死亡", "injury_detail": "死亡", "death": True},
    ),
    (
        "致一人死亡、一人重伤，一人轻伤。",
        {"injury": "死亡", "injury_detail": "死亡", "death": True},
    ),
    ("致李某重伤、张某轻伤。", {"injury": "重伤", "injury_detail": "重伤"}),
    # injury negations
    ("事故未造成人员死亡，被害人受轻伤。", {"injury": "轻伤", "injury_detail": "轻伤"}),
    ("经鉴定，被害人伤情尚不构成轻伤，为轻微伤。", {"injury": "轻微伤", "injury_detail": "轻微伤"}),
    ("经鉴定被害人的损伤未达到重伤标准。", {}),
    # loss amounts: 元, 万元, commas, 余, full-width digits
    ("盗窃手机一部，造成经济损失人民币35000元。", {"loss_amount": 35000.0}),
    ("被害人被骗，损失3.5万元。", {"loss_amount": 35000.0}),
    ("造成经济损失共计人民币12,000元。", {"loss_amount": 12000.0}),
    ("抢走金项链一条，价值人民币5万余元。", {"loss_amount": 50000.0}),
    ("造成经济损失人民币３５０００元。", {"loss_amount": 35000.0}),
    ("财产损失8000元，另有车辆损失1.2万元。", {"loss_amount": 12000.0}),
    ("盗窃现金人民币3000元及价值1200元的手机。", {"loss_amount": 3000.0}),
    ("挽回经济损失2万元。", {}),
    # compensation
    ("被告人已全额赔偿被害人经济损失。", {"compensation": "full"}),
    (
        "被告人家属已赔偿被害人经济损失，取得被害人谅解。",
        {"compensation": "full", "forgiveness": "forgiven"},
    ),
    ("被告人部分赔偿了被害人的医疗费。", {"compensation": "partial"}),
    ("被告人赔偿了部分医疗费用。", {"compensation": "partial"}),
    ("被告人已赔偿2万元，剩余部分未赔偿。", {"compensation": "partial"}),
    ("被告人已赔偿被害人2万元。", {"compensation": "partial"}),
    ("被告人积极赔偿被害人经济损失3万元。", {"compensation": "full", "loss_amount": 30000.0}),
    (
        "被告人赔偿被害人各项损失共计5万元,已履行完毕。",
        {"compensation": "full", "loss_amount": 50000.0},
    ),
    ("被告人未全额赔偿被害人损失。", {"compensation": "partial"}),
    ("被告人至今未赔偿。", {"compensation": "none"}),
    ("被害人尚未获得任何赔偿。", {"compensation": "none"}),
    ("被害人未获赔偿。", {"compensation": "none"}),
    ("被告人拒不赔偿。", {"compensation": "none"}),
    ("被告人未履行赔偿义务。", {"compensation": "none"}),
    ("被告人家庭困难，无力赔偿。", {"compensation": "unable"}),
    ("被告人无赔偿能力。", {"compensation": "unable"}),
    ("被执行人无履行能力。", {"compensation": "unable"}),
    ("被告人无赔偿能力，至今未赔偿。", {"compensation": "unable"}),
    # forgiveness
    ("被告人取得被害人谅解。", {"forgiveness": "forgiven"}),
    ("被害人表示谅解。", {"forgiveness": "forgiven"}),
    ("被害人谅解被告人。", {"forgiveness": "forgiven"}),
    ("被害人家属不予谅解。", {"forgiveness": "not_forgiven"}),
    ("被告人未取得被害人谅解。", {"forgiveness": "not_forgiven"}),
    ("被告人未获得谅解。", {"forgiveness": "not_forgiven"}),
    ("被害人拒绝谅解。", {"forgiveness": "not_forgiven"}),
    # settlement, and the mixed forms
    ("双方达成和解协议并已履行。", {"settlement_paid": True}),
    ("被告人已履行和解协议。", {"settlement_paid": True}),
    ("双方达成和解协议但未履行。", {"settlement_paid": False}),
    (
        "虽达成调解协议，但被告人至今未履行赔偿义务。",
        {"settlement_paid": False, "compensation": "none"},
    ),
    # hit-and-run, unknown offender, victim fault
    ("被告人驾车撞倒被害人后逃逸。", {"hit_and_run": True}),
    ("肇事后逃离现场。", {"hit_and_run": True}),
    ("肇事司机弃车逃离现场，至今在逃。", {"hit_and_run": True, "offender_unknown": True}),
    ("被告人未逃逸，在现场等候处理。", {}),
    ("肇事者至今未查获。", {"offender_unknown": True}),
    ("犯罪嫌疑人未到案。", {"offender_unknown": True}),
    ("凶手至今未抓获。", {"offender_unknown": True}),
    ("肇事车辆身份不明。", {"offender_unknown": True}),
    ("被害人负事故主要责任。", {"victim_fault": True}),
    ("经认定，死者负事故全部责任。", {"victim_fault": True}),
    ("被害人有重大过错。", {"victim_fault": True}),
    ("被害人负事故次要责任。", {}),
    ("被害人无重大过错。", {}),
    # the offender's death is not the victim's
    (
        "肇事司机当场死亡，被害人重伤。",
        {"offender_dead": True, "injury": "重伤", "injury_detail": "重伤"},
    ),
    ("被告人驾车撞倒被害人致其死亡。", {"injury": "死亡", "injury_detail": "死亡", "death": True}),
    # a whole summary
    (
        "2024年3月5日，被告人王某驾驶重型货车与被害人李某驾驶的电动车相撞，致李某重伤二级，"
        "王某肇事后逃逸。造成经济损失人民币35,000元，被告人无赔偿能力，被害人家属不予谅解。",
        {
            "injury": "重伤",
            "injury_detail": "重伤二级",
            "loss_amount": 35000.0,
            "compensation": "unable",
            "forgiveness": "not_forgiven",
            "hit_and_run": True,
        },
    ),
    ("", {}),
]

EMPTY = {
    "injury": None, "injury_detail": None, "death": False, "loss_amount": None,
    "compensation": None, "forgiveness": None, "settlement_paid": None,
    "hit_and_run": False, "offender_unknown": False, "offender_dead": False, "victim_fault": False,
}  # fmt: skip


@pytest.mark.parametrize(("summary", "expected"), SUMMARY_CASES)
def test_summary_facts(summary: str, expected: dict[str, Any]) -> None:
    facts = extract_case_facts(summary)
    assert {k: getattr(facts, k) for k in EMPTY} == EMPTY | expected
    # every fact that fired is explained by a snippet
    fired = sum(
        v not in (None, False) for k, v in (EMPTY | expected).items() if k != "injury_detail"
    )
    assert len(facts.evidence) >= fired - ("death" in expected)


def test_negated_compensation_is_never_full() -> None:
    for text in ("被害人未获赔偿", "被告人未赔偿", "被告人尚未赔偿", "被告人未全额赔偿被害人损失"):
        assert extract_case_facts(text).compensation != "full", text


def test_evidence_quotes_the_summary() -> None:
    facts = extract_case_facts("被告人王某肇事后逃逸，被害人至今未获赔偿。")
    assert "赔偿情况(摘要): 被害人至今未获赔偿" in facts.evidence
    assert any(line.startswith("肇事逃逸(摘要): ") and "逃逸" in line for line in facts.evidence)


def test_conflicting_compensation_keeps_both_snippets() -> None:
    facts = extract_case_facts("案发后被告人未赔偿，后已全额赔偿被害人经济损失。")
    assert facts.compensation == "none"  # precedence keeps the lead for a reviewer
    assert sum(line.startswith("赔偿情况") for line in facts.evidence) == 2


def _frame(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    columns = ("summary", "injury", "loss", "compensation", "forgiveness")
    return pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in rows],
        schema={c: pl.String for c in columns},
    )


# (row, expected fact_* subset)
FRAME_CASES: list[tuple[dict[str, str | None], dict[str, Any]]] = [
    ({"summary": "致被害人重伤，至今未赔偿。", "injury": "轻伤二级"},
     {"fact_injury": "轻伤", "fact_injury_detail": "轻伤二级", "fact_source_injury": "structured",
      "fact_compensation": "none", "fact_source_compensation": "text"}),
    ({"summary": "至今未赔偿。", "compensation": "已全额赔偿"},
     {"fact_compensation": "full", "fact_source_compensation": "structured"}),
    ({"summary": "已全额赔偿。", "compensation": " 未赔偿 "},
     {"fact_compensation": "none", "fact_source_compensation": "structured"}),
    ({"summary": "损失3.5万元。", "loss": "12,000.00"},
     {"fact_loss": 12000.0, "fact_source_loss": "structured"}),
    ({"summary": "损失3.5万元。", "loss": "不详"},
     {"fact_loss": 35000.0, "fact_source_loss": "text"}),
    ({"summary": None, "loss": "3.5万元"},
     {"fact_loss": 35000.0, "fact_source_loss": "structured"}),
    ({"summary": "取得被害人谅解。", "forgiveness": "否"},
     {"fact_forgiveness": "not_forgiven", "fact_source_forgiveness": "structured"}),
    ({"summary": "被害人不予谅解。", "forgiveness": "已和解"},
     {"fact_forgiveness": "forgiven", "fact_source_forgiveness": "structured"}),
    ({"summary": "被害人不予谅解。", "forgiveness": "待定"},
     {"fact_forgiveness": "not_forgiven", "fact_source_forgiveness": "text"}),
    ({"summary": "致被害人重伤。", "injury": "死亡"},
     {"fact_injury": "死亡", "fact_death": True, "fact_source_injury": "structured"}),
    ({"summary": "被害人经抢救无效死亡。", "injury": "重伤一级"},
     {"fact_injury": "重伤", "fact_death": True, "fact_source_injury": "structured"}),
    ({"summary": None},
     {"fact_injury": None, "fact_death": False, "fact_hit_and_run": False, "fact_evidence": None,
      "fact_source_injury": None, "fact_settlement_paid": None}),
]  # fmt: skip


@pytest.mark.parametrize(("row", "expected"), FRAME_CASES)
def test_structured_fields_win(row: dict[str, str | None], expected: dict[str, Any]) -> None:
    out = case_facts_frame(_frame([row])).row(0, named=True)
    assert {k: out[k] for k in expected} == expected


def test_frame_evidence_drops_overridden_text() -> None:
    out = case_facts_frame(
        _frame([{"summary": "致被害人重伤，至今未赔偿。", "injury": "轻伤二级"}])
    )
    evidence = out["fact_evidence"][0]
    assert "伤情(字段): 轻伤二级" in evidence
    assert "伤情(摘要)" not in evidence
    assert "赔偿情况(摘要): 至今未赔偿" in evidence


def test_frame_keeps_rows_order_and_columns() -> None:
    summaries = ["致被害人重伤。", None, "被告人至今未赔偿。", "致被害人重伤。", ""]
    df = _frame([{"summary": s} for s in summaries]).with_row_index("row")
    out = case_facts_frame(df)
    assert out.columns == [*df.columns, *CASE_FACTS_OUTPUT]
    assert out["row"].to_list() == list(range(len(summaries)))
    assert out.schema == pl.Schema(df.schema | CASE_FACTS_OUTPUT)
    assert out["fact_injury"].to_list() == ["重伤", None, None, "重伤", None]
    assert out["fact_compensation"].to_list() == [None, None, "none", None, None]


def test_frame_matches_single_summary_extraction() -> None:
    summaries = [s for s, _ in SUMMARY_CASES]
    out = case_facts_frame(_frame([{"summary": s} for s in summaries]))
    for summary, row in zip(summaries, out.iter_rows(named=True), strict=True):
        facts = extract_case_facts(summary)
        assert row["fact_injury"] == facts.injury
        assert row["fact_loss"] == facts.loss_amount
        assert row["fact_compensation"] == facts.compensation
        assert row["fact_settlement_paid"] == facts.settlement_paid
        assert (row["fact_evidence"] or "") == "; ".join(facts.evidence)


def test_frame_rejects_a_bad_schema_naming_every_problem() -> None:
    df = pl.DataFrame({"summary": [1], "injury": ["x"], "fact_injury": ["y"]})
    with pytest.raises(ValueError) as excinfo:
        case_facts_frame(df)
    message = str(excinfo.value)
    for needle in ("'summary' is Int64", "missing column 'loss'", "'fact_injury' already present"):
        assert needle in message


def test_all_null_columns_are_accepted() -> None:
    df = pl.DataFrame(
        {c: [None, None] for c in ("summary", "injury", "loss", "compensation", "forgiveness")}
    )
    out = case_facts_frame(df)
    assert out.height == 2
    assert out["fact_death"].to_list() == [False, False]


def test_config_problems_are_reported_together(tmp_path: Path) -> None:
    text = TEXT_PATTERNS_PATH.read_text(encoding="utf-8")
    broken = (
        text.replace("'逃逸'", "'逃逸('")  # bad regex
        .replace("<<VICTIM>>(?:本人)?(?:应)", "<<NOPE>>(?:本人)?(?:应)")  # unknown fragment
        .replace("    precedence: [not_forgiven, forgiven]", "    precedence: [forgiven]")
    )
    path = tmp_path / "text_patterns.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_text_patterns(path)
    message = str(excinfo.value)
    for needle in ("hit_and_run", "NOPE", "forgiveness.precedence"):
        assert needle in message


def test_config_rejects_values_outside_the_contract(tmp_path: Path) -> None:
    text = TEXT_PATTERNS_PATH.read_text(encoding="utf-8").replace(
        "      unable:\n", "      broke:\n", 1
    )
    path = tmp_path / "text_patterns.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="compensation"):
        load_text_patterns(path)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_extraction_is_total_on_any_unicode(text: str) -> None:
    facts = extract_case_facts(text)
    assert facts.injury in (None, "死亡", "重伤", "轻伤", "轻微伤")
    assert facts.compensation in (None, "full", "partial", "none", "unable")
    assert facts.forgiveness in (None, "forgiven", "not_forgiven")
    assert facts.loss_amount is None or facts.loss_amount >= 0
    assert facts.death == (facts.injury == "死亡")


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="被害人告重轻微伤死亡赔偿未已全额部分谅解不予逃逸万元0123456789,，。无力能")
)
def test_extraction_is_total_on_dense_keywords(text: str) -> None:
    facts = extract_case_facts(text)
    assert extract_case_facts(text.replace(",", "，")) == facts  # full-width folds to ASCII


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(*[st.none() | st.text(max_size=30)] * 5), max_size=8))
def test_frame_is_total_and_keeps_height(rows: list[tuple[str | None, ...]]) -> None:
    columns = ("summary", "injury", "loss", "compensation", "forgiveness")
    df = pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")
    out = case_facts_frame(df)
    assert out.height == df.height
    assert out.select(columns).equals(df)
