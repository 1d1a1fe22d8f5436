"""County practice: how one county's reviewers decide leads where the national rules leave room.

The national legal test (`latent.VictimFacts.qualifies`) is what the pipeline's tiers
implement. Real counties apply it with local habits the exports never state: one expects
traffic victims to be paid by the compulsory insurance first, another counts a partial
payment as effective compensation, another also accepts 轻伤 of a poor household's member.
Each generated county gets `PRACTICES_PER_COUNTY` of the practices below, drawn from its own
random stream (so the exports and the national truth do not change), and its reviewers
decide by the national test adjusted by them: `truth/leads.csv` `county_accepts`, with the
practices in `truth/county_practice.csv`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sample_data.generator.cases import Case
from sample_data.generator.latent import VictimFacts

PRACTICES_PER_COUNTY = 2


@dataclass(frozen=True)
class Practice:
    """A local habit: `applies` to a pair; `accepts` says what the county then decides."""

    name: str
    description: str
    applies: Callable[[VictimFacts, Case], bool]
    accepts: bool  # False: rejects a pair the national test accepts; True: the reverse


def _traffic_with_known_driver(f: VictimFacts, case: Case) -> bool:
    return case.charge == "交通肇事罪" and not case.offender_unknown and not case.hit_and_run


def _elderly_lesser_injury(f: VictimFacts, case: Case) -> bool:
    other = any(v in ("minor", "disabled") for v in f.vulnerable)
    return f.harm == "minor_injury" and "elderly" in f.vulnerable and not other


def _hardship_only_in_monitoring(f: VictimFacts, case: Case) -> bool:
    return f.channels == ["monitoring"]


def _property_loss_outside_monitoring(f: VictimFacts, case: Case) -> bool:
    return f.harm == "property" and "monitored" not in f.vulnerable


def _poor_household_lesser_injury(f: VictimFacts, case: Case) -> bool:
    """轻伤 of a member of a monitored household, otherwise qualifying (poverty as vulnerability)."""
    no_exclusion = f.excluded == ""
    lesser = (
        f.harm == "minor_injury" and f.injury not in ("轻微伤",) and "monitored" in f.vulnerable
    )
    return lesser and f.uncompensated and f.hardship and no_exclusion


PRACTICES: tuple[Practice, ...] = (
    Practice(
        "traffic_insurance_first",
        "交通肇事 with a known driver: the county expects 交强险 and the civil suit to pay first",
        _traffic_with_known_driver,
        accepts=False,
    ),
    Practice(
        "partial_payment_is_compensation",
        "a partial payment counts as effective compensation",
        lambda f, case: f.compensation == "partial",
        accepts=False,
    ),
    Practice(
        "elderly_lesser_injury_not_enough",
        "轻伤 of an elderly victim (no other vulnerability) is not enough",
        _elderly_lesser_injury,
        accepts=False,
    ),
    Practice(
        "hardship_must_be_stated",
        "hardship seen only in the monitoring export (no petition, no case text) is not enough",
        _hardship_only_in_monitoring,
        accepts=False,
    ),
    Practice(
        "property_loss_monitored_only",
        "a major property loss is accepted only for a household under poverty monitoring",
        _property_loss_outside_monitoring,
        accepts=False,
    ),
    Practice(
        "poor_household_lesser_injury",
        "轻伤 of a monitored household's member is accepted (poverty counted as vulnerability)",
        _poor_household_lesser_injury,
        accepts=True,
    ),
)
BY_NAME = {p.name: p for p in PRACTICES}


def draw_practices(rng: np.random.Generator, n_counties: int) -> list[tuple[str, ...]]:
    """The practices of each county, in a fixed order."""
    return [
        tuple(PRACTICES[int(i)].name for i in sorted(rng.choice(len(PRACTICES), PRACTICES_PER_COUNTY, replace=False)))
        for _ in range(n_counties)
    ]  # fmt: skip


def county_accepts(facts: VictimFacts, case: Case, practices: tuple[str, ...]) -> bool:
    """The county's reviewers' decision: the national test, widened, then narrowed, by its practices."""
    chosen = [BY_NAME[name] for name in practices]
    widened = any(p.accepts and p.applies(facts, case) for p in chosen)
    narrowed = any(not p.accepts and p.applies(facts, case) for p in chosen)
    return (facts.qualifies or widened) and not narrowed


def write_practices(path: Path, county_names: list[str], practices: list[tuple[str, ...]]) -> None:
    """truth/county_practice.csv: county, practice, description."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["county", "practice", "description"])
        for county, names in zip(county_names, practices, strict=True):
            for name in names:
                writer.writerow([county, name, BY_NAME[name].description])
