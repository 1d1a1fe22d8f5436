"""Latent facts of each victim in a case, and the legal test applied to them.

The test (domain.md): harm from the case, no effective compensation, hardship caused
by the case, and no exclusion (already relieved, victim fault, waiver, the victim
also a suspect, a paid settlement or full compensation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# charge: (weight, harm probabilities death/serious/minor/other, share of large property loss)
CHARGES: dict[str, tuple[float, tuple[float, float, float, float], float]] = {
    "交通肇事罪": (30, (0.35, 0.33, 0.27, 0.05), 0.0),
    "故意伤害罪": (22, (0.05, 0.40, 0.55, 0.0), 0.0),
    "故意杀人罪": (3, (0.70, 0.30, 0.0, 0.0), 0.0),
    "抢劫罪": (6, (0.0, 0.10, 0.35, 0.55), 0.10),
    "猥亵儿童罪": (6, (0.0, 0.0, 1.0, 0.0), 0.0),
    "强奸罪": (4, (0.0, 0.40, 0.60, 0.0), 0.0),
    "诈骗罪": (12, (0.0, 0.0, 0.0, 1.0), 0.55),
    "盗窃罪": (10, (0.0, 0.0, 0.0, 1.0), 0.12),
    "寻衅滋事罪": (7, (0.0, 0.0, 0.60, 0.40), 0.0),
}
SEXUAL = ("猥亵儿童罪", "强奸罪")
LARGE_LOSS = 30_000
# compensation outcome probabilities: full, partial, none, unable, unknown (not stated)
_COMPENSATION = ("full", "partial", "none", "unable", "unknown")
_COMP_P = {"property": (0.15, 0.2, 0.25, 0.1, 0.3), "person": (0.22, 0.18, 0.22, 0.15, 0.23)}
_HARDSHIP_P = {"death": 0.8, "serious": 0.75, "property": 0.55, "minor_injury": 0.35, "none": 0.1}


@dataclass
class VictimFacts:
    """What really happened to one victim in one case, and what the exports show of it."""

    pid: int
    age: int
    harm: str = "none"  # death | serious | minor_injury | property | none
    injury: str = ""  # 死亡, 重伤一级 … 轻微伤, or "" (no physical injury)
    loss: int = 0
    compensation: str = "unknown"
    paid: int = 0
    settlement: str = "none"  # none | paid | unpaid
    forgiven: bool | None = None  # None: not stated anywhere
    waived: bool = False
    victim_fault: bool = False
    also_suspect: bool = False
    vulnerable: list[str] = field(default_factory=list)
    hardship: bool = False
    channels: list[str] = field(
        default_factory=list
    )  # where hardship shows: monitoring, petition, summary
    petitioner: int | None = None
    relieved_by: int | None = None
    structured: bool = True  # 伤情/赔偿情况/是否谅解/经济损失 filled on the victim row
    blank: list[str] = field(default_factory=list)  # structured fields left empty on a filled row

    @property
    def uncompensated(self) -> bool:
        return self.compensation != "full" and self.settlement != "paid"

    @property
    def harm_qualifies(self) -> bool:
        """The legal test's first element: 轻伤 (or a sexual offence without a grade) counts
        only with a vulnerability beyond household poverty; 轻微伤 never does."""
        if self.harm in ("death", "serious", "property"):
            return True
        beyond_poverty = any(v in ("minor", "disabled", "elderly") for v in self.vulnerable)
        return self.harm == "minor_injury" and self.injury != "轻微伤" and beyond_poverty

    @property
    def excluded(self) -> str:
        if self.also_suspect:
            return "also_suspect"
        if self.victim_fault:
            return "victim_fault"
        if self.settlement == "paid":
            return "forgiven_settled"
        if self.compensation == "full":
            return "full_compensation"
        if self.waived:
            return "waived"
        if self.relieved_by is not None:
            return "already_relieved"
        return ""

    @property
    def qualifies_before_relief(self) -> bool:
        return (
            self.harm_qualifies
            and self.uncompensated
            and self.hardship
            and (self.excluded in ("", "already_relieved"))
        )

    @property
    def qualifies(self) -> bool:
        return self.qualifies_before_relief and self.excluded == ""


def draw_charge(rng: np.random.Generator) -> str:
    names = list(CHARGES)
    weights = np.array([CHARGES[c][0] for c in names])
    return str(names[int(rng.choice(len(names), p=weights / weights.sum()))])


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> int:
    return int(round(float(np.exp(rng.uniform(np.log(lo), np.log(hi)))), -2))


def draw_harm(rng: np.random.Generator, facts: VictimFacts, charge: str) -> None:
    """Harm, injury grade and loss; a large loss without injury is 'property' harm."""
    _, probs, large_share = CHARGES[charge]
    kind = ("death", "serious", "minor", "other")[int(rng.choice(4, p=probs))]
    if kind == "death":
        facts.harm, facts.injury, facts.loss = "death", "死亡", _log_uniform(rng, 2e5, 9e5)
    elif kind == "serious":
        facts.harm, facts.injury = (
            "serious",
            str(rng.choice(["重伤一级", "重伤二级"], p=[0.3, 0.7])),
        )
        facts.loss = _log_uniform(rng, 4e4, 3e5)
    elif kind == "minor":
        facts.harm = "minor_injury"
        facts.injury = (
            "" if charge in SEXUAL else str(rng.choice(["轻伤一级", "轻伤二级", "轻微伤"]))
        )
        facts.loss = _log_uniform(rng, 2e3, 4e4)
    else:
        large = rng.random() < large_share
        facts.loss = _log_uniform(rng, LARGE_LOSS, 6e5) if large else _log_uniform(rng, 8e2, 2.9e4)
        facts.harm = "property" if large else "none"


def draw_compensation(rng: np.random.Generator, facts: VictimFacts, offender_known: bool) -> None:
    """Payment, settlement, forgiveness and waiver, mutually consistent."""
    probs = _COMP_P["property" if facts.injury == "" else "person"]
    facts.compensation = str(rng.choice(_COMPENSATION, p=probs)) if offender_known else "none"
    if facts.compensation == "full":
        facts.paid = facts.loss
    elif facts.compensation == "partial":
        facts.paid = int(round(facts.loss * rng.uniform(0.05, 0.5), -2))
    forgive_p = {"full": 0.75, "partial": 0.3, "none": 0.05, "unable": 0.05, "unknown": 0.0}
    facts.forgiven = bool(rng.random() < forgive_p[facts.compensation])
    if facts.forgiven and facts.compensation in ("full", "partial") and rng.random() < 0.6:
        facts.settlement = "paid"
    elif facts.compensation in ("partial", "none", "unable") and rng.random() < 0.08:
        facts.settlement = "unpaid"
    if facts.compensation == "unknown" and rng.random() < 0.5:
        facts.forgiven = None
    facts.waived = (
        offender_known and facts.compensation in ("none", "unknown") and rng.random() < 0.03
    )


def draw_hardship(rng: np.random.Generator, facts: VictimFacts) -> None:
    """Whether the case left the household in hardship (vulnerable people more often)."""
    p = _HARDSHIP_P[facts.harm]
    if facts.harm == "minor_injury" and facts.vulnerable:
        p = 0.55
    if "monitored" in facts.vulnerable and facts.harm in ("death", "serious"):
        p = 0.85
    facts.hardship = bool(rng.random() < p)


def describe(facts: VictimFacts) -> str:
    """A short note for truth/leads.csv: which facts drove the outcome."""
    parts = [f"compensation={facts.compensation}"]
    if facts.settlement != "none":
        parts.append(f"settlement={facts.settlement}")
    if facts.vulnerable:
        parts.append("vulnerable=" + "+".join(facts.vulnerable))
    if facts.hardship:
        parts.append("hardship_via=" + ("+".join(facts.channels) or "none_observable"))
    if not facts.structured:
        parts.append("facts_only_in_summary")
    return ";".join(parts)
