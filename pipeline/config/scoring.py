"""Lead scoring settings (schemas/scoring.yaml)."""

from __future__ import annotations

from typing import Any

from pipeline.config.base import Frozen

SCORING_RULES = {
    "harm": ("death", "serious_injury", "major_loss", "minor_injury", "slight_injury"),
    "compensation": ("unable", "none", "unknown", "partial", "offender_unknown", "not_forgiven"),
    "hardship": (
        "risk_after_incident",
        "case_text_hardship",
        "petition_hardship",
        "petition_medical",
        "petition_non_payment",
        "petition_relief_request",
        "monitored_risk_open",
        "monitored_risk_cleared",
        "former_poor",
        "income_below_line",
        "no_labour",
        "other_hardship",
    ),
    "priority": ("minor", "elderly", "disabled", "woman_hardship"),
}


class Rule(Frozen):
    points: float
    reason: str


class ScoringSettings(Frozen):
    """Lead scoring rules (schemas/scoring.yaml)."""

    roles: dict[str, tuple[str, ...]]
    harm: dict[str, Rule]
    major_loss_yuan: float
    compensation: dict[str, Rule]
    hardship: dict[str, Rule]
    caused_by_case: tuple[str, ...]
    risk_after_types: tuple[str, ...]
    risk_after_window_days: tuple[int, int]
    monitoring_line_yuan: dict[str, Any]
    priority: dict[str, Rule]
    elderly_age: int
    vulnerable_for_minor_injury: tuple[str, ...]
    minor_injury_vulnerable_bonus: float
    exclusions: dict[str, str]
    score_caps: dict[str, float]
    tiers: dict[str, float]
    indicative_range: dict[str, str]
    indicative_note: str

    def monitoring_line(self, region: str | None, year: int | None) -> float:
        """Income line per head for a province (first 2 digits of a region code) and year."""
        table = self.monitoring_line_yuan.get(str(region or "")[:2])
        if isinstance(table, dict) and year is not None:
            years = sorted(int(y) for y in table)
            usable = [y for y in years if y <= year] or years[:1]
            return float(table[usable[-1]])
        return float(self.monitoring_line_yuan["default"])

    def tier_of(self, score: float) -> str:
        for tier, minimum in sorted(self.tiers.items(), key=lambda kv: -kv[1]):
            if score >= minimum:
                return tier
        return list(self.tiers)[-1]
