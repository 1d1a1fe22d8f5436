"""Petition records (信访): victims, their relatives, repeaters and unrelated petitioners."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sample_data.generator import monitoring, noise, petition_text
from sample_data.generator.case_text import masked
from sample_data.generator.cases import Case
from sample_data.generator.latent import VictimFacts
from sample_data.generator.places import format_address
from sample_data.generator.population import EXPORT_DATE, Population, draw_phones
from sample_data.generator.table import Table

ID_NOISE = noise.IdNoise(
    missing=0.5,
    mistype=0.015,
    swap=0.01,
    fullwidth=0.02,
    quote=0.01,
    spaces=0.02,
    excel_e17=0.01,
    excel_000=0.015,
    head_copy=0.0,
    lower_x=0.3,
)
NAME_NOISE = noise.NameNoise(
    homophone=0.03, lookalike=0.007, space=0.015, fullwidth_space=0.008, traditional=0.005
)
PHONE_CHANGED, PHONE_MISSING, PHONE_FORMATTED = 0.2, 0.08, 0.04
_STATUS = ("已办结", "办理中", "已答复", "已转交责任单位", "已告知")
_CHANNELS = ("来访", "来信", "来电", "网上信访")


@dataclass
class PetitionItem:
    pid: int
    date: np.datetime64
    text: str
    category: str
    case_ref: str
    county: int
    # filed in a child's name with the child's ID (by a guardian): the ID is always given
    own_id: bool = False


def _repeats(rng: np.random.Generator) -> int:
    return int(rng.choice([1, 2, 3, 4], p=[0.6, 0.25, 0.1, 0.05]))


def _dates(rng: np.random.Generator, first: np.datetime64, n: int) -> list[np.datetime64]:
    last = EXPORT_DATE - np.timedelta64(1, "D")
    out, day = [], first
    for _ in range(n):
        out.append(min(day, last))
        day = day + np.timedelta64(int(rng.integers(30, 150)), "D")
    return out


def _case_ref(rng: np.random.Generator, case: Case, pop: Population) -> str:
    roll = rng.random()
    if roll < 0.45 or not case.suspects:
        return ""
    if roll < 0.65:
        return case.case_id
    if roll < 0.85:
        return case.name
    return masked(pop.names[case.suspects[0]], rng) + case.charge.removesuffix("罪") + "案"


def _in_the_childs_name(
    rng: np.random.Generator,
    pop: Population,
    case: Case,
    f: VictimFacts,
    hardship: bool,
    first: np.datetime64,
) -> list[PetitionItem]:
    """Petitions a guardian files in a child victim's own name, with the child's ID."""
    if f.petitioner == f.pid or f.age >= 16 or rng.random() >= pop.profile.child_own_id_petition:
        return []
    pop.tag(f.pid, "child_petition_own_id")
    items = []
    for day in _dates(rng, first + np.timedelta64(int(rng.integers(0, 60)), "D"), _repeats(rng)):
        text = petition_text.case_petition_text(rng, pop, case, f, f.pid, hardship)
        category = "国家司法救助类" if hardship else "控告类"
        ref = _case_ref(rng, case, pop)
        items.append(PetitionItem(f.pid, day, text, category, ref, case.county, own_id=True))
    return items


def draw_petitions(
    rng: np.random.Generator, pop: Population, cases: list[Case], target: int
) -> list[PetitionItem]:
    """Petitions about cases (victims and relatives), then unrelated ones up to `target`."""
    items: list[PetitionItem] = []
    for case in cases:
        for f in case.victims:
            if f.petitioner is None:
                continue
            hardship = "petition" in f.channels
            first = case.incident + np.timedelta64(int(rng.integers(20, 400)), "D")
            for day in _dates(rng, first, _repeats(rng)):
                text = petition_text.case_petition_text(rng, pop, case, f, f.petitioner, hardship)
                cats = (
                    ("国家司法救助类", "控告类", "申诉类", "求决类", "其他")
                    if hardship
                    else ("控告类", "申诉类", "咨询类")
                )
                probs = (0.45, 0.15, 0.15, 0.15, 0.1) if hardship else (0.45, 0.35, 0.2)
                items.append(
                    PetitionItem(
                        f.petitioner,
                        day,
                        text,
                        str(rng.choice(cats, p=probs)),
                        _case_ref(rng, case, pop),
                        case.county,
                    )
                )
            items += _in_the_childs_name(rng, pop, case, f, hardship, first)
    group = pop.households["group"][pop.hid]
    exported = np.flatnonzero(group != monitoring.GENERAL)
    general = np.flatnonzero(group == monitoring.GENERAL)
    start = np.datetime64("2022-01-01")
    span = int((EXPORT_DATE - start).astype(int)) - 1
    stop = max(target, len(items) + target // 4)
    while len(items) < stop:
        pool = exported if rng.random() < 0.3 else general
        pid = int(pool[int(rng.integers(0, len(pool)))])
        if pop.age_at(pid, EXPORT_DATE) < 18:
            continue
        hh = int(pop.hid[pid])
        village = str(pop.geo.village_name[pop.households["village"][hh]])
        other = pop.names[int(rng.integers(0, pop.size))]
        hardship = rng.random() < 0.4
        text = petition_text.other_petition_text(rng, village, other, hardship)
        category = str(
            rng.choice(
                ("求决类", "申诉类", "其他", "控告类", "国家司法救助类"),
                p=(0.4, 0.2, 0.2, 0.15, 0.05),
            )
        )
        ref = str(
            rng.choice(
                [
                    "",
                    "",
                    "",
                    "",
                    "无",
                    f"（{int(rng.integers(2021, 2026))}）陕{int(rng.integers(1000, 1100))}"
                    f"民初{int(rng.integers(100, 2000))}号",
                ]
            )
        )
        first = start + np.timedelta64(int(rng.integers(0, span)), "D")
        for day in _dates(rng, first, int(rng.choice([1, 2, 3], p=[0.75, 0.2, 0.05]))):
            items.append(
                PetitionItem(pid, day, text, category, ref, int(pop.households["county"][hh]))
            )
    items.sort(key=lambda it: (it.date, it.pid))
    return items


def petition_table(rng: np.random.Generator, pop: Population, items: list[PetitionItem]) -> Table:
    """The petitions.csv rows with entry noise."""
    pids = np.array([it.pid for it in items], dtype=np.int64)
    names, _ = noise.perturb_names(rng, [pop.names[int(p)] for p in pids], NAME_NOISE)
    true_ids = pop.id_numbers.gather(pids).to_list()
    born_early = pop.birth[pids] < np.datetime64("1980-01-01")
    id_noise = replace(ID_NOISE, missing=pop.profile.petition_id_missing)
    id_values, id_kinds = noise.perturb_ids(rng, true_ids, born_early, None, id_noise)
    for i, item in enumerate(items):
        if item.own_id and not id_values[i]:
            id_values[i], id_kinds[i] = true_ids[i], ""
    noise.tag_name_typos(rng, pop, names, id_values, pids)
    hh_phone = pop.households["phone"][pop.hid[pids]]
    family = rng.random(len(pids)) < pop.profile.petition_household_phone
    phones_used = np.where(family, hh_phone, pop.phone[pids])
    roll = rng.random(len(pids))
    changed = draw_phones(rng, len(pids))
    phones = []
    for i, number in enumerate(phones_used):
        if roll[i] < PHONE_MISSING:
            phones.append("")
        elif roll[i] < PHONE_MISSING + PHONE_CHANGED:
            phones.append(str(changed[i]))
        elif roll[i] < PHONE_MISSING + PHONE_CHANGED + PHONE_FORMATTED:
            phones.append(noise.format_phone(rng, int(number)))
        else:
            phones.append(str(number))
        if id_kinds[i] == "missing" and phones[i] == str(hh_phone[i]):
            _tag_shared_phone(pop, int(pids[i]), int(hh_phone[i]))
    seq: dict[tuple[int, str], int] = {}
    numbers = []
    for it in items:
        key = (it.county, str(it.date)[:4])
        seq[key] = seq.get(key, 0) + 1
        numbers.append(f"XF{pop.geo.county_codes[it.county]}{key[1]}{seq[key]:05d}")
    places = [pop.address_place(int(p)) for p in pids]
    columns = {
        "序号": [str(i + 1) for i in range(len(items))],
        "信访件编号": numbers,
        "信访人": names,
        "性别": ["男" if pop.is_male[p] else "女" for p in pids],
        "证件号码": id_values,
        "联系电话": phones,
        "住址": [format_address(rng, pop.geo, village, hamlet) for village, hamlet in places],
        "信访日期": [noise.format_date(rng, it.date, (0.35, 0.25, 0.2, 0.2)) for it in items],
        "信访形式": [str(rng.choice(_CHANNELS, p=(0.4, 0.2, 0.1, 0.3))) for _ in items],
        "信访目的": [
            {"国家司法救助类": "求决", "控告类": "揭发控告", "申诉类": "申诉"}.get(
                it.category, "其他"
            )
            for it in items
        ],
        "内容分类": [it.category for it in items],
        "信访事项": [it.text for it in items],
        "涉及案件": [it.case_ref for it in items],
        "办理情况": [str(rng.choice(_STATUS)) for _ in items],
        "登记单位": [pop.geo.county_names[it.county] + "人民检察院" for it in items],
    }
    return Table("petitions", "petitions.csv", columns, pids)


def _tag_shared_phone(pop: Population, pid: int, phone: int) -> None:
    """A petitioner without an ID who shares surname and phone with a household member."""
    surname = pop.names[pid][0]
    mates = [
        m
        for m in pop.members(int(pop.hid[pid]))
        if m != pid and pop.names[m][0] == surname and pop.phone[m] == phone
    ]
    if mates:
        pop.tag(pid, "household_shared_phone")
        for m in mates:
            pop.tag(m, "household_shared_phone")
