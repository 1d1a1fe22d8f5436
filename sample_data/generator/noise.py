"""Entry errors injected into exported values. Every function is seeded through `rng`.

Each perturbation returns the new values and the kind of error per row ("" = clean),
so the README rates can be checked against what was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sample_data.generator.confusables import HOMOPHONES, LOOKALIKES, TRADITIONAL
from sample_data.generator.ids import to_legacy15
from sample_data.generator.naming import one_char_off

if TYPE_CHECKING:
    from sample_data.generator.population import Population

_FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


@dataclass(frozen=True)
class IdNoise:
    """Rates per row; the kinds are mutually exclusive. `legacy15` applies to people born
    before 1980 and `lower_x` to IDs ending in X, before the other kinds are drawn."""

    missing: float = 0.0
    mistype: float = 0.01
    swap: float = 0.01
    fullwidth: float = 0.01
    quote: float = 0.01
    spaces: float = 0.01
    excel_e17: float = 0.0
    excel_000: float = 0.0
    head_copy: float = 0.0
    legacy15: float = 0.0
    lower_x: float = 0.3


def _kinds(rng: np.random.Generator, n: int, rates: dict[str, float]) -> np.ndarray:
    names = np.array(["", *rates], dtype=object)
    p = np.array([1.0 - sum(rates.values()), *rates.values()])
    return names[rng.choice(len(names), size=n, p=p)]


def _mistype(rng, value: str) -> str:
    pos = int(rng.integers(0, 17))
    digit = str((int(value[pos]) + int(rng.integers(1, 10))) % 10)
    return value[:pos] + digit + value[pos + 1 :]


def _swap(rng, value: str) -> str:
    for _ in range(8):
        pos = int(rng.integers(0, 16))
        if value[pos] != value[pos + 1]:
            return value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]
    return _mistype(rng, value)


def _spaces(rng, value: str) -> str:
    style = int(rng.integers(0, 3))
    if style == 0:
        return f"{value[:6]} {value[6:14]} {value[14:]}"
    if style == 1:
        return value + " "
    pos = int(rng.integers(1, 17))
    return value[:pos] + " " + value[pos:]


def _damage_id(rng: np.random.Generator, kind: str, v: str, head_id: str) -> str:
    if kind == "missing":
        return ""
    if kind == "mistype":
        return _mistype(rng, v)
    if kind == "swap":
        return _swap(rng, v)
    if kind == "spaces":
        return _spaces(rng, v)
    simple = {
        "fullwidth": lambda: v.translate(_FULLWIDTH),
        "quote": lambda: "'" + v,
        "excel_e17": lambda: f"{float(v):.5E}",
        "excel_000": lambda: v[:15] + "000",
        "head_copy": lambda: head_id,
        "legacy15": lambda: to_legacy15(v),
        "lower_x": lambda: v[:-1] + "x",
    }
    return simple[kind]()


def perturb_ids(
    rng: np.random.Generator,
    values: list[str],
    born_before_1980: np.ndarray,
    head_ids: list[str] | None,
    noise: IdNoise,
) -> tuple[list[str], np.ndarray]:
    """Damage ID numbers as people and spreadsheets do."""
    rates = {
        k: getattr(noise, k)
        for k in (
            "missing",
            "mistype",
            "swap",
            "fullwidth",
            "quote",
            "spaces",
            "excel_e17",
            "excel_000",
            "head_copy",
        )
    }
    kinds = _kinds(rng, len(values), rates)
    legacy = born_before_1980 & (rng.random(len(values)) < noise.legacy15) & (kinds == "")
    kinds[legacy] = "legacy15"
    ends_x = np.array([v.endswith("X") for v in values], dtype=bool)
    kinds[(kinds == "") & ends_x & (rng.random(len(values)) < noise.lower_x)] = "lower_x"
    out = list(values)
    for i in np.flatnonzero(kinds != ""):
        v, kind = values[i], kinds[i]
        if kind in ("excel_e17", "excel_000") and v.endswith("X"):
            kind = kinds[i] = "lower_x"
        if kind == "head_copy" and (head_ids is None or head_ids[i] == v):
            kind = kinds[i] = "mistype"
        out[i] = _damage_id(rng, str(kind), v, head_ids[i] if head_ids is not None else v)
    return out, kinds


@dataclass(frozen=True)
class NameNoise:
    homophone: float = 0.02
    lookalike: float = 0.005
    space: float = 0.01
    fullwidth_space: float = 0.005
    traditional: float = 0.005


def _swap_char(rng, name: str, table: dict[str, str]) -> str | None:
    spots = [i for i, ch in enumerate(name) if ch in table and (i > 0 or table is LOOKALIKES)]
    if not spots:
        return None
    i = int(rng.choice(spots))
    return name[:i] + str(rng.choice(list(table[name[i]]))) + name[i + 1 :]


def perturb_names(
    rng: np.random.Generator, names: list[str], noise: NameNoise
) -> tuple[list[str], np.ndarray]:
    """Homophones, look-alike characters, inner spaces and traditional forms."""
    kinds = _kinds(
        rng,
        len(names),
        {
            k: getattr(noise, k)
            for k in ("homophone", "lookalike", "space", "fullwidth_space", "traditional")
        },
    )
    out = list(names)
    for i in np.flatnonzero(kinds != ""):
        name, kind = names[i], kinds[i]
        new: str | None
        if kind == "homophone":
            new = _swap_char(rng, name, HOMOPHONES)
        elif kind == "lookalike":
            new = _swap_char(rng, name, LOOKALIKES)
        elif kind == "traditional":
            new = "".join(TRADITIONAL.get(ch, ch) for ch in name)
            new = new if new != name else None
        else:
            sep = " " if kind == "space" else "\u3000"
            if "·" in name:
                new = name.replace("·", str(rng.choice(["•", ".", "．", "・", " "])))
            else:
                new = sep.join(name) if len(name) == 2 else name[0] + sep + name[1:]
        if new is None:
            kinds[i] = ""
        else:
            out[i] = new
    return out, kinds


def typo_names_with_ids(
    rng: np.random.Generator, names: list[str], id_values: list[str], rate: float
) -> np.ndarray:
    """Put one character off (张建国 typed 张建图) in `rate` of the rows that carry an ID.

    Edits `names` in place; returns which rows changed. Rows without an ID are left alone:
    nothing but the ID tells such a slip from a sibling's name.
    """
    changed = np.zeros(len(names), dtype=bool)
    for i in np.flatnonzero(rng.random(len(names)) < rate).tolist():
        new = one_char_off(rng, names[i]) if id_values[i] else None
        if new is not None:
            names[i], changed[i] = new, True
    return changed


def tag_name_typos(
    rng: np.random.Generator,
    pop: Population,
    names: list[str],
    id_values: list[str],
    pids: np.ndarray,
) -> None:
    """`typo_names_with_ids` at the profile's rate; each person so misnamed is tagged."""
    typo = typo_names_with_ids(rng, names, id_values, pop.profile.name_typo_with_id)
    for i in np.flatnonzero(typo).tolist():
        pop.tag(int(pids[i]), "name_typo")


def format_phone(rng: np.random.Generator, number: int) -> str:
    """A mobile number, sometimes with separators or a country code."""
    text = str(number)
    style = int(rng.integers(0, 4))
    return (
        f"{text[:3]}-{text[3:7]}-{text[7:]}",
        f"{text[:3]} {text[3:7]} {text[7:]}",
        f"+86 {text}",
        f"+86{text}",
    )[style]


def format_date(
    rng: np.random.Generator, date: np.datetime64, weights=(0.4, 0.25, 0.2, 0.15)
) -> str:
    """One of 2024-03-05, 2024/3/5, 20240305, 2024年3月5日."""
    y, m, d = (int(x) for x in str(date).split("-"))
    style = int(rng.choice(4, p=np.array(weights) / sum(weights)))
    return (
        f"{y:04d}-{m:02d}-{d:02d}",
        f"{y}/{m}/{d}",
        f"{y:04d}{m:02d}{d:02d}",
        f"{y}年{m}月{d}日",
    )[style]
