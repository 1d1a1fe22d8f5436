"""Counties, towns, villages and the region codes people are registered in."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PROVINCE = "陕西省"

# (region code, county, city, procuratorate abbreviation). 商南县 first: the seed county.
COUNTIES: tuple[tuple[str, str, str, str], ...] = (
    ("611023", "商南县", "商洛市", "商南"),
    ("611021", "洛南县", "商洛市", "洛南"),
    ("611022", "丹凤县", "商洛市", "丹凤"),
    ("611024", "山阳县", "商洛市", "山阳"),
    ("611025", "镇安县", "商洛市", "镇安"),
    ("611026", "柞水县", "商洛市", "柞水"),
    ("611002", "商州区", "商洛市", "商州"),
    ("610921", "汉阴县", "安康市", "汉阴"),
    ("610922", "石泉县", "安康市", "石泉"),
    ("610923", "宁陕县", "安康市", "宁陕"),
    ("610924", "紫阳县", "安康市", "紫阳"),
    ("610925", "岚皋县", "安康市", "岚皋"),
    ("610926", "平利县", "安康市", "平利"),
    ("610927", "镇坪县", "安康市", "镇坪"),
    ("610929", "白河县", "安康市", "白河"),
    ("610902", "汉滨区", "安康市", "汉滨"),
    ("610722", "城固县", "汉中市", "城固"),
    ("610723", "洋县", "汉中市", "洋县"),
    ("610724", "西乡县", "汉中市", "西乡"),
    ("610725", "勉县", "汉中市", "勉县"),
    ("610726", "宁强县", "汉中市", "宁强"),
    ("610727", "略阳县", "汉中市", "略阳"),
    ("610728", "镇巴县", "汉中市", "镇巴"),
    ("610729", "留坝县", "汉中市", "留坝"),
    ("610730", "佛坪县", "汉中市", "佛坪"),
    ("610703", "南郑区", "汉中市", "南郑"),
)
# Registration codes of people who moved in (spouses married in from neighbouring provinces).
OUTSIDE_REGIONS = ("411326", "420322", "610102", "610502")

SHANGNAN_TOWNS = (
    "城关镇",
    "富水镇",
    "湘河镇",
    "赵川镇",
    "金丝峡镇",
    "过风楼镇",
    "试马镇",
    "清油河镇",
    "十里坪镇",
    "青山镇",
)
_TOWN_HEADS = tuple("东西南北上下前后大小新老红青白石黄金柳杨桃马高龙凤仁和安永")
_TOWN_TAILS = tuple("河坪川关口坝沟岭营寨庙湾台桥")
_VILLAGE_HEADS = tuple("东西南北上中下前后大小新老红青白石黄金柳杨桃李马王张刘高双三五七")
_VILLAGE_TAILS = tuple("岭河沟坪湾庄坡台营寨桥关园川峪口山坝垭店铺")
# Village names found all over the country: one county can have several, in different towns.
COMMON_VILLAGES = ("红旗村", "新华村", "和平村", "胜利村", "团结村", "东风村", "前进村", "光明村")
HAMLETS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组", "九组")


@dataclass(frozen=True)
class Geography:
    """Every village of the generated counties, flattened to aligned arrays."""

    county_codes: tuple[str, ...]
    county_names: tuple[str, ...]
    county_cities: tuple[str, ...]
    county_abbrs: tuple[str, ...]
    village_county: np.ndarray  # county index per village
    village_town: np.ndarray  # town name per village (object array)
    village_name: np.ndarray  # village name (object array)
    village_code: np.ndarray  # 6-digit town+village code as text, e.g. "101003"


def _distinct_names(rng: np.random.Generator, heads, tails, suffix: str, n: int, taken: set[str]):
    names: list[str] = []
    while len(names) < n:
        name = str(rng.choice(heads)) + str(rng.choice(tails)) + suffix
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def build_geography(
    rng: np.random.Generator, n_counties: int, repeated_village: float = 0.0
) -> Geography:
    """Draw towns (8-12 per county) and villages (6-10 per town).

    Village names are distinct within a county but for the `repeated_village` share of
    towns, which name one village after a name found everywhere (红旗村): the village name
    alone does not say which village is meant, its town does.
    """
    chosen = COUNTIES[:n_counties]
    v_county, v_town, v_name, v_code = [], [], [], []
    for ci, _county in enumerate(chosen):
        taken: set[str] = set()
        if ci == 0:
            towns = list(SHANGNAN_TOWNS)
        else:
            towns = _distinct_names(
                rng, _TOWN_HEADS, _TOWN_TAILS, "镇", int(rng.integers(8, 13)), set()
            )
            towns = [t if rng.random() > 0.2 else t[:-1] + "乡" for t in towns]
        for ti, town in enumerate(towns):
            n_villages = int(rng.integers(6, 11))
            names = _distinct_names(rng, _VILLAGE_HEADS, _VILLAGE_TAILS, "村", n_villages, taken)
            if rng.random() < repeated_village:
                names[int(rng.integers(0, n_villages))] = str(rng.choice(COMMON_VILLAGES))
            for vi, village in enumerate(names):
                v_county.append(ci)
                v_town.append(town)
                v_name.append(village)
                v_code.append(f"{101 + ti:03d}{vi + 1:03d}")
    return Geography(
        county_codes=tuple(c[0] for c in chosen),
        county_names=tuple(c[1] for c in chosen),
        county_cities=tuple(c[2] for c in chosen),
        county_abbrs=tuple(c[3] for c in chosen),
        village_county=np.array(v_county, dtype=np.int32),
        village_town=np.array(v_town, dtype=object),
        village_name=np.array(v_name, dtype=object),
        village_code=np.array(v_code, dtype=object),
    )


def counties_for_size(size: int) -> int:
    """One county up to ~60k monitored people; more counties for province-scale runs."""
    return int(min(len(COUNTIES), max(1, -(-size // 60_000))))


def format_address(rng: np.random.Generator, geo: Geography, village: int, hamlet: int) -> str:
    """A free-text address at one of the levels people write (full down to the village only)."""
    county = int(geo.village_county[village])
    parts = {
        "province": PROVINCE,
        "city": geo.county_cities[county],
        "county": geo.county_names[county],
        "town": str(geo.village_town[village]),
        "village": str(geo.village_name[village]),
        "hamlet": HAMLETS[hamlet],
    }
    levels = (
        ("province", "city", "county", "town", "village", "hamlet"),
        ("county", "town", "village", "hamlet"),
        ("county", "town", "village"),
        ("town", "village"),
        ("county", "village"),
        ("village",),
        ("city", "county", "town", "village"),
    )
    chosen = levels[int(rng.choice(len(levels), p=[0.2, 0.25, 0.15, 0.15, 0.1, 0.05, 0.1]))]
    return "".join(parts[k] for k in chosen)
