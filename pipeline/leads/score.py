"""Score each lead against the legal test (pipeline/leads/legal_test.py, schemas/scoring.yaml).

The tier follows the test: 高 only when harm, no effective compensation and hardship caused
by the case are all evidenced; 中 when one of them is unclear; 低 otherwise. Within a tier,
leads are ordered by the strength of that evidence, then by an additive score whose every
point comes from a named rule with a plain-Chinese reason and the rows it rests on.
Exclusions (already relieved, compensated in full, the person is accused in the case, …)
take a lead off the ranked list; they are returned separately and counted.

All leads are scored at once with polars expressions over the frame lead_facts.py prepares;
only the applicants of a death or a minor are read row by row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl

from pipeline.config import Config, ScoringSettings, Vocabulary
from pipeline.leads.lead_facts import lead_facts, lead_flags
from pipeline.leads.legal_test import (
    ELEMENTS,
    MET,
    MISSING,
    Facts,
    legal_test_columns,
    legal_test_text,
    tier,
)
from pipeline.leads.minors import ADULT_AGE
from pipeline.leads.points import points_columns

CANDIDATE_ID_SALT = "relief-leads/lead/v1"
_EXCLUSIONS = (
    "already_relieved", "full_compensation", "settled_paid", "accused_in_case", "victim_fault",
    "waived",
)  # fmt: skip


def candidate_id(person_id: str, case_id: str) -> str:
    """Stable lead id: the same person and case give the same id in every run."""
    return (
        "L" + hashlib.sha256(f"{CANDIDATE_ID_SALT}|{person_id}|{case_id}".encode()).hexdigest()[:12]
    )


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _scored(facts: pl.DataFrame, s: ScoringSettings, v: Vocabulary) -> pl.DataFrame:
    """The legal test's elements, tier, points and reasons of every lead."""
    other_relief = pl.concat_str(
        [
            pl.lit("本案已有人获司法救助，需核实是否为同一被害人（"),
            pl.col("_other_relief_keys"),
            pl.lit("）"),
        ]
    )
    has_other_relief = pl.col("other_relief_rows").list.len().fill_null(0) > 0
    return (
        facts.with_columns(legal_test_columns(s, v))
        .with_columns(*points_columns(s, v), tier(s), legal_test_text())
        .with_columns(
            pl.when(has_other_relief)
            .then(pl.concat_str([pl.col("_reasons"), pl.lit("；"), other_relief]))
            .otherwise(pl.col("_reasons"))
            .alias("reasons")
        )
    )


def _exclusions(s: ScoringSettings) -> list[pl.Expr]:
    """`exclusions` (their texts) and `exclusion_rules`, '' for a lead that stays."""
    compensation, forgiveness = pl.col("compensation"), pl.col("forgiveness")
    effective = compensation.is_in(["none", "unable", "partial"]).fill_null(False)
    applies = {
        "already_relieved": pl.col("relief_rows").list.len().fill_null(0) > 0,
        "full_compensation": (compensation == "full").fill_null(False),
        "settled_paid": pl.col("settlement_paid")
        & (~effective | (forgiveness == "forgiven").fill_null(False)),
        "accused_in_case": pl.col("accused_in_case"),
        "victim_fault": pl.col("victim_fault"),
        "waived": pl.col("compensation_waived"),
    }
    return [
        pl.concat_str(
            [pl.when(applies[e]).then(pl.lit(s.exclusions[e])) for e in _EXCLUSIONS],
            separator="；",
            ignore_nulls=True,
        ).alias("exclusions"),
        pl.concat_str(
            [pl.when(applies[e]).then(pl.lit(e)) for e in _EXCLUSIONS],
            separator=",",
            ignore_nulls=True,
        ).alias("exclusion_rules"),
    ]


def _applicants(lead: dict[str, Any], age: int | None, today: date, v: Vocabulary) -> str:
    """In a death, the close relatives in the household; for a minor, the guardian."""
    death = bool(lead.get("death")) or lead.get("injury") == "死亡"
    minor = age is not None and age < ADULT_AGE
    if not (death or minor):
        return "被害人本人"
    people = []
    for member in lead.get("members") or []:
        if member.get("person_id") == lead["person_id"] or member.get("name_norm") is None:
            continue
        member_age = _age(member.get("birth"), today)
        if member_age is not None and member_age < ADULT_AGE:
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


def _applicants_column(facts: pl.DataFrame, today: date, v: Vocabulary) -> pl.Series:
    """`applicants`: 被害人本人, but for a death or a minor (read row by row, only those)."""
    needs = (pl.col("death") | (pl.col("injury") == "死亡").fill_null(False)) | pl.col(Facts.minor)
    index = facts.select(needs.alias("needs")).get_column("needs")
    people = [
        c for c in ("person_id", "death", "injury", "members", "claimants") if c in facts.columns
    ]
    rows = facts.filter(index).select(*people, pl.col(Facts.age).alias("_age"))
    named = iter(_applicants(row, row["_age"], today, v) for row in rows.iter_rows(named=True))
    return pl.Series(
        "applicants", [next(named) if n else "被害人本人" for n in index], dtype=pl.Utf8
    )


def _rounded(values: pl.Series) -> pl.Series:
    """round(x, 1) as Python rounds, once per distinct value."""
    distinct = values.unique()
    return values.replace_strict(distinct, [round(x, 1) for x in distinct], return_dtype=pl.Float64)


def _or_unknown(column: str) -> pl.Expr:
    value = pl.col(column)
    return pl.when(value.fill_null("") == "").then(pl.lit("unknown")).otherwise(value).alias(column)


def _candidate_ids(person_ids: Iterable[Any], case_ids: Iterable[Any]) -> pl.Series:
    ids = [candidate_id(p, c) for p, c in zip(person_ids, case_ids, strict=True)]
    return pl.Series("candidate_id", ids, dtype=pl.Utf8)


def score_leads(
    leads: pl.DataFrame, config: Config, today: date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (candidates ranked best first, excluded leads with their exclusion reasons)."""
    today = today or date.today()
    s, v = config.scoring, config.vocabulary
    if leads.is_empty():
        return pl.DataFrame(), pl.DataFrame()
    scored = _scored(lead_facts(leads, config, today), s, v).with_columns(_exclusions(s))
    rows = _candidate_rows(scored, today, v)
    excluded = rows.filter(pl.col("exclusions") != "")
    kept = rows.filter(pl.col("exclusions") == "").drop("exclusions", "exclusion_rules")
    ranges = {t: f"{s.indicative_range[t]}（{s.indicative_note}）" for t in s.tiers}
    kept = kept.with_columns(
        pl.col("tier").replace_strict(ranges, return_dtype=pl.Utf8).alias("indicative_range")
    )
    return (
        rank_candidates(kept, s) if kept.height else pl.DataFrame(),
        excluded if excluded.height else pl.DataFrame(),
    )


def _candidate_rows(scored: pl.DataFrame, today: date, v: Vocabulary) -> pl.DataFrame:
    """The columns of candidates.csv (and of the excluded leads) from the scored leads."""
    strength = pl.sum_horizontal(pl.col(f"{n}_strength") for n in ELEMENTS)
    sources = pl.concat_str(
        [
            pl.lit("cases"),
            pl.when((pl.col("household_id") != "").fill_null(False)).then(pl.lit("poverty")),
            pl.when(pl.col("petition_rows").list.len().fill_null(0) > 0).then(pl.lit("petitions")),
        ],
        separator="+",
        ignore_nulls=True,
    )
    evidence = pl.concat_list(
        pl.col("case_rows").fill_null([]),
        pl.col("household_rows").list.head(6).fill_null([]),
        pl.col("petition_rows").fill_null([]),
    ).list.join("；")
    return scored.select(
        _candidate_ids(scored["person_id"], scored["case_id"]),
        _rounded(scored["_points"]).alias("score"),
        strength.cast(pl.Float64).alias("strength"),
        "person_id",
        "case_id",
        "legal_test",
        *(pl.col(f"{n}_status") for n in ELEMENTS),
        *(pl.col(f"{n}_evidence") for n in ELEMENTS),
        "reasons",
        pl.col("person_name").alias("victim_name"),
        pl.col("person_id_number").alias("id_number"),
        pl.col("person_sex").alias("sex"),
        pl.col(Facts.age).alias("age_at_case"),
        pl.col(Facts.minor).alias("is_minor"),
        "case_name",
        "charge",
        pl.col("harm_key").alias("harm"),
        _or_unknown("compensation"),
        _or_unknown("forgiveness"),
        "household_id",
        "monitor_type",
        (pl.col("hardship_status") != MISSING).alias("has_hardship_evidence"),
        (pl.col("hardship_status") == MET).alias("hardship_caused_by_case"),
        sources.alias("sources"),
        sources.str.contains("+", literal=True).alias("cross_source"),
        evidence.alias("evidence"),
        "case_evidence",
        "petition_evidence",
        _applicants_column(scored, today, v),
        "score_breakdown",
        "tier",
        "exclusions",
        "exclusion_rules",
    )


def lead_tiers(leads: pl.DataFrame, config: Config, today: date | None = None) -> pl.DataFrame:
    """(person_id, case_id, tier, excluded) of every lead: the legal test alone, no reasons."""
    s, v = config.scoring, config.vocabulary
    flags = lead_flags(leads, s, today or date.today())
    return flags.with_columns(legal_test_columns(s, v, values=("status",))).select(
        "person_id", "case_id", tier(s), (_exclusions(s)[0] != "").alias("excluded")
    )


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
