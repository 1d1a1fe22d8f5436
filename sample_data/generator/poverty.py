"""The 防返贫监测 export: one row per member of every exported household."""

from __future__ import annotations

import numpy as np

from sample_data.generator import monitoring, noise
from sample_data.generator.places import HAMLETS, PROVINCE
from sample_data.generator.population import EXPORT_DATE, HEALTH, RELATIONS, Population
from sample_data.generator.table import Table

SHEET = "防返贫监测对象明细"
EMPTY_NAME = 0.003
NUMERIC_ID = 0.15  # ID cells stored as numbers (Excel damage: the last digits are lost)
ID_NOISE = noise.IdNoise(
    missing=0.005,
    mistype=0.005,
    swap=0.005,
    fullwidth=0.02,
    quote=0.03,
    spaces=0.02,
    head_copy=0.003,
    lower_x=0.3,
)
NAME_NOISE = noise.NameNoise(
    homophone=0.005, lookalike=0.002, space=0.005, fullwidth_space=0.003, traditional=0.001
)
PHONE_MISSING, PHONE_FORMATTED = 0.05, 0.02
_SCHOOL = (
    "学前教育",
    "小学",
    "七年级",
    "八年级",
    "九年级",
    "普通高中一年级",
    "普通高中二年级",
    "中职二年级",
)


def _pick(values, index: np.ndarray) -> list[str]:
    return np.asarray(values, dtype=object)[index].tolist()


def _yyyymm(values: np.ndarray) -> list[str]:
    return [str(v) if v else "" for v in values.tolist()]


def _person_columns(
    rng: np.random.Generator, pop: Population, pids: np.ndarray
) -> dict[str, list[str]]:
    n = len(pids)
    age = ((EXPORT_DATE - pop.birth[pids]).astype(np.int64) / 365.25).astype(int)
    health = pop.health[pids]
    education = np.select(
        [age < 6, age < 12, age < 15, age < 18, age >= 65],
        [0, 1, 2, 3, 4],
        default=5 + rng.choice(4, size=n, p=[0.25, 0.45, 0.2, 0.1]),
    )
    edu_names = (
        "学龄前儿童",
        "小学",
        "初中",
        "高中",
        "文盲或半文盲",
        "小学",
        "初中",
        "高中",
        "大专及以上",
    )
    school = np.select([age < 3, age < 6, age < 12, age < 18], [-1, 0, 1, age - 10], default=-1)
    able = (age >= 16) & (age < 65)
    labour = np.select(
        [
            age < 16,
            (health == 3) & (rng.random(n) < 0.6),
            (health >= 2) | (age >= 65),
            rng.random(n) < 0.15,
        ],
        ["无劳动力", "丧失劳动力", "弱劳动力或半劳动力", "技能劳动力"],
        default="普通劳动力",
    )
    works = able & (health < 2) & (rng.random(n) < 0.7)
    work_place = rng.choice(["省外务工", "省内县外务工", "县内务工"], size=n, p=[0.45, 0.3, 0.25])
    return {
        "性别": np.where(pop.is_male[pids], "男", "女").tolist(),
        "民族": pop.ethnicity[pids].tolist(),
        "政治面貌": rng.choice(
            ["群众", "中共党员", "共青团员"], size=n, p=[0.9, 0.06, 0.04]
        ).tolist(),
        "文化程度": _pick(edu_names, education),
        "在校生状况": [
            _SCHOOL[min(s, len(_SCHOOL) - 1)] if s >= 0 else "非在校生" for s in school.tolist()
        ],
        "健康状况": _pick(HEALTH, health),
        "劳动技能": labour.tolist(),
        "务工状况": np.where(works, work_place, "").tolist(),
        "务工时间(月)": np.where(works, rng.integers(3, 13, n), 0).astype(str).tolist(),
        "是否参加城乡居民基本医疗保险": np.where(rng.random(n) < 0.985, "是", "否").tolist(),
        "是否参加城乡居民基本养老保险": np.where(
            (age >= 16) & (rng.random(n) < 0.92), "是", "否"
        ).tolist(),
    }


def poverty_table(rng: np.random.Generator, pop: Population, county: int | None = None) -> Table:
    """Rows of every household in monitoring or registered 脱贫户 (optionally one county)."""
    hh = pop.households
    exported = hh["group"] != monitoring.GENERAL
    if county is not None:
        exported &= hh["county"] == county
    pids = np.flatnonzero(exported[pop.hid])
    h = pop.hid[pids]
    geo = pop.geo
    village = hh["village"][h]
    k = pids - hh["start"][h]
    # a renamed person is still listed under the former name
    listed = [
        pop.former_names.get(p, name)
        for p, name in zip(pids.tolist(), pop.names.gather(pids).to_list(), strict=True)
    ]
    names, _ = noise.perturb_names(rng, listed, NAME_NOISE)
    empty = rng.random(len(pids)) < EMPTY_NAME
    names = ["" if e else nm for nm, e in zip(names, empty.tolist(), strict=True)]
    true_ids = pop.id_numbers.gather(pids).to_list()
    heads = pop.id_numbers.gather(hh["start"][h]).to_list()
    ids, kinds = noise.perturb_ids(rng, true_ids, np.zeros(len(pids), bool), heads, ID_NOISE)
    numeric = (
        (kinds == "")
        & (rng.random(len(pids)) < NUMERIC_ID)
        & np.array([not v.endswith("X") for v in ids])
    )
    phones = []
    for number, roll in zip(hh["phone"][h].tolist(), rng.random(len(pids)).tolist(), strict=True):
        phones.append(
            ""
            if roll < PHONE_MISSING
            else noise.format_phone(rng, number)
            if roll < PHONE_MISSING + PHONE_FORMATTED
            else str(number)
        )
    monitored = hh["group"][h] == monitoring.MONITORED
    low_p = np.where(monitored & (hh["risk_cleared"][h] == 2), 0.35, 0.05)
    county_idx = hh["county"][h]
    household_no = pop.household_no.gather(h).to_list()
    person_no = [f"{hn}{kk + 1:02d}" for hn, kk in zip(household_no, k.tolist(), strict=True)]
    columns = {
        "序号": [str(i + 1) for i in range(len(pids))],
        "省(区、市)": [PROVINCE] * len(pids),
        "市(地、州、盟)": _pick(geo.county_cities, county_idx),
        "县(市、区、旗)": _pick(geo.county_names, county_idx),
        "乡(镇)": geo.village_town[village].tolist(),
        "行政村": geo.village_name[village].tolist(),
        "自然村": _pick(HAMLETS, hh["hamlet"][h]),
        "户编号": household_no,
        "人编号": person_no,
        "姓名": names,
        "证件类型": ["居民身份证"] * len(pids),
        "证件号码": ids,
        "与户主关系": _pick(RELATIONS, pop.relation[pids]),
    }
    columns.update(_person_columns(rng, pop, pids))
    columns.update(
        {
            "是否享受农村最低生活保障": np.where(
                rng.random(len(pids)) < low_p, "是", "否"
            ).tolist(),
            "是否特困供养人员": np.where(
                (hh["size"][h] == 1) & (rng.random(len(pids)) < 0.3), "是", "否"
            ).tolist(),
            "户类型": _pick(monitoring.HOUSEHOLD_TYPES, hh["household_type"][h]),
            "易返贫致贫户(监测对象)类型": _pick(monitoring.MONITOR_TYPES, hh["monitor_type"][h]),
            "致贫原因1": _pick(monitoring.RISK_TYPES, hh["risk_type"][h]),
            "致贫原因2": _pick(
                monitoring.RISK_TYPES,
                np.where(rng.random(len(pids)) < 0.3, rng.integers(1, 10, len(pids)), 0),
            ),
            "风险是否消除": _pick(np.array(["", "是", "否"], dtype=object), hh["risk_cleared"][h]),
            "风险识别时间": _yyyymm(hh["risk_identified"][h]),
            "风险消除时间": _yyyymm(hh["risk_cleared_at"][h]),
            "家庭年人均纯收入": hh["income"][h].astype(str).tolist(),
            "户人数": hh["size"][h].astype(str).tolist(),
            "户联系电话": phones,
            "脱贫年度": np.where(
                hh["household_type"][h] == 1, (2016 + h % 5).astype(str), ""
            ).tolist(),
            "帮扶责任人": pop.names.gather((h * 7919) % pop.size).to_list(),
            "备注": [""] * len(pids),
        }
    )
    return Table(
        "poverty",
        "poverty.xlsx",
        columns,
        pids.astype(np.int64),
        numeric={"证件号码": numeric},
        sheet=SHEET,
        flags=np.where(empty, "empty_name", "").tolist(),
    )
