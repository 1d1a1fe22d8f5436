"""Score each lead against the legal test (pipeline/leads/legal_test.py, schemas/scoring.yaml).

The tier follows the test: 高 only when harm, no effective compensation and hardship caused
by the case are all evidenced; 中 when one of them is unclear; 低 otherwise. Within a tier,
leads are ordered by the strength of that evidence, then by an additive score whose every
point comes from a named rule with a plain-Chinese reason and the rows it rests on.
Exclusions (already relieved, compensated in full, the person is accused in the case, …)
take a lead off the ranked list; they are returned separately and counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

from pipeline.config import Config, Rule, ScoringSettings, Vocabulary
from pipeline.leads.legal_test import (
    Element,
    compensation_element,
    hardship_element,
    harm_element,
    risk_after_incident,
    tier_of,
)

CANDIDATE_ID_SALT = "relief-leads/lead/v1"
_ADULT_AGE = 18
# the points of the harm element's finding
_HARM_RULE = {
    "death": "death",
    "serious_injury": "serious_injury",
    "major_loss": "major_loss",
    "sexual_minor": "sexual_minor",
    "minor_injury_vulnerable": "minor_injury",
    "minor_injury": "minor_injury",
    "slight_injury": "slight_injury",
}


@dataclass
class _Scorecard:
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)
    breakdown: list[str] = field(default_factory=list)

    def add(self, key: str, rule: Rule, evidence: str = "") -> None:
        self.points += rule.points
        self.reasons.append(
            f"{rule.reason}{f'（{evidence}）' if evidence else ''}(+{rule.points:g})"
        )
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


def _keys(rows: Any, labels: Mapping[str, str], limit: int = 3) -> str:
    """Short references for reasons (案件#456、信访#262); the evidence column has the full keys."""
    short = []
    for key in list(rows or [])[:limit]:
        source, _, rest = str(key).partition(":")
        short.append(f"{labels.get(source, source)}#{rest.rsplit(':', 1)[-1]}")
    more = len(rows or []) - limit
    return "、".join(short) + (f"等{more + limit}行" if more > 0 else "")


def _points(
    lead: dict[str, Any],
    harm: Element,
    age: int | None,
    s: ScoringSettings,
    v: Vocabulary,
    labels: Mapping[str, str],
) -> _Scorecard:
    """The additive points and their reasons: harm, compensation, hardship, priority groups."""
    card = _Scorecard()
    rows = _keys(lead.get("case_rows"), labels)
    if harm.key in _HARM_RULE:
        card.add(harm.key, s.harm[_HARM_RULE[harm.key]], rows)
    status = lead.get("compensation")
    key = {"unable": "unable", "none": "none", "partial": "partial"}.get(status or "", "unknown")
    card.add(key, s.compensation[key], rows)
    if lead.get("offender_unknown"):
        card.add("offender_unknown", s.compensation["offender_unknown"], rows)
    if lead.get("forgiveness") == "not_forgiven":
        card.add("not_forgiven", s.compensation["not_forgiven"], rows)
    has_hardship = _hardship(lead, s, v, card, labels)
    priority = {
        "minor": age is not None and age < _ADULT_AGE,
        "elderly": age is not None and age >= s.elderly_age,
        "disabled": bool(lead.get("any_disabled_or_ill")),
        "woman_hardship": lead.get("person_sex") == "F" and has_hardship,
    }
    for group, applies in priority.items():
        if applies:
            card.add(group, s.priority[group])
    return card


def _hardship(
    lead: dict[str, Any],
    s: ScoringSettings,
    v: Vocabulary,
    card: _Scorecard,
    labels: Mapping[str, str],
) -> bool:
    """Add the points of every hardship signal; return whether there was any."""
    fired: list[str] = []

    def add(key: str, evidence: str = "") -> None:
        card.add(key, s.hardship[key], evidence)
        fired.append(key)

    hh_rows = _keys(lead.get("household_rows"), labels, limit=1)
    accepted = lead.get("case_accepted")
    if risk_after_incident(lead, s):
        identified = lead["risk_identified"]
        add("risk_after_incident", f"{lead['risk_type']}，识别于{identified:%Y年%m月}；{hh_rows}")
    if lead.get("case_hardship"):
        add("case_text_hardship", _keys(lead.get("case_rows"), labels))
    pet_rows = _keys(lead.get("petition_rows"), labels)
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
    return bool(fired)


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


def _sources(lead: dict[str, Any]) -> list[str]:
    sources = ["cases"]
    if lead.get("household_id"):
        sources.append("poverty")
    if lead.get("petition_rows"):
        sources.append("petitions")
    return sources


def score_lead(lead: dict[str, Any], config: Config, today: date) -> dict[str, Any]:
    """One lead's row: the legal test's elements and tier, points, reasons and evidence."""
    s, v, labels = config.scoring, config.vocabulary, config.source_labels(short=True)
    age = _age(lead.get("person_birth"), lead.get("case_accepted") or today)
    harm = harm_element(lead, age, s)
    elements = (
        harm,
        compensation_element(lead),
        hardship_element(lead, s, v, lead.get("case_accepted")),
    )
    card = _points(lead, harm, age, s, v, labels)
    if lead.get("other_relief_rows"):
        card.reasons.append(
            f"本案已有人获司法救助，需核实是否为同一被害人（{_keys(lead['other_relief_rows'], labels)}）"
        )
    sources = _sources(lead)
    evidence = [
        *(lead.get("case_rows") or []),
        *(lead.get("household_rows") or [])[:6],
        *(lead.get("petition_rows") or []),
    ]
    return {
        "candidate_id": candidate_id(lead["person_id"], lead["case_id"]),
        "score": round(card.points, 1),
        "strength": sum(e.strength for e in elements),
        "person_id": lead["person_id"],
        "case_id": lead["case_id"],
        "legal_test": "\n".join(e.line() for e in elements),
        **{f"{name}_status": e.status for name, e in zip(_ELEMENTS, elements, strict=True)},
        **{f"{name}_evidence": e.evidence for name, e in zip(_ELEMENTS, elements, strict=True)},
        "reasons": "；".join(card.reasons),
        "victim_name": lead.get("person_name"),
        "id_number": lead.get("person_id_number"),
        "sex": lead.get("person_sex"),
        "age_at_case": age,
        "is_minor": age is not None and age < _ADULT_AGE,
        "case_name": lead.get("case_name"),
        "charge": lead.get("charge"),
        "harm": harm.key,
        "compensation": lead.get("compensation") or "unknown",
        "forgiveness": lead.get("forgiveness") or "unknown",
        "household_id": lead.get("household_id"),
        "monitor_type": lead.get("monitor_type"),
        "has_hardship_evidence": elements[2].status != "✗",
        "hardship_caused_by_case": elements[2].status == "✓",
        "sources": "+".join(sources),
        "cross_source": len(sources) > 1,
        "evidence": "；".join(evidence),
        "case_evidence": lead.get("case_evidence"),
        "petition_evidence": lead.get("petition_evidence"),
        "applicants": _applicants(lead, age, today, v),
        "score_breakdown": " ".join(card.breakdown),
        "tier": tier_of(elements, s),
    }


_ELEMENTS = ("harm", "compensation", "hardship")


def score_leads(
    leads: pl.DataFrame, config: Config, today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (candidates ranked best first, excluded leads with their exclusion reasons)."""
    today = today or date.today()
    s = config.scoring
    ranked, excluded = [], []
    for lead in leads.iter_rows(named=True):
        row = score_lead(lead, config, today)
        exclusions = _exclusions(lead)
        if exclusions:
            row["exclusions"] = "；".join(s.exclusions[e] for e in exclusions)
            row["exclusion_rules"] = ",".join(exclusions)
            excluded.append(row)
        else:
            row["indicative_range"] = f"{s.indicative_range[row['tier']]}（{s.indicative_note}）"
            ranked.append(row)
    return _ranked(ranked, s), pl.DataFrame(excluded, schema=_row_schema(excluded))


def _ranked(rows: list[dict[str, Any]], s: ScoringSettings) -> pl.DataFrame:
    """Tier first (高, 中, 低), then the strength of the evidence, then the points."""
    if not rows:
        return pl.DataFrame()
    return rank_candidates(pl.DataFrame(rows, schema=_row_schema(rows)), s)


def rank_candidates(candidates: pl.DataFrame, s: ScoringSettings) -> pl.DataFrame:
    """`rank` by tier, strength, score, candidate_id (leads scored in slices ranked as one)."""
    if candidates.is_empty() and not candidates.width:
        return candidates
    order = {tier: i for i, tier in enumerate(s.tiers)}
    return (
        candidates.drop("rank", strict=False)
        .with_columns(pl.col("tier").replace_strict(order, return_dtype=pl.Int8).alias("_tier"))
        .sort(
            ["_tier", "strength", "score", "candidate_id"],
            descending=[False, True, True, False],
        )
        .drop("_tier")
        .with_row_index("rank", offset=1)
        .with_columns(pl.col("rank").cast(pl.Int64))
    )


_TYPED = {
    "score": pl.Float64,
    "strength": pl.Float64,
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
