"""Draw the whole latent world in order: places, people, cases, relief, petitions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data.generator import case_text, naming, petitions, practice, relief
from sample_data.generator.cases import Case, PersonPicker, attach_hardship_evidence, draw_case
from sample_data.generator.places import build_geography, counties_for_size
from sample_data.generator.population import Population, build_population
from sample_data.generator.profile import ORDINARY, Profile

CASES_PER_POVERTY_ROW = 0.1  # ~2.7 party rows per case -> cases.csv ~ 0.27 x size
PETITIONS_PER_POVERTY_ROW = 0.17
# a new stage goes last: the earlier stages' streams, and so the exports, stay as they were
_STAGES = ("geography", "population", "cases", "relief", "petitions", "exports", "practice")


@dataclass
class World:
    pop: Population
    cases: list[Case]
    petitions: list[petitions.PetitionItem]
    rngs: dict[str, np.random.Generator]
    practices: list[tuple[str, ...]]  # per county: how its reviewers decide (practice.py)


def _prosecutors(rng: np.random.Generator, n_counties: int) -> list[list[str]]:
    out = []
    for _ in range(n_counties):
        male = rng.random(5) < 0.5
        g1, g2 = naming.draw_given_chars(rng, male)
        out.append(naming.assemble_names(naming.draw_surnames(rng, 5), g1, g2).to_list())
    return out


def _assign_case_ids(cases: list[Case], pop: Population) -> None:
    seq: dict[tuple[int, str], int] = {}
    for case in cases:
        year = str(case.accepted)[:4]
        key = (case.county, year)
        seq[key] = seq.get(key, 0) + 1
        code, abbr = pop.geo.county_codes[case.county], pop.geo.county_abbrs[case.county]
        case.case_id = f"{abbr}检刑诉受[{year}]{code}{seq[key]:06d}号"


def build_world(
    size: int,
    seed: int,
    n_cases: int | None = None,
    n_petitions: int | None = None,
    profile: Profile = ORDINARY,
    n_counties: int | None = None,
) -> World:
    """Every latent fact, before any export is written.

    `n_cases` and `n_petitions` override the default ratios to the poverty size (a provincial
    benchmark wants fewer cases and petitions per monitored row than one county has);
    `profile` sets how hard the county is for linking; `n_counties` spreads the people over
    that many counties instead of one per ~60,000 poverty rows (denser villages: more
    namesakes in each).
    """
    rngs = {name: np.random.default_rng([seed, i]) for i, name in enumerate(_STAGES)}
    counties_wanted = n_counties or counties_for_size(size)
    geo = build_geography(rngs["geography"], counties_wanted, profile.repeated_village)
    pop = build_population(rngs["population"], size, geo, profile)
    rng = rngs["cases"]
    picker = PersonPicker(pop, rng)
    weights = np.bincount(pop.households["county"], minlength=len(geo.county_codes)).astype(float)
    counties = rng.choice(
        len(weights),
        size=n_cases if n_cases is not None else max(12, round(size * CASES_PER_POVERTY_ROW)),
        p=weights / weights.sum(),
    )
    cases = [draw_case(rng, pop, picker, int(c)) for c in counties]
    cases.sort(key=lambda c: (c.accepted, c.county))
    _assign_case_ids(cases, pop)
    prosecutors = _prosecutors(rng, len(geo.county_codes))
    for case in cases:
        attach_hardship_evidence(rng, pop, case)
        case.name = case_text.case_name(rng, case, pop)
        case.summary = case_text.write_summary(rng, case, pop)
        case.prosecutor = str(rng.choice(prosecutors[case.county]))
    relief.grant_relief(rngs["relief"], pop, cases)
    target = (
        n_petitions if n_petitions is not None else max(20, round(size * PETITIONS_PER_POVERTY_ROW))
    )
    items = petitions.draw_petitions(rngs["petitions"], pop, cases, target)
    practices = practice.draw_practices(rngs["practice"], len(geo.county_codes))
    return World(pop, cases, items, rngs, practices)
