"""The additive points of a lead and their reasons: harm, compensation, hardship, priority groups.

Every point comes from a named rule of schemas/scoring.yaml; a rule that applies adds its
points, its reason with the rows it rests on (`被害人死亡（案件#457）(+40)`) and `key:points`
to the breakdown, in the order of `_scorecard`. Expressions over a lead frame prepared by
lead_facts.py (see legal_test.py's `Facts`) with its elements already evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from pipeline.config import Rule, ScoringSettings, Vocabulary
from pipeline.leads.legal_test import Facts

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
_PETITION_RULES = (
    ("pet_hardship", "petition_hardship"),
    ("pet_medical", "petition_medical"),
    ("pet_non_payment", "petition_non_payment"),
    ("pet_relief_request", "petition_relief_request"),
)
CASE_KEYS, HOUSEHOLD_KEY, PETITION_KEYS = "_case_keys", "_household_key", "_petition_keys"


@dataclass(frozen=True)
class _Applied:
    """A rule that adds `rule`'s points as `key` where `when` holds, citing `evidence`."""

    key: str
    rule: Rule
    when: pl.Expr
    evidence: pl.Expr | None = None

    def reason(self) -> pl.Expr:
        points = f"(+{self.rule.points:g})"
        if self.evidence is None:
            return pl.lit(f"{self.rule.reason}{points}")
        cited = pl.concat_str(
            [pl.lit(f"{self.rule.reason}（"), self.evidence, pl.lit(f"）{points}")]
        )
        return (
            pl.when(self.evidence != "")
            .then(cited)
            .otherwise(pl.lit(f"{self.rule.reason}{points}"))
        )


def short_keys(rows: str, labels: Mapping[str, str], limit: int = 3) -> pl.Expr:
    """Short references for reasons (案件#456、信访#262, …等5行); the evidence column has the
    full keys. '' for no rows."""
    key = pl.element()
    label = key.str.extract(r"^([^:]*)", 1).replace(dict(labels))
    row = key.str.extract(r":([^:]*)$", 1).fill_null("")
    column = pl.col(rows)
    short = (
        column.list.head(limit).list.eval(pl.concat_str([label, pl.lit("#"), row])).list.join("、")
    )
    more = column.list.len()
    return (
        pl.when(more > limit)
        .then(pl.concat_str([short, pl.lit("等"), more.cast(pl.Utf8), pl.lit("行")]))
        .otherwise(short)
        .fill_null("")
    )


def _text(*parts: pl.Expr | str) -> pl.Expr:
    return pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts])


def _hardship_rules(s: ScoringSettings, v: Vocabulary) -> list[_Applied]:
    hh, pets = pl.col(HOUSEHOLD_KEY), pl.col(PETITION_KEYS)
    rule = s.hardship
    identified = pl.col("risk_identified")
    month = _text(
        identified.dt.year().cast(pl.Utf8),
        "年",
        identified.dt.month().cast(pl.Utf8).str.zfill(2),
        "月",
    )
    monitored = pl.col("monitor_type").is_not_null()
    open_risk = monitored & (pl.col("risk_cleared") == "否").fill_null(False)
    former_poor = (pl.col("household_type") == v.former_poor_household_type).fill_null(False)
    return [
        _Applied(
            "risk_after_incident",
            rule["risk_after_incident"],
            pl.col(Facts.risk_after_incident),
            _text(pl.col("risk_type"), "，识别于", month, "；", hh),
        ),
        _Applied(
            "case_text_hardship",
            rule["case_text_hardship"],
            pl.col("case_hardship"),
            pl.col(CASE_KEYS),
        ),
        *(_Applied(key, rule[key], pl.col(flag), pets) for flag, key in _PETITION_RULES),
        _Applied(
            "monitored_risk_open",
            rule["monitored_risk_open"],
            open_risk,
            _text(pl.col("monitor_type"), "；", hh),
        ),
        _Applied(
            "monitored_risk_cleared",
            rule["monitored_risk_cleared"],
            monitored & ~open_risk,
            _text(pl.col("monitor_type"), "；", hh),
        ),
        _Applied("former_poor", rule["former_poor"], ~monitored & former_poor, hh),
        _Applied(
            "income_below_line",
            rule["income_below_line"],
            pl.col(Facts.income_below_line),
            _text("人均", pl.col(Facts.income), "元，低于", pl.col(Facts.line_yuan), "元"),
        ),
        _Applied("no_labour", rule["no_labour"], pl.col("any_no_labour"), hh),
        _Applied(
            "other_hardship",
            rule["other_hardship"],
            pl.col("pet_other_hardship") & ~pl.col("pet_hardship"),
            pets,
        ),
    ]


def _scorecard(s: ScoringSettings, v: Vocabulary) -> list[_Applied]:
    """Every rule in the order its points are added and its reason is written."""
    rows = pl.col(CASE_KEYS)
    harm = pl.col("harm_key")
    status = pl.col("compensation")
    compensation = [
        _Applied(key, s.compensation[key], when, rows)
        for key, when in (
            ("unable", status == "unable"),
            ("none", status == "none"),
            ("partial", status == "partial"),
            ("unknown", ~status.is_in(["unable", "none", "partial"]).fill_null(False)),
        )
    ]
    hardship = _hardship_rules(s, v)
    any_hardship = pl.any_horizontal([r.when for r in hardship])
    priority = {
        "minor": pl.col(Facts.minor),
        "elderly": pl.col(Facts.elderly),
        "disabled": pl.col("any_disabled_or_ill"),
        "woman_hardship": (pl.col("person_sex") == "F").fill_null(False) & any_hardship,
    }
    return [
        *(_Applied(key, s.harm[rule], harm == key, rows) for key, rule in _HARM_RULE.items()),
        *compensation,
        _Applied(
            "offender_unknown", s.compensation["offender_unknown"], pl.col("offender_unknown"), rows
        ),
        _Applied(
            "not_forgiven",
            s.compensation["not_forgiven"],
            (pl.col("forgiveness") == "not_forgiven").fill_null(False),
            rows,
        ),
        *hardship,
        *(_Applied(group, s.priority[group], when) for group, when in priority.items()),
    ]


def points_columns(s: ScoringSettings, v: Vocabulary) -> list[pl.Expr]:
    """`_points` (unrounded, added in rule order), `_reasons` and `score_breakdown`."""
    card = _scorecard(s, v)
    points: pl.Expr = pl.lit(0.0, dtype=pl.Float64)
    for applied in card:
        points = points + pl.when(applied.when).then(pl.lit(float(applied.rule.points))).otherwise(
            0.0
        )
    reasons = pl.concat_str(
        [pl.when(a.when).then(a.reason()) for a in card], separator="；", ignore_nulls=True
    )
    breakdown = pl.concat_str(
        [pl.when(a.when).then(pl.lit(f"{a.key}:{a.rule.points:g}")) for a in card],
        separator=" ",
        ignore_nulls=True,
    )
    return [points.alias("_points"), reasons.alias("_reasons"), breakdown.alias("score_breakdown")]
