"""Lead scoring settings (schemas/scoring.yaml)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from pipeline.config.base import Frozen

SCORING_RULES = {
    "harm": (
        "death",
        "serious_injury",
        "major_loss",
        "sexual_minor",
        "minor_injury",
        "slight_injury",
    ),
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


class LearningSettings(Frozen):
    """The review model (pipeline/leads/learning.py): when it switches on and how it explains."""

    enabled: bool = True
    min_decisions: int = Field(ge=2)
    min_per_class: int = Field(ge=1)
    regularisation_c: float = Field(gt=0)
    explain_top: int = Field(ge=1)
    order: Literal["probability", "within_strength", "blend"] = "probability"
    # order `blend`: within a tier by strength + blend_weight x the model's log-odds
    blend_weight: float = Field(default=1.0, ge=0)
    # it switches on only when, on held-out decisions, its AUC beats the legal test's order by this
    min_auc_gain: float = Field(default=0.05, ge=0, le=1)
    # each decision is held out once, in one of this many folds fixed by the lead id
    cv_folds: int = Field(default=5, ge=2)
    # kind of case-caused hardship evidence of each hardship rule (feature hardship_evidence=…)
    hardship_evidence: dict[str, str] = Field(default_factory=dict)
    # vulnerabilities crossed with the harm (feature harm=minor_injury+elderly)
    crossed_with_harm: tuple[Literal["minor", "elderly", "disabled", "monitored"], ...] = ()


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
    # the legal test (pipeline/leads/legal_test.py)
    property_crimes: tuple[str, ...]
    sexual_crimes: tuple[str, ...]
    disabled_health_words: tuple[str, ...]
    exclusions: dict[str, str]
    # highest first: every element met / none missing and at most this many unclear / else
    tiers: tuple[str, str, str]
    medium_max_unclear: int = Field(ge=0, le=2)
    indicative_range: dict[str, str]
    indicative_note: str
    learning: LearningSettings

    @model_validator(mode="after")
    def _one_range_per_tier(self) -> ScoringSettings:
        missing = [t for t in self.tiers if t not in self.indicative_range]
        if missing:
            raise ValueError(f"indicative_range: no range for tiers {missing}")
        return self

    def monitoring_line(self, region: str | None, year: int | None) -> float:
        """Income line per head for a province (first 2 digits of a region code) and year."""
        table = self.monitoring_line_yuan.get(str(region or "")[:2])
        if isinstance(table, dict) and year is not None:
            years = sorted(int(y) for y in table)
            usable = [y for y in years if y <= year] or years[:1]
            return float(table[usable[-1]])
        return float(self.monitoring_line_yuan["default"])
