"""Personal names: a comparable written form and a toneless pinyin key.

Both are computed once per distinct value (exports repeat names heavily) in
Python, then mapped back onto the column, so the cost follows the number of
distinct names rather than rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any

import polars as pl
from pypinyin import Style, lazy_pinyin

NameColumn = str | pl.Expr

# Middle-dot look-alikes used between the parts of minority and foreign names.
# After NFKC, full-width `．` is `.` and half-width `･` is `・`.
_NAME_DOTS = frozenset(".·•‧・∙⋅")
_NAME_DOT = "·"
_DROPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
_MAX_PASSES = 5
_PLAIN_HAN = re.compile("[\u4e00-\u9fff]+")

# pypinyin reads characters by their commonest reading and has no surname mode;
# these are the common surnames whose surname reading differs from it.
_COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
}
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "查": "zha",
    "朴": "piao",
    "覃": "qin",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "繁": "po",
    "召": "shao",
    "员": "yun",
    "折": "she",
    "秘": "bi",
    "宓": "fu",
    "种": "chong",
    "洗": "xian",
    "翟": "zhai",
    "祭": "zhai",
    "句": "gou",
    "隗": "wei",
    "薄": "bo",
    "藏": "zang",
    "阚": "kan",
    "长": "chang",
    "重": "chong",
    "乜": "nie",
    "都": "du",
}


def _to_expr(col: NameColumn) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


@cache
def _simplified_table() -> dict[int, str]:
    """OpenCC's t2s character table (first candidate of each traditional character).

    OpenCC's phrase table is left out on purpose: names are not phrases, and it
    rewrites real names (沈默 -> 沉默). Character-level is also ~20x faster.
    """
    table: dict[int, str] = {}
    text = files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        traditional, _, candidates = line.partition("\t")
        if len(traditional) == 1 and candidates:
            table[ord(traditional)] = candidates.split(" ")[0]
    if len(table) < 1000:
        raise RuntimeError(f"OpenCC t2s character table looks broken: {len(table)} entries")
    # Resolve chains (a -> b -> c) so that converting twice changes nothing.
    for _ in range(_MAX_PASSES):
        resolved = {key: value.translate(table) for key, value in table.items()}
        if resolved == table:
            break
        table = resolved
    return table


def to_simplified(text: str) -> str:
    """Traditional Chinese characters replaced by their simplified forms (OpenCC t2s)."""
    return text.translate(_simplified_table())


def _name_pass(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = to_simplified(text)
    text = unicodedata.normalize("NFKC", text)
    kept = [
        _NAME_DOT if ch in _NAME_DOTS else ch
        for ch in text
        if unicodedata.category(ch) not in _DROPPED_CATEGORIES and not ch.isspace()
    ]
    out: list[str] = []
    for ch in kept:
        if ch == _NAME_DOT and (not out or out[-1] == _NAME_DOT):
            continue
        out.append(ch)
    if out and out[-1] == _NAME_DOT:
        out.pop()
    # Dropping spaces can join a letter with a combining mark; compose it now, not next time.
    return unicodedata.normalize("NFKC", "".join(out))


def normalise_name_text(raw: str) -> str | None:
    """Name in comparable form (see `name_norm`), for one Python string."""
    if _PLAIN_HAN.fullmatch(raw):
        # The usual case: NFKC leaves unified ideographs alone, nothing to drop or unify.
        return to_simplified(raw)
    text = raw
    for _ in range(_MAX_PASSES):
        cleaned = _name_pass(text)
        if cleaned == text:
            break
        text = cleaned
    if not any(ch.isalpha() for ch in text):
        return None
    return text


@cache
def _char_syllable(ch: str) -> str | None:
    """Toneless pinyin of one character, or None when it is not a Chinese character."""
    syllables = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return syllables[0] if syllables else None


def _surname_syllables(name: str) -> tuple[list[str], str]:
    """Surname readings for the start of a name, and the rest of the name."""
    compound = _COMPOUND_SURNAMES.get(name[:2])
    if compound and len(name) > 2:
        return list(compound), name[2:]
    reading = _SURNAME_READINGS.get(name[:1])
    if reading and len(name) > 1 and _char_syllable(name[1]) is not None:
        return [reading], name[1:]
    return [], name


def pinyin_of_name(name: str) -> str | None:
    """Toneless pinyin syllables of a normalised name, joined by single spaces.

    Chinese characters become one syllable each; runs of other letters or digits
    are kept lower-case as one token; `·` and other marks only separate tokens.
    """
    tokens, rest = _surname_syllables(name)
    run: list[str] = []
    for ch in rest:
        syllable = _char_syllable(ch)
        if syllable is None and ch.isalnum():
            run.append(ch)
            continue
        if run:
            tokens.append("".join(run).lower())
            run = []
        if syllable is not None:
            tokens.append(syllable)
    if run:
        tokens.append("".join(run).lower())
    return " ".join(tokens) or None


def _pinyin_of_raw(raw: str) -> str | None:
    name = normalise_name_text(raw)
    return None if name is None else pinyin_of_name(name)


def _name_keys(raw: str) -> dict[str, str | None]:
    name = normalise_name_text(raw)
    return {"name_norm": name, "name_pinyin": None if name is None else pinyin_of_name(name)}


_NAME_KEYS_DTYPE = pl.Struct({"name_norm": pl.String, "name_pinyin": pl.String})
RAW_NAME = "raw_name"


def _map_distinct(
    expr: pl.Expr, function: Callable[[str], Any], return_dtype: pl.DataType
) -> pl.Expr:
    """Apply a Python string function once per distinct non-null value of `expr`."""

    def apply(values: pl.Series) -> pl.Series:
        distinct = values.drop_nulls().unique()
        mapped = pl.Series([function(v) for v in distinct.to_list()], dtype=return_dtype)
        return values.replace_strict(distinct, mapped, default=None, return_dtype=return_dtype)

    return expr.cast(pl.String).map_batches(apply, return_dtype=return_dtype, is_elementwise=True)


def name_norm(col: NameColumn) -> pl.Expr:
    """Name for comparison: NFKC (full-width to half-width), traditional to simplified,
    no whitespace at all, middle-dot variants as a single `·` between parts.

    Null when empty or without any letter.
    """
    return _map_distinct(_to_expr(col), normalise_name_text, pl.String()).alias("name_norm")


def name_pinyin(col: NameColumn) -> pl.Expr:
    """Toneless pinyin of the normalised name, syllables joined by spaces (李明 -> "li ming")."""
    return _map_distinct(_to_expr(col), _pinyin_of_raw, pl.String()).alias("name_pinyin")


def name_key_table(names: pl.Series) -> pl.DataFrame:
    """`name_norm` and `name_pinyin` of every distinct non-null value of `names` (as the
    `raw_name` column): the keys of a whole source, computed once for all its slices."""
    distinct = names.cast(pl.String).drop_nulls().unique()
    keys = pl.Series([_name_keys(v) for v in distinct.to_list()], dtype=_NAME_KEYS_DTYPE)
    return keys.struct.unnest().insert_column(0, distinct.alias(RAW_NAME))


def with_name_columns(
    df: pl.DataFrame, col: str = "name", table: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Add name_norm and name_pinyin derived from `col` (one pass over distinct names).

    Args:
        table: `name_key_table` of a frame holding every value of `col` (the whole source
            this frame is a slice of); the keys are then looked up, not computed again.
    """
    if table is not None:
        raw = df.select(pl.col(col).cast(pl.String).alias(RAW_NAME))
        found = raw.join(table, on=RAW_NAME, how="left", maintain_order="left")
        return df.with_columns(found.get_column("name_norm"), found.get_column("name_pinyin"))
    keys = "__name_keys"
    while keys in df.columns:
        keys += "_"
    return (
        df.with_columns(_map_distinct(pl.col(col), _name_keys, _NAME_KEYS_DTYPE).alias(keys))
        .with_columns(
            pl.col(keys).struct.field("name_norm"), pl.col(keys).struct.field("name_pinyin")
        )
        .drop(keys)
    )


def pinyin_sound(col: NameColumn, initials: dict[str, str], finals: dict[str, str]) -> pl.Expr:
    """The pinyin key with sounds people confuse folded together (模糊音).

    `initials` map the start of a syllable (zh -> z), `finals` its end (ing -> in), so
    names heard one way and typed another share the key: 赵琳 "zhao lin" and 赵玲
    "zhao ling" both give "zao lin". Input is a `name_pinyin` key (toneless syllables
    joined by single spaces); null stays null.

    One literal multi-pattern pass instead of a regex per rule: with the key padded and
    its spaces doubled, every syllable reads " syllable " on its own, so " zh" is a
    syllable start and "ing " a syllable end.
    """
    text = _to_expr(col).cast(pl.String)
    padded = pl.concat_str(pl.lit(" "), text.str.replace_all(" ", "  ", literal=True), pl.lit(" "))
    patterns = [f" {sound}" for sound in initials] + [f"{sound} " for sound in finals]
    folded = [f" {to}" for to in initials.values()] + [f"{to} " for to in finals.values()]
    if patterns:
        padded = padded.str.replace_many(patterns, folded)
    return padded.str.replace_all("  ", " ", literal=True).str.strip_chars(" ").alias("name_sound")
