"""Petition facts from 信访事项 and 信访类别: tables of cases, then invariants."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.signals import (
    PETITION_FACTS_OUTPUT,
    extract_petition_facts,
    petition_facts_frame,
)

H, M, N, R = "hardship", "medical_costs", "non_payment", "relief_request"

# (text, category, facts expected True); every other fact must be False.
PETITION_CASES: list[tuple[str | None, str | None, set[str]]] = [
    ("本人因交通事故致残，家庭生活困难。", None, {H}),
    ("丈夫被害身亡，家中失去主要劳动力，生活无着。", None, {H}),
    ("家徒四壁，因病致贫。", None, {H}),
    ("家庭困难，巨额医疗费无力承担。", None, {H, M}),
    ("孩子还需后续治疗，住院费已花费十余万元。", None, {M}),
    ("医药费、治疗费用至今没有着落。", None, {M}),
    ("法院判决被告人赔偿12万元，但至今未赔偿。", None, {N}),
    ("被告人拒不赔偿，执行不到位。", None, {N}),
    ("判决未履行，赔偿款未到位，一分钱没赔。", None, {N}),
    ("法院以执行不能终结本次执行。", None, {N}),
    ("已获部分赔偿，但剩余款项至今未支付。", None, {N}),
    ("特申请司法救助。", None, {R}),
    ("请求给予救助。", None, {R}),
    ("反映被害人生活困难，请求救助。", "国家司法救助类", {H, R}),
    (None, "国家司法救助类", {R}),
    ("要求追究民警责任。", "控告类", set()),
    # negations and mixed forms
    ("已获赔偿，不存在生活困难。", None, set()),
    ("申请人生活无困难，医疗费已全部报销。", None, set()),
    ("家庭条件并不困难。", None, set()),
    ("被害人已获得全额赔偿，无需后续治疗。", None, set()),
    ("已领取司法救助金，现要求追究被告人刑事责任。", None, set()),
    ("已获赔偿3万元，其余无力赔偿，生活十分困难，申请救助。", None, {H, N, R}),
    ("本人家庭困难，被告人未赔偿任何医疗费用，请求给予司法救助。", "申诉类", {H, M, N, R}),
    ("", None, set()),
    # --- phrasings found in sample_data/petitions.csv ---
    ("孩子上学无人供养，申请司法救助。", None, {H, R}),
    ("被告人至今未赔偿一分钱，已欠下医疗费数万元，请求给予救助。", None, {H, M, N, R}),
    ("赔偿款大部分未到位，要求尽快执行赔偿款。", None, {N}),
    ("对方仅赔偿了一小部分，生活无着落。", None, {H, N}),
    ("对方已经赔偿，生活无着落，请求检察机关帮助解决困难。", None, {H, R}),
    ("对方无力赔偿，无力承担医疗费。", None, {H, M, N}),
    ("家中失去主要劳动力，生活陷入困境。", None, {H}),
    # the offender's inability to pay is not the petitioner's hardship
    ("对方家庭困难，无力赔偿。", None, {N}),
    ("被告人无力承担赔偿责任。", None, set()),
]


@pytest.mark.parametrize(("text", "category", "expected"), PETITION_CASES)
def test_petition_facts(text: str | None, category: str | None, expected: set[str]) -> None:
    facts = extract_petition_facts(text, category)
    assert {name for name in (H, M, N, R) if getattr(facts, name)} == expected
    shown = [line for line in facts.evidence if not line.startswith("涉案")]
    assert len(shown) == len(expected) + (
        R in expected and text is not None and category == "国家司法救助类"
    )


# (text, 涉及案件, about a criminal case or its compensation?)
CASE_RELATED_CASES: list[tuple[str | None, str | None, bool]] = [
    ("我于2023年5月被车撞成重伤，被告人至今未赔偿一分钱，家庭生活困难。", None, True),
    ("本人遭遇车祸受重伤，至今未获赔偿。", None, True),
    ("我女儿受到不法侵害，对方已经赔偿，孩子上学无人供养。", None, True),
    ("我丈夫被骗3万元，被告人至今未赔偿。", None, True),
    ("本人家中财物被盗，法院判决的赔偿款执行不到位。", None, True),
    ("我父亲被人打伤，经鉴定为重伤。", None, True),
    ("我儿子在交通事故中不幸身亡。", None, True),
    ("邻居因宅基地纠纷将我打伤，要求依法处理。", None, True),
    ("我于2024年3月与他人发生纠纷，被告人至今未赔偿一分钱，要求依法严惩凶手。", None, True),
    ("反映与邻居因宅基地界线发生纠纷，请求依法处理。", None, False),
    ("反映在某建筑工地务工被拖欠工资8000元，多次讨要无果。", None, False),
    ("反映申请农村低保未获批准，家庭困难，无力承担医疗费。", None, False),
    ("反映民事判决执行不到位，借款4200元至今未归还。", None, False),
    ("反映村委会未按规定发放土地征收补偿款5000元。", None, False),
    ("反映邻居修建房屋堵塞通行道路。", None, False),
    ("反映村干部在危房改造中优亲厚友，家中有病人，生活困难，请求帮助。", None, False),
    ("反映养老保险待遇未落实。", None, False),
    (None, None, False),
    # 涉及案件 naming a criminal case says so even when the text does not
    ("请求帮助。", "张某某交通肇事案", True),
    ("请求帮助。", "商南检刑诉受[2023]611023000001号", True),
    ("请求帮助。", "（2024）陕1055民初126号", False),
    ("请求帮助。", "无", False),
]


@pytest.mark.parametrize(("text", "case_ref", "expected"), CASE_RELATED_CASES)
def test_case_related(text: str | None, case_ref: str | None, expected: bool) -> None:
    facts = extract_petition_facts(text, case_ref=case_ref)
    assert facts.case_related is expected
    assert any(line.startswith("涉案") for line in facts.evidence) is expected


def test_frame_reads_case_ref_when_present() -> None:
    df = pl.DataFrame(
        {
            "text": [t for t, _, _ in CASE_RELATED_CASES],
            "category": [None] * len(CASE_RELATED_CASES),
            "case_ref": [r for _, r, _ in CASE_RELATED_CASES],
        },
        schema={"text": pl.String, "category": pl.String, "case_ref": pl.String},
    )
    out = petition_facts_frame(df)
    assert out["fact_case_related"].to_list() == [e for _, _, e in CASE_RELATED_CASES]
    for (text, case_ref, _), row in zip(CASE_RELATED_CASES, out.iter_rows(named=True), strict=True):
        assert (row["fact_evidence"] or "") == "; ".join(
            extract_petition_facts(text, case_ref=case_ref).evidence
        )


def test_category_evidence_is_labelled_as_a_field() -> None:
    facts = extract_petition_facts(None, " 国家司法救助类 ")
    assert facts.evidence == ("申请救助(字段): 国家司法救助类",)


def test_frame_matches_single_text_extraction_and_keeps_order() -> None:
    df = pl.DataFrame(
        {"text": [t for t, _, _ in PETITION_CASES], "category": [c for _, c, _ in PETITION_CASES]},
        schema={"text": pl.String, "category": pl.String},
    ).with_row_index("row")
    out = petition_facts_frame(df)
    assert out.columns == [*df.columns, *PETITION_FACTS_OUTPUT]
    assert out["row"].to_list() == list(range(df.height))
    for (text, category, _), row in zip(PETITION_CASES, out.iter_rows(named=True), strict=True):
        facts = extract_petition_facts(text, category)
        assert [row[f"fact_{n}"] for n in (H, M, N, R)] == [getattr(facts, n) for n in (H, M, N, R)]
        assert (row["fact_evidence"] or "") == "; ".join(facts.evidence)


def test_frame_rejects_a_missing_column() -> None:
    with pytest.raises(ValueError, match="missing column 'category'"):
        petition_facts_frame(pl.DataFrame({"text": ["家庭困难"]}))


@settings(max_examples=300, deadline=None)
@given(st.text(), st.none() | st.text())
def test_extraction_is_total_on_any_unicode(text: str, category: str | None) -> None:
    facts = extract_petition_facts(text, category)
    assert len(facts.evidence) >= sum(getattr(facts, n) for n in (H, M, N, R, "case_related"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.none() | st.text(max_size=40), st.none() | st.text(max_size=10))))
def test_frame_is_total_and_keeps_height(rows: list[tuple[str | None, str | None]]) -> None:
    df = pl.DataFrame(rows, schema={"text": pl.String, "category": pl.String}, orient="row")
    out = petition_facts_frame(df)
    assert out.height == df.height
    assert out.select("text", "category").equals(df)
