"""Criminal cases and their parties, with each victim's latent facts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sample_data.generator import latent, monitoring
from sample_data.generator.population import (
    DAUGHTER,
    DIL,
    EXPORT_DATE,
    GRANDDAUGHTER,
    GRANDSON,
    HEAD,
    SON,
    SPOUSE,
    Population,
)

FIRST_CASE = np.datetime64("2023-01-01")
LAST_CASE = np.datetime64("2026-10-31")


@dataclass
class Case:
    case_id: str
    county: int
    charge: str
    incident: np.datetime64
    accepted: np.datetime64
    concluded: np.datetime64 | None
    village: int
    suspects: list[int] = field(default_factory=list)
    victims: list[latent.VictimFacts] = field(default_factory=list)
    plaintiffs: list[int] = field(default_factory=list)
    witnesses: list[int] = field(default_factory=list)
    hit_and_run: bool = False
    offender_unknown: bool = False
    name: str = ""
    summary: str = ""
    prosecutor: str = ""


class PersonPicker:
    """Draws people by county, household group, sex and age without reusing anyone."""

    def __init__(self, pop: Population, rng: np.random.Generator) -> None:
        self.pop, self.rng = pop, rng
        self.used: set[int] = set()
        age = (EXPORT_DATE - pop.birth).astype(np.int64) / 365.25
        hh = pop.households
        county = hh["county"][pop.hid]
        group = np.where(hh["monitored_before"][pop.hid], 2, np.minimum(hh["group"][pop.hid], 1))
        self.pools: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray]] = {}
        order = np.lexsort((age, pop.is_male, group, county))
        keys = np.stack([county[order], group[order], pop.is_male[order]], axis=1)
        cut = np.flatnonzero(np.any(np.diff(keys, axis=0) != 0, axis=1)) + 1
        for chunk in np.split(order, cut):
            key = (int(county[chunk[0]]), int(group[chunk[0]]), bool(pop.is_male[chunk[0]]))
            self.pools[key] = (chunk, age[chunk])

    def pick(self, county: int, group: int, male: bool, lo: float, hi: float) -> int:
        for attempt in range(40):
            g = group if attempt < 20 else int(self.rng.integers(0, 3))
            pool = self.pools.get((county, g, male))
            if pool is None:
                continue
            people, ages = pool
            a, b = np.searchsorted(ages, lo), np.searchsorted(ages, hi)
            if b <= a:
                continue
            pid = int(people[int(self.rng.integers(a, b))])
            if pid not in self.used:
                self.used.add(pid)
                return pid
        pid = int(self.rng.integers(0, self.pop.size))
        self.used.add(pid)
        return pid


def close_relative(
    pop: Population, victim: int, rng: np.random.Generator, when: np.datetime64
) -> int | None:
    """The adult household member who would apply for the victim (spouse, parent, child)."""
    rel = int(pop.relation[victim])
    adults = [
        m for m in pop.members(int(pop.hid[victim])) if m != victim and pop.age_at(m, when) >= 18
    ]
    if not adults:
        return None
    preferred: tuple[int, ...]
    if rel in (SON, DAUGHTER):
        preferred = (HEAD, SPOUSE)
    elif rel in (GRANDSON, GRANDDAUGHTER):
        preferred = (SON, DIL)
    elif rel == HEAD:
        preferred = (SPOUSE, SON, DAUGHTER)
    elif rel in (SPOUSE, DIL):
        preferred = (HEAD, SON)
    else:
        preferred = (HEAD,)
    close = [m for m in adults if int(pop.relation[m]) in preferred]
    return int(rng.choice(close or adults))


_VICTIM_AGES = {
    "猥亵儿童罪": ((6, 13, 1.0),),
    "强奸罪": ((14, 17, 0.5), (18, 40, 0.5)),
    "诈骗罪": ((60, 86, 0.55), (25, 60, 0.45)),
    "盗窃罪": ((25, 86, 1.0),),
    "交通肇事罪": ((5, 17, 0.12), (18, 69, 0.63), (70, 89, 0.25)),
}
_DEFAULT_AGES = ((16, 69, 0.92), (70, 86, 0.08))


def _victim_age_sex(rng, charge: str) -> tuple[float, float, bool]:
    bands = _VICTIM_AGES.get(charge, _DEFAULT_AGES)
    lo, hi, _ = bands[int(rng.choice(len(bands), p=[b[2] for b in bands]))]
    if charge == "强奸罪":
        male = False
    elif charge == "猥亵儿童罪":
        male = rng.random() < 0.2
    else:
        male = rng.random() < 0.6
    return lo, hi, male


def _victim(rng, pop: Population, picker: PersonPicker, case: Case) -> latent.VictimFacts:
    lo, hi, male = _victim_age_sex(rng, case.charge)
    group = int(rng.choice(3, p=[0.5, 0.1, 0.4]))  # general, 脱贫户, monitored
    pid = picker.pick(case.county, group, male, lo, hi)
    facts = latent.VictimFacts(pid=pid, age=pop.age_at(pid, case.incident))
    latent.draw_harm(rng, facts, case.charge)
    latent.draw_compensation(rng, facts, offender_known=not case.offender_unknown)
    if facts.age < 18:
        facts.vulnerable.append("minor")
    if pop.health[pid] == 3:
        facts.vulnerable.append("disabled")
    if facts.age >= 60:
        facts.vulnerable.append("elderly")
    if pop.households["monitored_before"][pop.hid[pid]]:
        facts.vulnerable.append("monitored")
    fault_p = {"交通肇事罪": 0.06, "故意伤害罪": 0.04}.get(case.charge, 0.0)
    facts.victim_fault = bool(rng.random() < fault_p) and not case.offender_unknown
    latent.draw_hardship(rng, facts)
    facts.structured = bool(rng.random() >= 0.45)
    if facts.structured:
        facts.blank = [
            k for k in ("injury", "loss", "compensation", "forgiveness") if rng.random() < 0.1
        ]
    return facts


def draw_case(rng: np.random.Generator, pop: Population, picker: PersonPicker, county: int) -> Case:
    """One case: charge, dates, suspects, victims with latent facts, plaintiffs, witnesses."""
    span = int((LAST_CASE - FIRST_CASE).astype(int))
    accepted = FIRST_CASE + np.timedelta64(int(rng.integers(0, span + 1)), "D")
    incident = accepted - np.timedelta64(int(rng.integers(20, 240)), "D")
    done = accepted + np.timedelta64(int(rng.integers(30, 200)), "D")
    concluded = done if done < EXPORT_DATE and rng.random() < 0.8 else None
    villages = np.flatnonzero(pop.geo.village_county == county)
    case = Case(
        "",
        county,
        latent.draw_charge(rng),
        incident,
        accepted,
        concluded,
        int(rng.choice(villages)),
    )
    if case.charge == "交通肇事罪":
        case.hit_and_run = bool(rng.random() < 0.15)
        case.offender_unknown = case.hit_and_run and rng.random() < 0.3
    if not case.offender_unknown:
        n_suspects = int(rng.choice([1, 2, 3], p=[0.78, 0.17, 0.05]))
        if case.charge in ("交通肇事罪", "猥亵儿童罪"):
            n_suspects = 1
        for _ in range(n_suspects):
            group = 0 if rng.random() < 0.92 else int(rng.integers(1, 3))
            case.suspects.append(picker.pick(county, group, bool(rng.random() < 0.9), 18, 62))
    n_victims = 1 if rng.random() < 0.85 or case.charge in latent.SEXUAL else 2
    for _ in range(n_victims):
        case.victims.append(_victim(rng, pop, picker, case))
    first = case.victims[0]
    if case.charge in ("故意伤害罪", "寻衅滋事罪") and rng.random() < 0.1 and first.age >= 16:
        first.also_suspect = True
    for facts in case.victims:
        wants_plaintiff = facts.harm == "death" and rng.random() < 0.7
        wants_plaintiff |= facts.age < 18 and rng.random() < 0.4
        relative = close_relative(pop, facts.pid, rng, case.accepted) if wants_plaintiff else None
        if relative is not None and relative not in case.suspects:
            case.plaintiffs.append(relative)
    if rng.random() < 0.15:
        case.witnesses.append(
            picker.pick(county, int(rng.integers(0, 3)), bool(rng.random() < 0.6), 18, 75)
        )
    return case


def attach_hardship_evidence(rng: np.random.Generator, pop: Population, case: Case) -> None:
    """Decide where each victim's hardship becomes visible, and apply it to the household."""
    for facts in case.victims:
        if not facts.hardship:
            if rng.random() < 0.1:
                facts.petitioner = _petitioner(rng, pop, case, facts)
            continue
        hid = int(pop.hid[facts.pid])
        in_export = pop.households["group"][hid] != monitoring.GENERAL
        if rng.random() < (0.65 if in_export else 0.35):
            facts.channels.append("monitoring")
        if rng.random() < 0.5:
            facts.petitioner = _petitioner(rng, pop, case, facts)
            if facts.petitioner is not None:
                facts.channels.append("petition")
        if rng.random() < 0.3:
            facts.channels.append("summary")
        if not facts.channels and rng.random() < 0.97:
            facts.channels.append(str(rng.choice(["monitoring", "summary"])))
        if "monitoring" in facts.channels:
            monitoring.enter_monitoring_after_case(
                pop.households, hid, case.incident, facts.harm, rng
            )
            if facts.harm == "serious" and facts.injury.startswith("重伤") and rng.random() < 0.5:
                pop.health[facts.pid] = 3


def _petitioner(rng, pop: Population, case: Case, facts: latent.VictimFacts) -> int | None:
    needs_relative = facts.harm == "death" or facts.age < 16 or rng.random() < 0.35
    if not needs_relative:
        return facts.pid
    relative = close_relative(pop, facts.pid, rng, case.accepted)
    if relative is None and facts.harm != "death":
        return facts.pid
    return relative
