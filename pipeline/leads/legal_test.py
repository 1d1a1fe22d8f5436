"""The three elements of the legal test, each met (✓), unclear (?) or missing (✗).

国家司法救助 needs all three together (domain.md; 《人民检察院国家司法救助工作细则》):

1. 伤害 — harm from the case: death; 重伤; a major property loss from a property crime; a
   minor victim of a sexual offence; 轻伤 only with a vulnerability beyond household poverty
   (a minor, an elderly or a disabled / seriously ill person). 轻伤 without one is unclear.
   An injury victim's 经济损失 is not a property loss: it is hardship evidence (element 3).
2. 赔偿 — no effective compensation: stated none, unable, partial, the offender unknown or
   fled, an agreement left unpaid. Silence is unclear (赔偿情况不明，需核实).
3. 困难 — hardship caused by the case: monitoring risk identified after the incident, the
   case text or a petition about this case, household income below the line after a death or
   重伤, medical costs in a household in hardship. Poverty with no tie to the case is unclear.

Each element carries a strength (orders leads within a tier) and the evidence a reviewer
reads, with the sentence of the case summary it came from where there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pipeline.config import ScoringSettings, Vocabulary

MET, UNCLEAR, MISSING = "✓", "?", "✗"
_ADULT_AGE = 18


@dataclass(frozen=True)
class Element:
    """One element of the test for one lead."""

    name: str  # 伤害 / 赔偿 / 困难
    status: str  # MET / UNCLEAR / MISSING
    key: str  # the finding, e.g. death, none, risk_after_incident
    strength: float  # 0 (missing) .. 4 (strongest), for ordering within a tier
    evidence: str

    def line(self) -> str:
        return f"{self.name} {self.status} {self.evidence}"


def quote(lead: dict[str, Any], label: str) -> str:
    """Where a fact (伤情/赔偿情况/…) was read: the case summary's sentence, or the
    structured column's value; '' when neither holds it."""
    found = ""
    for part in str(lead.get("case_evidence") or "").split("；"):
        for line in part.split("; "):
            source, _, said = line.partition(": ")
            if not source.startswith(f"{label}(") or not said:
                continue
            if source.endswith("(摘要)"):  # text_patterns.yaml evidence_tags.text
                return f"“{said}”"
            found = found or f"{label}栏：{said}"
    return found


def _with_quote(text: str, where: str) -> str:
    return f"{text}（{where}）" if where else text


def vulnerabilities(lead: dict[str, Any], age: int | None, s: ScoringSettings) -> list[str]:
    """The victim's vulnerabilities beyond household poverty (what lets 轻伤 qualify)."""
    found = []
    if age is not None and age < _ADULT_AGE:
        found.append("未成年人")
    if age is not None and age >= s.elderly_age:
        found.append(f"{age}岁老年人")
    if any(word in str(lead.get("health") or "") for word in s.disabled_health_words):
        found.append("本人残疾或患大病")
    return found


def harm_element(lead: dict[str, Any], age: int | None, s: ScoringSettings) -> Element:
    injury, loss, charge = lead.get("injury"), lead.get("loss"), str(lead.get("charge") or "")
    said = quote(lead, "伤情")
    if lead.get("death") or injury == "死亡":
        return Element("伤害", MET, "death", 4, _with_quote("被害人死亡", said))
    if injury == "重伤":
        return Element("伤害", MET, "serious_injury", 3, _with_quote("被害人重伤", said))
    property_crime = any(c in charge for c in s.property_crimes)
    if property_crime and loss is not None and loss >= s.major_loss_yuan:
        text = _with_quote(f"财产犯罪造成重大财产损失{loss:,.0f}元", quote(lead, "经济损失"))
        return Element("伤害", MET, "major_loss", 2.5, text)
    minor = age is not None and age < _ADULT_AGE
    if minor and any(c in charge for c in s.sexual_crimes):
        return Element("伤害", MET, "sexual_minor", 2.5, f"未成年被害人遭受性侵害（{charge}）")
    if injury == "轻伤":
        vulnerable = vulnerabilities(lead, age, s)
        if vulnerable:
            text = _with_quote(f"被害人轻伤，且为{'、'.join(vulnerable)}", said)
            return Element("伤害", MET, "minor_injury_vulnerable", 2, text)
        text = _with_quote("被害人轻伤，未见未成年、老年、残疾等特殊情形，需核实", said)
        return Element("伤害", UNCLEAR, "minor_injury", 1, text)
    if injury == "轻微伤":
        return Element("伤害", MISSING, "slight_injury", 0, _with_quote("仅轻微伤", said))
    if property_crime and loss is not None:
        return Element("伤害", MISSING, "minor_loss", 0, f"财产损失{loss:,.0f}元，未达重大损失")
    return Element("伤害", MISSING, "no_harm", 0, "未见人身伤亡或重大财产损失的记载")


def compensation_element(lead: dict[str, Any]) -> Element:
    status = lead.get("compensation") or "unknown"
    said = quote(lead, "赔偿情况")
    if lead.get("offender_unknown"):
        return Element("赔偿", MET, "offender_unknown", 3, "加害人不明或肇事逃逸，无法获得赔偿")
    if status == "unable":
        return Element("赔偿", MET, "unable", 3, _with_quote("加害人无赔偿能力", said))
    if status == "none":
        return Element("赔偿", MET, "none", 3, _with_quote("未获赔偿", said))
    if status == "partial":
        return Element("赔偿", MET, "partial", 2, _with_quote("仅获部分赔偿", said))
    if lead.get("pet_non_payment"):
        return Element("赔偿", MET, "petition_non_payment", 2, "信访反映赔偿未到位")
    return Element("赔偿", UNCLEAR, "unknown", 1, "赔偿情况不明，需核实")


def risk_after_incident(lead: dict[str, Any], s: ScoringSettings) -> bool:
    """Monitoring risk of a case-like type (因意外事故/因病/因残) identified near the case."""
    risk_date, accepted = lead.get("risk_identified"), lead.get("case_accepted")
    if lead.get("risk_type") not in s.risk_after_types or risk_date is None or accepted is None:
        return False
    before, after = s.risk_after_window_days
    return bool(accepted - timedelta(days=before) <= risk_date <= accepted + timedelta(days=after))


def _household_hardship(lead: dict[str, Any], s: ScoringSettings, v: Vocabulary) -> str:
    """Hardship of the victim's household not tied to the case, or ''."""
    if lead.get("monitor_type") is not None:
        cleared = "风险已消除" if lead.get("risk_cleared") != "否" else "风险未消除"
        return f"家庭为防返贫监测对象（{lead['monitor_type']}，{cleared}）"
    if lead.get("household_type") == v.former_poor_household_type:
        return "家庭为脱贫户"
    if lead.get("any_no_labour"):
        return "家庭成员丧失劳动能力"
    if lead.get("pet_other_hardship"):
        return "信访反映家庭困难（未指明本案）"
    return ""


def hardship_element(
    lead: dict[str, Any], s: ScoringSettings, v: Vocabulary, on: date | None
) -> Element:
    if risk_after_incident(lead, s):
        text = f"案发后因{lead['risk_type'].removeprefix('因')}被识别为监测对象"
        return Element("困难", MET, "risk_after_incident", 3, text)
    if lead.get("case_hardship"):
        return Element("困难", MET, "case_text_hardship", 3, _with_quote("案情记载因案致困", quote(lead, "家庭困难")))  # fmt: skip
    for flag, text in (
        ("pet_hardship", "就本案信访反映生活困难"),
        ("pet_relief_request", "就本案信访申请司法救助"),
        ("pet_medical", "就本案信访反映医疗费用负担"),
    ):
        if lead.get(flag):
            return Element("困难", MET, flag, 3, text)
    income = lead.get("income_per_capita")
    line = s.monitoring_line(lead.get("region"), on.year if on else None)
    severe = bool(lead.get("death")) or lead.get("injury") in ("死亡", "重伤")
    if income is not None and income < line and severe:
        text = f"死亡/重伤被害人家庭人均纯收入{income:,.0f}元，低于监测线{line:,.0f}元"
        return Element("困难", MET, "income_below_line", 2.5, text)
    household = _household_hardship(lead, s, v)
    if income is not None and income < line and not household:
        household = f"家庭人均纯收入{income:,.0f}元，低于监测线{line:,.0f}元"
    medical = lead.get("injury") in ("重伤", "轻伤") and lead.get("loss") is not None
    if household and medical:
        text = f"{household}，且负担医疗等费用{lead['loss']:,.0f}元（人身损害的经济损失）"
        return Element("困难", MET, "medical_burden", 2.5, text)
    if household:
        return Element("困难", UNCLEAR, "household_poverty", 1, f"{household}，与本案的关联需核实")
    if medical:
        text = f"人身损害经济损失{lead['loss']:,.0f}元（医疗费等），家庭困难情况需核实"
        return Element("困难", UNCLEAR, "medical_costs", 1, text)
    return Element("困难", MISSING, "none", 0, "未见家庭困难的记载")


def tier_of(elements: tuple[Element, ...], s: ScoringSettings) -> str:
    """高: every element met; 中: none missing and at most `medium_max_unclear` unclear; 低."""
    high, medium, low = s.tiers
    statuses = [e.status for e in elements]
    if all(x == MET for x in statuses):
        return high
    if MISSING not in statuses and statuses.count(UNCLEAR) <= s.medium_max_unclear:
        return medium
    return low
