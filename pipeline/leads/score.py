"""Score each lead against the legal test with rules from schemas/scoring.yaml.

The score is additive so that it explains itself: every point comes from a named
rule, every rule has a plain-Chinese reason and the rows it rests on. Exclusions
(already relieved, compensated in full, the person is accused in the case, …)
take a lead off the ranked list; they are returned separately and counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from pipeline.config import Rule, ScoringSettings, Vocabulary

CANDIDATE_ID_SALT = "relief-leads/lead/v1"
_ADULT_AGE = 18


@dataclass
class _Scorecard:
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)
    breakdown: list[str] = field(default_factory=list)

    def cap(self, key: str, ceiling: float) -> None:
        if self.points > ceiling:
            self.breakdown.append(f"cap_{key}:{ceiling - self.points:g}")
            self.points = ceiling

    def add(self, key: str, rule: Rule, evidence: str = "") -> None:
        self.points += rule.points
        self.reasons.append(f"{rule.reason}{f'（{evidence}）' if evidence else ''}")
        self.breakdown.append(f"{key}:{rule.points:g}")


def candidate_id(person_id: str, case_id: str) -> str:
    """Stable lead id: the same person and case give the same id in every run."""
    return (
        "L" + hashlib.sha256(f"{CANDIDATE_ID_SALT}|{person_id}|{case_id}".encode()).hexdigest()[:12]
    )


def _age(birth: date | None, on: date | None) -> int | None:
    if birth is None:
        return None
    day = on or date.today()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_SOURCE_LABELS = {"cases": "案件", "poverty": "监测", "petitions": "信访", "relief_history": "救助"}


def _keys(rows: Any, limit: int = 3) -> str:
    """Short references for reasons (案件#456、信访#262); the evidence column has the full keys."""
    short = []
    for key in list(rows or [])[:limit]:
        source, _, rest = str(key).partition(":")
        short.append(f"{_SOURCE_LABELS.get(source, source)}#{rest.rsplit(':', 1)[-1]}")
    more = len(rows or []) - limit
    return "、".join(short) + (f"等{more + limit}行" if more > 0 else "")


def _harm(lead: dict[str, Any], s: ScoringSettings, card: _Scorecard) -> str | None:
    rows = _keys(lead.get("case_rows"))
    injury, loss = lead.get("injury"), lead.get("loss")
    if lead.get("death") or injury == "死亡":
        key = "death"
    elif injury == "重伤":
        key = "serious_injury"
    elif loss is not None and loss >= s.major_loss_yuan:
        key = "major_loss"
    elif injury == "轻伤":
        key = "minor_injury"
    elif injury == "轻微伤":
        key = "slight_injury"
    else:
        return None
    detail = f"损失{loss:,.0f}元；" if key == "major_loss" and loss is not None else ""
    card.add(key, s.harm[key], f"{detail}{rows}")
    return key


def _compensation(lead: dict[str, Any], s: ScoringSettings, card: _Scorecard) -> None:
    rows = _keys(lead.get("case_rows"))
    status = lead.get("compensation")
    key = {"unable": "unable", "none": "none", "partial": "partial"}.get(status or "", "unknown")
    card.add(key, s.compensation[key], rows)
    if lead.get("offender_unknown"):
        card.add("offender_unknown", s.compensation["offender_unknown"], rows)
    if lead.get("forgiveness") == "not_forgiven":
        card.add("not_forgiven", s.compensation["not_forgiven"], rows)


def _hardship(
    lead: dict[str, Any], s: ScoringSettings, v: Vocabulary, card: _Scorecard
) -> tuple[bool, bool]:
    """Add hardship rules; return (any hardship, hardship caused by the case)."""
    fired: list[str] = []

    def add(key: str, evidence: str = "") -> None:
        card.add(key, s.hardship[key], evidence)
        fired.append(key)

    hh_rows = _keys(lead.get("household_rows"), limit=1)
    risk_date, accepted = lead.get("risk_identified"), lead.get("case_accepted")
    if (
        lead.get("risk_type") in s.risk_after_types
        and risk_date is not None
        and accepted is not None
        and accepted - timedelta(days=s.risk_after_window_days[0])
        <= risk_date
        <= accepted + timedelta(days=s.risk_after_window_days[1])
    ):
        add("risk_after_incident", f"{lead['risk_type']}，识别于{risk_date:%Y年%m月}；{hh_rows}")
    if lead.get("case_hardship"):
        add("case_text_hardship", _keys(lead.get("case_rows")))
    pet_rows = _keys(lead.get("petition_rows"))
    for flag, key in (
        ("pet_hardship", "petition_hardship"),
        ("pet_medical", "petition_medical"),
        ("pet_non_payment", "petition_non_payment"),
        ("pet_relief_request", "petition_relief_request"),
    ):
        if lead.get(flag):
            add(key, pet_rows)
    monitored = lead.get("monitor_type") is not None
    if monitored and lead.get("risk_cleared") == "否":
        add("monitored_risk_open", f"{lead['monitor_type']}；{hh_rows}")
    elif monitored:
        add("monitored_risk_cleared", f"{lead['monitor_type']}；{hh_rows}")
    elif lead.get("household_type") == v.former_poor_household_type:
        add("former_poor", hh_rows)
    income = lead.get("income_per_capita")
    line = s.monitoring_line(lead.get("region"), accepted.year if accepted else None)
    if income is not None and income < line:
        add("income_below_line", f"人均{income:,.0f}元，低于{line:,.0f}元")
    if lead.get("any_no_labour"):
        add("no_labour", hh_rows)
    if lead.get("pet_other_hardship") and not lead.get("pet_hardship"):
        add("other_hardship", pet_rows)
    return bool(fired), any(k in s.caused_by_case for k in fired)


def _exclusions(lead: dict[str, Any]) -> list[str]:
    out = []
    if lead.get("relief_rows"):
        out.append("already_relieved")
    if lead.get("compensation") == "full":
        out.append("full_compensation")
    settled = lead.get("settlement_paid") and (
        lead.get("compensation") not in ("none", "unable", "partial")
        or lead.get("forgiveness") == "forgiven"
    )
    if settled:
        out.append("settled_paid")
    if lead.get("accused_in_case"):
        out.append("accused_in_case")
    if lead.get("victim_fault"):
        out.append("victim_fault")
    if lead.get("compensation_waived"):
        out.append("waived")
    return out


def _applicants(lead: dict[str, Any], age: int | None, today: date, v: Vocabulary) -> str:
    """In a death, the close relatives in the household; for a minor, the guardian."""
    death = bool(lead.get("death")) or lead.get("injury") == "死亡"
    minor = age is not None and age < _ADULT_AGE
    if not (death or minor):
        return "被害人本人"
    people = []
    for member in lead.get("members") or []:
        if member.get("person_id") == lead["person_id"] or member.get("name_norm") is None:
            continue
        member_age = _age(member.get("birth"), today)
        if member_age is not None and member_age < _ADULT_AGE:
            continue
        relation = member.get("relation") or "家庭成员"
        if minor and not death and relation not in v.guardian_relations:
            continue
        people.append(f"{member['name_norm']}（{relation}）")
    named = {m.get("person_id") for m in lead.get("members") or []}
    for claimant in lead.get("claimants") or []:
        pid = claimant.get("person_id")
        if claimant.get("name_norm") and pid != lead["person_id"] and pid not in named:
            people.append(f"{claimant['name_norm']}（附带民事诉讼原告人）")
    role = "近亲属" if death else "监护人"
    unique = list(dict.fromkeys(people))
    return f"{role}：{'、'.join(unique)}" if unique else f"{role}：待核实"


def score_leads(  # noqa: C901  (rewritten with the legal-test tiers, #13)
    leads: pl.DataFrame, s: ScoringSettings, v: Vocabulary, today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (candidates ranked best first, excluded leads with their exclusion reasons)."""
    today = today or date.today()
    ranked, excluded = [], []
    for lead in leads.iter_rows(named=True):
        card = _Scorecard()
        age = _age(lead.get("person_birth"), lead.get("case_accepted") or today)
        harm = _harm(lead, s, card)
        _compensation(lead, s, card)
        has_hardship, caused = _hardship(lead, s, v, card)
        is_minor = age is not None and age < _ADULT_AGE
        vulnerable = {
            "minor": is_minor,
            "elderly": age is not None and age >= s.elderly_age,
            "disabled": bool(lead.get("any_disabled_or_ill")),
            "monitored": lead.get("monitor_type") is not None,
        }
        for key in ("minor", "elderly", "disabled"):
            if vulnerable[key]:
                card.add(key, s.priority[key])
        if lead.get("person_sex") == "F" and has_hardship:
            card.add("woman_hardship", s.priority["woman_hardship"])
        if harm == "minor_injury" and any(vulnerable[k] for k in s.vulnerable_for_minor_injury):
            card.points += s.minor_injury_vulnerable_bonus
            card.breakdown.append(f"minor_injury_vulnerable:{s.minor_injury_vulnerable_bonus:g}")
        if harm is None:
            card.reasons.append("未见案件造成人身伤亡或重大财产损失的记载，需核实损害情况")
            card.cap("no_harm", s.score_caps["no_harm"])
        elif harm == "slight_injury":
            card.reasons.append("仅轻微伤，一般不属于司法救助的损害范围")
            card.cap("no_harm", s.score_caps["no_harm"])
        if not caused:
            card.reasons.append("未见因案致困的直接证据，需核实家庭困难与案件的关系")
            card.cap("no_caused_hardship", s.score_caps["no_caused_hardship"])
        if lead.get("other_relief_rows"):
            card.reasons.append(
                f"本案已有人获司法救助，需核实是否为同一被害人（{_keys(lead['other_relief_rows'])}）"
            )
        sources = ["cases"]
        if lead.get("household_id"):
            sources.append("poverty")
        if lead.get("petition_rows"):
            sources.append("petitions")
        evidence = [
            *(lead.get("case_rows") or []),
            *(lead.get("household_rows") or [])[:6],
            *(lead.get("petition_rows") or []),
        ]
        row = {
            "candidate_id": candidate_id(lead["person_id"], lead["case_id"]),
            "score": round(card.points, 1),
            "person_id": lead["person_id"],
            "case_id": lead["case_id"],
            "reasons": "；".join(card.reasons),
            "victim_name": lead.get("person_name"),
            "id_number": lead.get("person_id_number"),
            "sex": lead.get("person_sex"),
            "age_at_case": age,
            "is_minor": is_minor,
            "case_name": lead.get("case_name"),
            "charge": lead.get("charge"),
            "harm": harm,
            "compensation": lead.get("compensation") or "unknown",
            "household_id": lead.get("household_id"),
            "monitor_type": lead.get("monitor_type"),
            "has_hardship_evidence": has_hardship,
            "hardship_caused_by_case": caused,
            "sources": "+".join(sources),
            "cross_source": len(sources) > 1,
            "evidence": "；".join(evidence),
            "case_evidence": lead.get("case_evidence"),
            "petition_evidence": lead.get("petition_evidence"),
            "applicants": _applicants(lead, age, today, v),
            "score_breakdown": " ".join(card.breakdown),
        }
        exclusions = _exclusions(lead)
        if exclusions:
            row["exclusions"] = "；".join(s.exclusions[e] for e in exclusions)
            row["exclusion_rules"] = ",".join(exclusions)
            excluded.append(row)
        else:
            row["tier"] = s.tier_of(card.points)
            row["indicative_range"] = f"{s.indicative_range[row['tier']]}（{s.indicative_note}）"
            ranked.append(row)
    candidates = pl.DataFrame(ranked, schema=_row_schema(ranked)) if ranked else pl.DataFrame()
    if candidates.height:
        candidates = candidates.sort(
            ["score", "candidate_id"], descending=[True, False]
        ).with_row_index("rank", offset=1)
        candidates = candidates.with_columns(pl.col("rank").cast(pl.Int64))
    return candidates, pl.DataFrame(excluded, schema=_row_schema(excluded))


_TYPED = {
    "score": pl.Float64,
    "age_at_case": pl.Int64,
    "is_minor": pl.Boolean,
    "has_hardship_evidence": pl.Boolean,
    "hardship_caused_by_case": pl.Boolean,
    "cross_source": pl.Boolean,
}


def _row_schema(rows: list[dict[str, Any]]) -> dict[str, type[pl.DataType]]:
    """Every column typed even when all its values are missing (a tiny or sparse input)."""
    columns = dict.fromkeys(k for row in rows for k in row)
    return {c: _TYPED.get(c, pl.Utf8) for c in columns}
