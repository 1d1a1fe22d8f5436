"""Scoring rules: each situation of the legal test gives the points and reasons it should."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from pipeline.config import Config
from pipeline.leads.score import candidate_id, score_leads

BASE: dict[str, Any] = {
    "person_id": "P1",
    "case_id": "C1",
    "case_rows": ["cases:c.csv:1"],
    "case_accepted": date(2025, 3, 1),
    "person_birth": date(1980, 5, 1),
    "person_sex": "M",
    "person_name": "张三",
    "person_id_number": "61102319800501123X",
    "injury": None,
    "death": False,
    "loss": None,
    "compensation": None,
    "forgiveness": None,
    "settlement_paid": False,
    "offender_unknown": False,
    "victim_fault": False,
    "accused_in_case": False,
    "relief_rows": [],
    "petition_rows": [],
    "pet_hardship": False,
    "pet_medical": False,
    "pet_non_payment": False,
    "pet_relief_request": False,
}


def score_one(config: Config, **changes: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    return score_leads(
        pl.DataFrame([BASE | changes], infer_schema_length=None),
        config,
        today=date(2026, 11, 29),
    )


@pytest.mark.parametrize(
    ("changes", "rule", "reason_part"),
    [
        ({"death": True}, "death", "被害人死亡"),
        ({"injury": "重伤"}, "serious_injury", "被害人重伤"),
        ({"loss": 50000.0, "charge": "诈骗罪"}, "major_loss", "重大财产损失"),
        ({"injury": "轻伤"}, "minor_injury", "轻伤"),
        ({"compensation": "unable"}, "unable", "无赔偿能力"),
        ({"compensation": "none"}, "none", "未获赔偿"),
        ({"compensation": None}, "unknown", "赔偿情况不明"),
        ({"compensation": "partial"}, "partial", "部分赔偿"),
        ({"offender_unknown": True}, "offender_unknown", "逃逸"),
        (
            {
                "monitor_type": "突发严重困难户",
                "risk_cleared": "否",
                "household_rows": ["poverty:p:1"],
            },
            "monitored_risk_open",
            "风险未消除",
        ),
        (
            {
                "monitor_type": "边缘易致贫户",
                "risk_cleared": "是",
                "household_rows": ["poverty:p:1"],
            },
            "monitored_risk_cleared",
            "风险已消除",
        ),
        (
            {"risk_type": "因意外事故", "risk_identified": date(2025, 5, 1)},
            "risk_after_incident",
            "案发后",
        ),
        ({"income_per_capita": 5000.0, "region": "611023"}, "income_below_line", "低于监测线"),
        (
            {"pet_hardship": True, "petition_rows": ["petitions:x:1"]},
            "petition_hardship",
            "生活困难",
        ),
        (
            {"pet_relief_request": True, "petition_rows": ["petitions:x:1"]},
            "petition_relief_request",
            "申请司法救助",
        ),
        ({"case_hardship": True}, "case_text_hardship", "因案致困"),
        (
            {"pet_other_hardship": True, "petition_rows": ["petitions:x:2"]},
            "other_hardship",
            "未指明本案",
        ),
        ({"person_birth": date(2012, 1, 1)}, "minor", "未成年人"),
        ({"person_birth": date(1950, 1, 1)}, "elderly", "老年人"),
    ],
)
def test_each_rule_adds_its_points_and_reason(
    config: Config, changes: dict[str, Any], rule: str, reason_part: str
) -> None:
    candidates, excluded = score_one(config, **changes)
    assert excluded.height == 0
    row = candidates.row(0, named=True)
    assert f"{rule}:" in row["score_breakdown"]
    assert reason_part in row["reasons"]


@pytest.mark.parametrize("identified", [date(2019, 1, 1), date(2027, 6, 1)])
def test_risk_identified_far_from_the_case_is_not_caused_by_it(
    config: Config, identified: date
) -> None:
    candidates, _ = score_one(config, risk_type="因病", risk_identified=identified)
    assert "risk_after_incident" not in candidates["score_breakdown"][0]
    assert not candidates["hardship_caused_by_case"][0]


def test_caused_hardship_is_marked(config: Config) -> None:
    candidates, _ = score_one(config, risk_type="因意外事故", risk_identified=date(2025, 6, 1))
    assert candidates["hardship_caused_by_case"][0]


def test_relief_to_someone_else_in_the_case_is_shown_for_checking(config: Config) -> None:
    candidates, excluded = score_one(
        config, injury="重伤", other_relief_rows=["relief_history:r.csv:3"]
    )
    assert excluded.height == 0
    assert "本案已有人获司法救助" in candidates["reasons"][0]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"relief_rows": ["relief_history:r.csv:1"]}, "already_relieved"),
        ({"compensation": "full"}, "full_compensation"),
        ({"settlement_paid": True}, "settled_paid"),
        ({"accused_in_case": True}, "accused_in_case"),
        ({"victim_fault": True}, "victim_fault"),
        ({"compensation_waived": True}, "waived"),
    ],
)
def test_exclusions_take_the_lead_off_the_list(
    config: Config, changes: dict[str, Any], rule: str
) -> None:
    candidates, excluded = score_one(config, injury="重伤", **changes)
    assert candidates.height == 0
    assert excluded["exclusion_rules"][0] == rule


def test_a_paid_settlement_with_forgiveness_excludes_even_if_called_partial(config: Config) -> None:
    candidates, excluded = score_one(
        config, loss=199900.0, compensation="partial", settlement_paid=True, forgiveness="forgiven"
    )
    assert candidates.height == 0 and excluded["exclusion_rules"][0] == "settled_paid"


def test_slight_injury_alone_is_below_review(config: Config) -> None:
    candidates, _ = score_one(config, injury="轻微伤", compensation="unable", case_hardship=True)
    assert candidates["tier"][0] == "低"
    assert "伤害 ✗ 仅轻微伤" in candidates["legal_test"][0]


def test_unpaid_settlement_is_not_an_exclusion(config: Config) -> None:
    candidates, excluded = score_one(
        config, injury="重伤", settlement_paid=True, compensation="none"
    )
    assert candidates.height == 1 and excluded.height == 0


def test_the_law_ranks_death_unpaid_in_hardship_above_slight_injury(config: Config) -> None:
    strong = BASE | {
        "person_id": "P2",
        "death": True,
        "compensation": "unable",
        "monitor_type": "突发严重困难户",
        "risk_cleared": "否",
        "pet_hardship": True,
        "petition_rows": ["petitions:x:1"],
    }
    weak = BASE | {"person_id": "P3", "injury": "轻微伤", "compensation": "partial"}
    candidates, _ = score_leads(pl.DataFrame([weak, strong], infer_schema_length=None), config)
    assert candidates["person_id"].to_list() == ["P2", "P3"]
    assert candidates["rank"].to_list() == [1, 2]
    assert candidates["tier"].to_list() == ["高", "低"]
    assert "参考" in candidates["indicative_range"][0]


def test_no_hardship_evidence_is_said_plainly(config: Config) -> None:
    candidates, _ = score_one(config, injury="重伤")
    assert "困难 ✗ 未见家庭困难的记载" in candidates["legal_test"][0]
    assert not candidates["hardship_caused_by_case"][0]


def test_applicants_in_a_death_are_adult_household_relatives(config: Config) -> None:
    members = [
        {"person_id": "P1", "name_norm": "张三", "relation": "户主", "birth": date(1980, 5, 1)},
        {"person_id": "P8", "name_norm": "李四", "relation": "配偶", "birth": date(1982, 1, 1)},
        {"person_id": "P9", "name_norm": "张小", "relation": "之子", "birth": date(2015, 1, 1)},
    ]
    candidates, _ = score_one(config, death=True, members=members)
    assert candidates["applicants"][0] == "近亲属：李四（配偶）"


def test_candidate_id_is_stable_and_distinct() -> None:
    assert candidate_id("P1", "C1") == candidate_id("P1", "C1")
    assert candidate_id("P1", "C1") != candidate_id("P1", "C2")
    assert candidate_id("P1", "C1") != candidate_id("P2", "C1")


# harm x compensation x hardship x vulnerability -> tier (the legal test, #13)
DEATH = {"death": True}
SERIOUS = {"injury": "重伤"}
MINOR_INJURY = {"injury": "轻伤"}
ELDERLY = {"person_birth": date(1960, 1, 1)}  # 65 at the case
CHILD = {"person_birth": date(2015, 1, 1)}
DISABLED = {"health": "残疾"}
BIG_FRAUD = {"loss": 80000.0, "charge": "诈骗罪"}
INJURY_LOSS = {"injury": "轻微伤", "loss": 80000.0, "charge": "故意伤害罪"}
UNPAID = {"compensation": "none"}
UNABLE = {"compensation": "unable"}
PARTIAL = {"compensation": "partial"}
SILENT = {"compensation": None}
FLED = {"offender_unknown": True}
CAUSED = {"risk_type": "因意外事故", "risk_identified": date(2025, 6, 1)}
PETITION = {"pet_hardship": True, "petition_rows": ["petitions:x:1"]}
POOR = {"monitor_type": "脱贫不稳定户", "risk_cleared": "否"}
POOR_LOW_INCOME = POOR | {"income_per_capita": 3000.0}
NO_HARDSHIP: dict[str, Any] = {}
TIER_TABLE: list[tuple[str, list[dict[str, Any]], str]] = [
    ("death, unpaid, hardship after the case", [DEATH, UNPAID, CAUSED], "高"),
    ("重伤, offender unable, petition about the case", [SERIOUS, UNABLE, PETITION], "高"),
    ("hit-and-run death, silent payment, caused", [DEATH, SILENT, FLED, CAUSED], "高"),
    ("major fraud loss, unpaid, petition", [BIG_FRAUD, UNPAID, PETITION], "高"),
    ("轻伤 of an elderly victim, unpaid, caused", [MINOR_INJURY, ELDERLY, UNPAID, CAUSED], "高"),
    ("轻伤 of a child, partial, caused", [MINOR_INJURY, CHILD, PARTIAL, CAUSED], "高"),
    ("轻伤 of a disabled victim, unpaid, caused", [MINOR_INJURY, DISABLED, UNPAID, CAUSED], "高"),
    ("death, silent payment, caused: 中", [DEATH, SILENT, CAUSED], "中"),
    ("death, unpaid, poverty not tied to the case: 中", [DEATH, UNPAID, POOR], "中"),
    ("death, unpaid, low income after a death", [DEATH, UNPAID, POOR_LOW_INCOME], "高"),
    ("重伤 in a poor household with its costs", [SERIOUS | {"loss": 50000.0}, UNPAID, POOR], "高"),
    ("轻伤, no vulnerability, unpaid, caused: 中", [MINOR_INJURY, UNPAID, CAUSED], "中"),
    ("轻伤 in a poor household is not a vulnerability: 中", [MINOR_INJURY, UNPAID, POOR | CAUSED], "中"),
    ("轻伤 of an ordinary adult, silent, poverty: 低", [MINOR_INJURY, SILENT, POOR], "低"),
    ("death, silent, poverty: two unclear, 低", [DEATH, SILENT, POOR], "低"),
    ("death, unpaid, no hardship at all: 低", [DEATH, UNPAID, NO_HARDSHIP], "低"),
    ("轻微伤, unpaid, caused: 低", [{"injury": "轻微伤"}, UNPAID, CAUSED], "低"),
    ("an injury victim's 经济损失 is not a property loss: 低", [INJURY_LOSS, UNPAID, CAUSED], "低"),
    ("small theft, unpaid, caused: 低", [{"loss": 3000.0, "charge": "盗窃罪"}, UNPAID, CAUSED], "低"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "parts", "tier"), TIER_TABLE, ids=[t[0] for t in TIER_TABLE])
def test_the_tier_follows_the_legal_test(
    config: Config, what: str, parts: list[dict[str, Any]], tier: str
) -> None:
    changes: dict[str, Any] = {}
    for part in parts:
        changes |= part
    candidates, excluded = score_one(config, **changes)
    assert excluded.height == 0
    assert candidates["tier"][0] == tier, candidates["legal_test"][0]


def test_each_lead_shows_one_line_per_element_before_its_reasons(config: Config) -> None:
    candidates, _ = score_one(config, **(DEATH | SILENT | CAUSED))
    lines = candidates["legal_test"][0].split("\n")
    assert [line.split(" ")[:2] for line in lines] == [["伤害", "✓"], ["赔偿", "?"], ["困难", "✓"]]
    assert lines[1] == "赔偿 ? 赔偿情况不明，需核实"
    assert "(+40)" in candidates["reasons"][0]


def test_within_a_tier_stronger_evidence_ranks_first(config: Config) -> None:
    rows = [
        BASE | {"person_id": "P_minor"} | MINOR_INJURY | ELDERLY | PARTIAL | CAUSED,
        BASE | {"person_id": "P_death"} | DEATH | UNPAID | CAUSED,
        BASE | {"person_id": "P_serious"} | SERIOUS | PARTIAL | CAUSED,
    ]
    candidates, _ = score_leads(pl.DataFrame(rows, infer_schema_length=None), config)
    assert candidates["tier"].to_list() == ["高", "高", "高"]
    assert candidates["person_id"].to_list() == ["P_death", "P_serious", "P_minor"]


# where the harm element says 伤情 was read: the summary's first sentence, else the column's
QUOTE_TABLE: list[tuple[str | None, str]] = [
    (None, "被害人重伤"),
    ("伤情(字段): 重伤一级", "被害人重伤（伤情栏：重伤一级）"),
    ("伤情(字段): 重伤一级; 伤情(摘要): 致其重伤二级", "被害人重伤（“致其重伤二级”）"),
    ("伤情(摘要): 第一句；伤情(摘要): 第二句", "被害人重伤（“第一句”）"),
    ("伤情(字段): ; 伤情(字段): 重伤", "被害人重伤（伤情栏：重伤）"),
    ("伤情: 无来源; 谅解(摘要): 拒绝谅解", "被害人重伤"),
    ("伤情(摘要): 说: 重伤", "被害人重伤（“说: 重伤”）"),
]


@pytest.mark.parametrize(("case_evidence", "harm_evidence"), QUOTE_TABLE)
def test_the_harm_element_quotes_where_the_injury_was_read(
    config: Config, case_evidence: str | None, harm_evidence: str
) -> None:
    candidates, _ = score_one(config, injury="重伤", case_evidence=case_evidence)
    assert candidates["harm_evidence"][0] == harm_evidence


def test_reasons_cite_at_most_three_rows_and_count_the_rest(config: Config) -> None:
    rows = [f"cases:c.csv:{n}" for n in (7, 8, 9, 10)]
    candidates, _ = score_one(config, death=True, case_rows=rows)
    assert candidates["reasons"][0].startswith("被害人死亡（案件#7、案件#8、案件#9等4行）(+40)")
