"""Judicial relief already granted (relief_history.csv): ~10% of qualifying pairs."""

from __future__ import annotations

import numpy as np

from sample_data.generator import noise
from sample_data.generator.cases import Case, close_relative
from sample_data.generator.petition_text import kin_word
from sample_data.generator.population import EXPORT_DATE, Population
from sample_data.generator.table import Table

RELIEVED_SHARE = 0.10
ID_NOISE = noise.IdNoise(
    missing=0.08, mistype=0.01, swap=0.0, fullwidth=0.01, quote=0.02, spaces=0.01
)
NAME_NOISE = noise.NameNoise(
    homophone=0.01, lookalike=0.0, space=0.01, fullwidth_space=0.0, traditional=0.0
)
_LATEST_CASE_FOR_RELIEF = np.datetime64("2026-06-30")


def grant_relief(rng: np.random.Generator, pop: Population, cases: list[Case]) -> None:
    """Mark some otherwise qualifying pairs as already relieved; in a death a relative applied."""
    for case in cases:
        if case.accepted > _LATEST_CASE_FOR_RELIEF:
            continue
        for f in case.victims:
            if (
                not (f.qualifies_before_relief and f.excluded == "")
                or rng.random() >= RELIEVED_SHARE
            ):
                continue
            f.relieved_by = (
                f.pid if f.harm != "death" else close_relative(pop, f.pid, rng, case.accepted)
            )


def _applicant_relation(pop: Population, applicant: int, victim: int) -> str:
    """The applicant as the victim's 父亲, 妻子, 儿子 …"""
    if applicant == victim:
        return "本人"
    male = bool(pop.is_male[applicant])
    inverse = {
        "儿子": ("父亲", "母亲"),
        "女儿": ("父亲", "母亲"),
        "孙子": ("祖父", "祖母"),
        "孙女": ("祖父", "祖母"),
        "丈夫": ("丈夫", "妻子"),
        "妻子": ("丈夫", "妻子"),
        "父亲": ("儿子", "女儿"),
        "母亲": ("儿子", "女儿"),
    }
    pair = inverse.get(kin_word(pop, applicant, victim))
    return "近亲属" if pair is None else pair[0 if male else 1]


def relief_table(rng: np.random.Generator, pop: Population, cases: list[Case]) -> Table:
    """One row per relief granted, numbered per county and year in date order."""
    grants = []
    for case in cases:
        for f in case.victims:
            if f.relieved_by is None:
                continue
            earliest = case.accepted + np.timedelta64(60, "D")
            span = max(1, int((EXPORT_DATE - np.timedelta64(10, "D") - earliest).astype(int)))
            day = earliest + np.timedelta64(int(rng.integers(0, span)), "D")
            grants.append((day, case, f))
    grants.sort(key=lambda g: (g[0], g[1].case_id, g[2].pid))
    pids = np.array([g[2].relieved_by for g in grants], dtype=np.int64)
    names, _ = noise.perturb_names(rng, [pop.names[int(p)] for p in pids], NAME_NOISE)
    born_early = pop.birth[pids] < np.datetime64("1980-01-01")
    ids, _ = noise.perturb_ids(
        rng, pop.id_numbers.gather(pids).to_list(), born_early, None, ID_NOISE
    )
    noise.tag_name_typos(rng, pop, names, ids, pids)
    seq: dict[tuple[int, str], int] = {}
    numbers: list[str] = []
    refs: list[str] = []
    kin: list[str] = []
    for day, case, f in grants:
        key = (case.county, str(day)[:4])
        seq[key] = seq.get(key, 0) + 1
        numbers.append(f"{pop.geo.county_abbrs[case.county]}检司救[{key[1]}]{seq[key]}号")
        refs.append(case.case_id if rng.random() < 0.9 else case.name)
        kin.append(_applicant_relation(pop, int(pids[len(kin)]), f.pid))
    amounts = [
        str(int(rng.choice([10000, 10000, 12000, 11000, 8000, 5000, 15000, 20000, 30000])))
        for _ in grants
    ]
    columns = {
        "序号": [str(i + 1) for i in range(len(grants))],
        "救助案号": numbers,
        "被救助人": names,
        "证件号码": ids,
        "与被害人关系": kin,
        "原案号": refs,
        "救助金额(元)": amounts,
        "救助日期": [str(g[0]) for g in grants],
        "救助方式": ["一次性救助金"] * len(grants),
    }
    return Table("relief_history", "relief_history.csv", columns, pids)
