"""People and households: the latent population every export is drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from sample_data.generator import hard_cases, ids, monitoring, naming
from sample_data.generator.places import OUTSIDE_REGIONS, Geography
from sample_data.generator.profile import ORDINARY, Profile

EXPORT_DATE = np.datetime64("2026-11-20")
RELATIONS = np.array(
    ["户主", "配偶", "之子", "之女", "之父", "之母", "之儿媳", "之孙子", "之孙女"], dtype=object
)
HEAD, SPOUSE, SON, DAUGHTER, FATHER, MOTHER, DIL, GRANDSON, GRANDDAUGHTER = range(9)
_MALE_RELATIONS = (SON, FATHER, GRANDSON)
HEALTH = np.array(["健康", "长期慢性病", "患有大病", "残疾"], dtype=object)
_PHONE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        166,
        173,
        175,
        176,
        177,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        191,
        198,
        199,
    ]
)


@dataclass
class Population:
    """Aligned per-person arrays (index = true person id) and per-household arrays."""

    geo: Geography
    hid: np.ndarray
    relation: np.ndarray
    is_male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    region: np.ndarray  # int registration code
    names: pl.Series
    id_numbers: pl.Series
    phone: np.ndarray  # int64 mobile number used by the person (own or the household's)
    health: np.ndarray  # index into HEALTH, before any case
    ethnicity: np.ndarray  # object
    households: dict[str, np.ndarray]
    household_no: pl.Series
    hard_cases: dict[int, list[str]] = field(default_factory=dict)
    profile: Profile = ORDINARY
    # renamed people (改名): the name the monitoring export still lists
    former_names: dict[int, str] = field(default_factory=dict)
    # people who moved: (village, hamlet) their petitions and case rows give
    moved_to: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.hid)

    def members(self, hid: int) -> range:
        start = int(self.households["start"][hid])
        return range(start, start + int(self.households["size"][hid]))

    def age_at(self, pid: int, when: np.datetime64) -> int:
        born = self.birth[pid]
        years = int(str(when)[:4]) - int(str(born)[:4])
        return years - (1 if str(when)[5:] < str(born)[5:] else 0)

    def address_place(self, pid: int) -> tuple[int, int]:
        """(village, hamlet) a petition or case row gives: where the person lives now."""
        if pid in self.moved_to:
            return self.moved_to[pid]
        hid = int(self.hid[pid])
        return int(self.households["village"][hid]), int(self.households["hamlet"][hid])

    def tag(self, pid: int, tag: str) -> None:
        tags = self.hard_cases.setdefault(int(pid), [])
        if tag not in tags:
            tags.append(tag)


def draw_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """11-digit mobile numbers as int64."""
    return rng.choice(_PHONE_PREFIXES, size=n) * 10**8 + rng.integers(0, 10**8, size=n)


def _relations(rng, hsize, head_age, k, hid):
    h = len(hsize)
    three_gen = (head_age >= 55) & (hsize >= 4) & (rng.random(h) < 0.7)
    has_spouse = rng.random(h) < 0.85
    parents_tail = ~three_gen & (head_age < 52) & (hsize >= 4) & (rng.random(h) < 0.35)
    two_parents = parents_tail & (hsize >= 5) & (rng.random(h) < 0.5)
    s, tg, sp = hsize[hid], three_gen[hid], has_spouse[hid]
    child = np.where(rng.random(len(k)) < 0.52, SON, DAUGHTER)
    rel = np.where(k == 1, np.where(sp, SPOUSE, np.where(tg, SON, child)), child)
    rel = np.where(~tg & parents_tail[hid] & (k == s - 1) & (k >= 2), MOTHER, rel)
    rel = np.where(~tg & two_parents[hid] & (k == s - 2) & (k >= 2), FATHER, rel)
    rel = np.where(tg & (k == 2), SON, rel)
    rel = np.where(tg & (k == 3), DIL, rel)
    rel = np.where(tg & (k >= 4), np.where(child == SON, GRANDSON, GRANDDAUGHTER), rel)
    return np.where(k == 0, HEAD, rel).astype(np.int8)


def _ages(rng, head_age, rel, hid, head_male):
    n, h = len(rel), len(head_age)
    ha = head_age[hid].astype(float)
    son_age = head_age - 22 - rng.random(h) * 8
    age = ha.copy()
    age = np.where(
        rel == SPOUSE, ha + np.round(rng.normal(-2, 3, n)) * np.where(head_male[hid], 1, -1), age
    )
    gap = 21 + rng.random(n) * np.clip(ha - 21, 0, 16)
    age = np.where((rel == SON) | (rel == DAUGHTER), ha - gap, age)
    age = np.where(
        (rel == FATHER) | (rel == MOTHER), np.minimum(ha + 22 + rng.random(n) * 10, 96), age
    )
    age = np.where(rel == DIL, son_age[hid] + np.round(rng.normal(-1, 2, n)), age)
    grand = son_age[hid] - 20 - rng.random(n) * np.clip(son_age[hid] - 20, 0, 14)
    age = np.where((rel == GRANDSON) | (rel == GRANDDAUGHTER), grand, age)
    age = np.clip(age, 0, 97)
    days = (age * 365.25 + rng.integers(0, 365, n)).astype(np.int64)
    return EXPORT_DATE - days.astype("timedelta64[D]")


def _unique_sequences(rng, region, birth, is_male):
    """Sequence numbers with the right parity, redrawn until every ID body is unique."""
    seq = 2 * rng.integers(1, 499, size=len(region)) + is_male.astype(np.int64)
    bodies = ids.id_bodies(region, birth, seq)
    while True:
        _, first = np.unique(bodies, return_index=True)
        dup = np.ones(len(bodies), dtype=bool)
        dup[first] = False
        if not dup.any():
            return bodies
        seq[dup] = 2 * rng.integers(1, 499, size=int(dup.sum())) + is_male[dup].astype(np.int64)
        bodies = ids.id_bodies(region, birth, seq)


def build_population(
    rng: np.random.Generator, size: int, geo: Geography, profile: Profile = ORDINARY
) -> Population:
    """About 2.5 x size people: ~size in exported (poverty) households, the rest general."""
    n_h = int(size * 2.5 / 3.34) + 1
    hsize = rng.choice(np.arange(1, 7), size=n_h, p=[0.14, 0.2, 0.2, 0.2, 0.16, 0.1])
    head_age = np.where(rng.random(n_h) < 0.6, rng.integers(45, 86, n_h), rng.integers(24, 45, n_h))
    head_male = rng.random(n_h) < 0.85
    hid = np.repeat(np.arange(n_h), hsize)
    start = np.cumsum(hsize) - hsize
    k = np.arange(len(hid)) - start[hid]
    rel = _relations(rng, hsize, head_age, k, hid)
    is_male = np.where(rel == HEAD, head_male[hid], np.isin(rel, _MALE_RELATIONS))
    is_male = np.where(rel == SPOUSE, ~head_male[hid], is_male)
    birth = _ages(rng, head_age, rel, hid, head_male)

    village = rng.integers(0, len(geo.village_name), n_h)
    county = geo.village_county[village]
    home = np.array(geo.county_codes, dtype=np.int64)[county]
    elsewhere = np.array(list(geo.county_codes) + list(OUTSIDE_REGIONS), dtype=np.int64)
    married_in = np.isin(rel, (SPOUSE, DIL, MOTHER))
    moved = rng.random(len(hid)) < np.where(married_in, 0.25, 0.04)
    region = np.where(moved, rng.choice(elsewhere, len(hid)), home[hid])

    head_surname = naming.draw_surnames(rng, n_h)
    # many villages are mostly of one surname (张家湾)
    village_surname = naming.draw_surnames(rng, len(geo.village_name))
    own_village = rng.random(n_h) < profile.village_surname
    head_surname = np.where(own_village, village_surname[village], head_surname)
    own_surname = naming.draw_other_surnames(rng, head_surname[hid])
    surname = np.where(np.isin(rel, (SPOUSE, DIL, MOTHER)), own_surname, head_surname[hid])
    # Children carry the father's surname: the spouse's when a woman heads the household.
    husband = np.full(n_h, -1, dtype=np.int32)
    is_husband = (rel == SPOUSE) & is_male
    husband[hid[is_husband]] = own_surname[is_husband]
    child_surname = np.where(husband >= 0, husband, head_surname)
    descendants = np.isin(rel, (SON, DAUGHTER, GRANDSON, GRANDDAUGHTER))
    surname = np.where(descendants, child_surname[hid], surname)
    g1, g2 = naming.draw_given_chars(rng, is_male)

    # Twins: the two eldest children of some nuclear households, born the same day.
    kids = (rel == SON) | (rel == DAUGHTER)
    second = np.flatnonzero(
        (k == 3) & kids & np.roll(kids, 1) & (rng.random(len(k)) < profile.twins)
    )
    first = second - 1
    birth[second] = birth[first]
    g2[first] = np.where(
        g2[first] < 0, rng.integers(0, len(naming.GIVEN_CHARS), len(first)), g2[first]
    )
    g1[second] = g1[first]
    g2[second] = (g2[first] + rng.integers(1, 6, len(first))) % len(naming.GIVEN_CHARS)
    hard: dict[int, list[str]] = {int(p): ["twin"] for p in np.concatenate([first, second])}

    bodies = _unique_sequences(rng, region, birth, is_male)
    names = naming.assemble_names(surname, g1, g2)
    _give_popular_names(rng, names, surname, is_male, hard, profile.popular_given_name)
    ethnicity = np.full(len(hid), "汉族", dtype=object)
    roll = rng.random(len(hid))
    ethnicity[roll < 0.008] = "回族"
    ethnicity[roll < 0.004] = "苗族"
    for h in rng.choice(n_h, size=max(2, n_h // 700), replace=False):
        father, grandfather = (str(x) for x in rng.choice(naming.UYGHUR_MALE, size=2))
        for p in range(int(start[h]), int(start[h] + hsize[h])):
            if p == start[h]:
                name = f"{father}·{grandfather}"
            else:
                parent = (
                    father if rel[p] in (SON, DAUGHTER) else str(rng.choice(naming.UYGHUR_MALE))
                )
                name = naming.minority_name(rng, bool(is_male[p]), parent)
            names[int(p)] = name
            ethnicity[p] = "维吾尔族"

    population = Population(
        geo=geo,
        hid=hid,
        relation=rel,
        is_male=is_male,
        birth=birth,
        region=region,
        names=names,
        id_numbers=pl.Series(),
        phone=np.zeros(len(hid), dtype=np.int64),
        health=np.zeros(len(hid), dtype=np.int8),
        ethnicity=ethnicity,
        households={},
        household_no=pl.Series(),
        hard_cases=hard,
        profile=profile,
    )
    _add_households(rng, population, village, county, start, hsize)
    _add_phones_and_health(rng, population, start)
    hard_cases.add_near_id_pairs(rng, population, bodies)
    population.id_numbers = ids.make_ids(bodies)
    _add_renamings_and_moves(rng, population)
    return population


def _give_popular_names(
    rng: np.random.Generator,
    names: pl.Series,
    surname: np.ndarray,
    is_male: np.ndarray,
    twins: dict[int, list[str]],
    share: float,
) -> None:
    """Give `share` of people a popular given name (建国, 秀英); twins keep names told apart."""
    for p in np.flatnonzero(rng.random(len(names)) < share).tolist():
        if p in twins:
            continue
        given = naming.POPULAR_MALE if is_male[p] else naming.POPULAR_FEMALE
        names[p] = str(naming.SURNAMES[surname[p]]) + given[int(rng.integers(0, len(given)))]


def _add_renamings_and_moves(rng: np.random.Generator, pop: Population) -> None:
    """Renamed adults of exported households (the export keeps the former name) and adults
    who moved to another village of their county (petitions and case rows give the new one)."""
    adult = (EXPORT_DATE - pop.birth).astype(np.int64) >= 18 * 365.25
    exported = pop.households["group"][pop.hid] != monitoring.GENERAL
    for p in np.flatnonzero(adult & exported & (rng.random(pop.size) < pop.profile.renamed)):
        old = str(pop.names[int(p)])
        if "·" in old:
            continue
        pop.former_names[int(p)] = old
        pop.names[int(p)] = naming.new_name(rng, old, bool(pop.is_male[p]))
        pop.tag(int(p), "renamed")
    geo = pop.geo
    for p in np.flatnonzero(adult & (rng.random(pop.size) < pop.profile.moved)).tolist():
        home = int(pop.households["village"][pop.hid[p]])
        county = geo.village_county[home]
        others = np.flatnonzero(
            (geo.village_county == county) & (np.arange(len(geo.village_county)) != home)
        )
        if len(others):
            pop.moved_to[p] = (int(rng.choice(others)), int(rng.integers(0, 9)))
            pop.tag(p, "moved")


def _add_households(rng, pop: Population, village, county, start, hsize) -> None:
    n_h = len(hsize)
    in_poverty = rng.random(n_h) < 0.4
    group = np.where(
        in_poverty,
        np.where(rng.random(n_h) < 0.48, monitoring.MONITORED, monitoring.TUOPIN),
        monitoring.GENERAL,
    ).astype(np.int8)
    hh = {
        "start": start,
        "size": hsize,
        "village": village,
        "county": county,
        "group": group,
        "hamlet": rng.integers(0, 9, n_h),
    }
    hh.update(monitoring.draw_monitoring(rng, group))
    pop.households = hh
    codes = (
        pl.Series(pop.geo.county_codes)[county] + pl.Series(pop.geo.village_code.tolist())[village]
    )
    pop.household_no = codes + pl.Series(np.arange(1, n_h + 1)).cast(pl.Utf8).str.zfill(7)


def _add_phones_and_health(rng, pop: Population, start) -> None:
    n = pop.size
    age = (EXPORT_DATE - pop.birth).astype(np.int64) / 365.25
    own = (age >= 16) & (rng.random(n) < np.where(age < 70, 0.85, 0.45))
    numbers = draw_phones(rng, n)
    k = np.arange(n) - start[pop.hid]
    first = np.minimum.reduceat(np.where(own, k, 99), start)
    hh_phone = np.where(
        first < 99,
        numbers[start + np.minimum(first, pop.households["size"] - 1)],
        draw_phones(rng, len(start)),
    )
    pop.households["phone"] = hh_phone
    pop.phone = np.where(own, numbers, hh_phone[pop.hid])
    poor = pop.households["group"][pop.hid] == monitoring.MONITORED
    old = age >= 60
    roll = rng.random(n) / np.where(poor, 2.0, 1.0)
    disabled, grave, chronic = 0.04 + 0.04 * old, 0.07 + 0.05 * old, 0.15 + 0.2 * old
    pop.health = np.select(
        [roll < disabled, roll < grave, roll < chronic], [3, 2, 1], default=0
    ).astype(np.int8)
