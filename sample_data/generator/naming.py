"""Chinese names drawn with realistic surname frequencies and a small given-name pool.

The given-name pool is deliberately a few hundred characters, so the same name
occurs for different people, as it does in real registers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# Surname, share in percent (approximate national frequencies).
_SURNAMES = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 2.0),
    ("赵", 2.0),
    ("吴", 1.6),
    ("周", 1.6),
    ("徐", 1.3),
    ("孙", 1.2),
    ("马", 1.1),
    ("朱", 1.1),
    ("胡", 0.9),
    ("郭", 0.9),
    ("何", 0.8),
    ("林", 0.8),
    ("高", 0.8),
    ("罗", 0.8),
    ("郑", 0.7),
    ("梁", 0.7),
    ("谢", 0.6),
    ("宋", 0.5),
    ("唐", 0.5),
    ("许", 0.5),
    ("韩", 0.5),
    ("冯", 0.5),
    ("邓", 0.5),
    ("曹", 0.5),
    ("彭", 0.4),
    ("曾", 0.4),
    ("肖", 0.4),
    ("田", 0.4),
    ("董", 0.4),
    ("袁", 0.4),
    ("潘", 0.4),
    ("于", 0.3),
    ("蒋", 0.3),
    ("蔡", 0.3),
    ("余", 0.3),
    ("杜", 0.3),
    ("叶", 0.3),
    ("程", 0.3),
    ("苏", 0.3),
    ("魏", 0.3),
    ("吕", 0.3),
    ("丁", 0.3),
    ("任", 0.3),
    ("沈", 0.3),
    ("姚", 0.3),
    ("卢", 0.3),
    ("姜", 0.3),
    ("崔", 0.2),
    ("钟", 0.2),
    ("谭", 0.2),
    ("陆", 0.2),
    ("汪", 0.2),
    ("范", 0.2),
    ("金", 0.2),
    ("石", 0.2),
    ("廖", 0.2),
    ("贾", 0.2),
    ("夏", 0.2),
    ("付", 0.2),
    ("方", 0.2),
    ("白", 0.2),
    ("邹", 0.2),
    ("孟", 0.2),
    ("熊", 0.2),
    ("秦", 0.2),
    ("邱", 0.2),
    ("江", 0.2),
    ("尹", 0.2),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("侯", 0.2),
    ("龙", 0.2),
    ("史", 0.2),
    ("陶", 0.1),
    ("贺", 0.1),
    ("顾", 0.1),
    ("毛", 0.1),
    ("郝", 0.1),
    ("龚", 0.1),
    ("邵", 0.1),
    ("万", 0.1),
    ("严", 0.1),
    ("武", 0.1),
    ("戴", 0.1),
    ("孔", 0.1),
    ("向", 0.1),
    ("汤", 0.1),
    ("柯", 0.1),
    ("巴", 0.05),
    ("欧阳", 0.05),
    ("司马", 0.01),
    ("诸葛", 0.01),
)
_COMPOUND_SURNAMES = frozenset(s for s, _ in _SURNAMES if len(s) > 1)
SURNAMES = np.array([s for s, _ in _SURNAMES], dtype=object)
SURNAME_P = np.array([p for _, p in _SURNAMES]) / sum(p for _, p in _SURNAMES)

MALE_CHARS = tuple(
    "伟强军明华建国平勇刚杰峰涛斌超波辉鹏磊飞龙林洋浩宇轩博文武志海亮东兵成俊春江红光庆忠"
    "福生全德才发利永义兴良安祥贵荣学宏云新昌金山清民水喜长有根旺宝元正中卫保胜立家子晨泽"
    "睿瑞凯铭鸣骏嘉豪天昊然航鑫旭阳帆翔锋钧君炜玮健钢韬彬松柏森茂顺富财满来双锁留栓"
)
FEMALE_CHARS = tuple(
    "丽芳娟敏静秀英慧巧美娜玉兰霞梅琳玲燕萍雪琴莉婷晶洁倩颖露瑶怡欣佳月凤桂翠花菊珍艳彩"
    "秋冬淑琼珊雅蓉薇菲蕾岚瑛莹娇妮婧涓鹃俐晓小思梦雨诗可馨悦依若语欢宁丹青爱香银杏芬"
)
# Rare characters (生僻字): some are outside GBK (䶮 㛃 𬌗), so only GB18030 or UTF-8 holds them.
RARE_CHARS = (*"䶮㛃昇喆堃珺祎玥赟垚淼", "𬌗")
RARE_SHARE = 0.01
GIVEN_CHARS = np.array(MALE_CHARS + FEMALE_CHARS + RARE_CHARS, dtype=object)
N_MALE_CHARS = len(MALE_CHARS)
N_COMMON_CHARS = len(MALE_CHARS) + len(FEMALE_CHARS)

# Given names many people of one generation share: with a village's own surname they make
# namesakes in one village (张建国 three times in 张家湾).
POPULAR_MALE = ("建国", "建军", "国强", "志强", "建华", "德明", "永强", "海军", "卫东", "建平")
POPULAR_FEMALE = ("秀英", "桂兰", "秀兰", "玉兰", "淑珍", "桂英", "秀珍", "春梅", "海燕", "红梅")

UYGHUR_MALE = ("买买提", "艾力", "吐尔逊", "阿不都", "依明", "阿迪力", "艾尼瓦尔", "努尔")
UYGHUR_FEMALE = ("阿依古丽", "热依拉", "古丽娜尔", "帕提古丽", "迪丽拜尔", "米娜瓦尔", "如克亚")


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """Surname indices into SURNAMES."""
    return rng.choice(len(SURNAMES), size=n, p=SURNAME_P).astype(np.int32)


def draw_other_surnames(rng: np.random.Generator, avoid: np.ndarray) -> np.ndarray:
    """Surnames differing from `avoid` position by position (a spouse keeps her own surname)."""
    out = draw_surnames(rng, len(avoid))
    clash = out == avoid
    while clash.any():
        out[clash] = draw_surnames(rng, int(clash.sum()))
        clash = out == avoid
    return out


def draw_given_chars(
    rng: np.random.Generator, is_male: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Two given-name character indices per person; the second is -1 for one-character names."""
    n = len(is_male)
    n_female = N_COMMON_CHARS - N_MALE_CHARS
    male_pick = rng.integers(0, N_MALE_CHARS, size=(n, 2))
    female_pick = rng.integers(0, n_female, size=(n, 2)) + N_MALE_CHARS
    picks = np.where(is_male[:, None], male_pick, female_pick).astype(np.int32)
    single = rng.random(n) < 0.25
    picks[single, 1] = -1
    rare = np.flatnonzero(rng.random(n) < RARE_SHARE)
    last = np.where(single[rare], 0, 1)
    picks[rare, last] = N_COMMON_CHARS + rng.integers(0, len(RARE_CHARS), len(rare))
    return picks[:, 0], picks[:, 1]


def assemble_names(surname: np.ndarray, given1: np.ndarray, given2: np.ndarray) -> pl.Series:
    """Join surname and given-name characters into one text Series."""
    chars = pl.Series(GIVEN_CHARS.tolist(), dtype=pl.Utf8)
    frame = pl.DataFrame(
        {
            "s": pl.Series(SURNAMES.tolist())[surname],
            "g1": chars[given1],
            "g2": chars[np.where(given2 < 0, 0, given2)],
            "single": given2 < 0,
        }
    )
    return frame.select(
        pl.concat_str(
            "s", "g1", pl.when(pl.col("single")).then(pl.lit("")).otherwise(pl.col("g2"))
        ).alias("name")
    ).to_series()


def one_char_off(rng: np.random.Generator, name: str) -> str | None:
    """The name with one given-name character replaced by another common one (a typing
    slip no homophone or look-alike table explains); None for a name too short or with `·`."""
    surname, given = split_name(name)
    if not given or "·" in name:
        return None
    spot = len(surname) + int(rng.integers(0, len(given)))
    pool = MALE_CHARS + FEMALE_CHARS
    for _ in range(8):
        new = pool[int(rng.integers(0, len(pool)))]
        if new != name[spot]:
            return name[:spot] + new + name[spot + 1 :]
    return None


def split_name(name: str) -> tuple[str, str]:
    """Surname and given name (欧阳明轩 -> 欧阳, 明轩)."""
    cut = 2 if name[:2] in _COMPOUND_SURNAMES else 1
    return name[:cut], name[cut:]


def new_name(rng: np.random.Generator, name: str, is_male: bool) -> str:
    """A plausible renaming (改名): a new given name under the same surname, or (one in
    four) the same given name under another surname (a child taking a stepfather's)."""
    surname, given = split_name(name)
    if given and rng.random() < 0.25:
        for index in draw_surnames(rng, 8).tolist():
            if SURNAMES[index] != surname:
                return str(SURNAMES[index]) + given
    pool = MALE_CHARS if is_male else FEMALE_CHARS
    for _ in range(8):
        size = 1 if rng.random() < 0.25 else 2
        fresh = "".join(pool[int(rng.integers(0, len(pool)))] for _ in range(size))
        if fresh != given:
            return surname + fresh
    return surname + ("伟" if is_male else "芳")


def minority_name(rng: np.random.Generator, is_male: bool, father: str) -> str:
    """A Uyghur-style name: own given name · father's given name."""
    own = rng.choice(UYGHUR_MALE if is_male else UYGHUR_FEMALE)
    return f"{own}·{father}"
