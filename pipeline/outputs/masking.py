"""Masking: the one place personal values are hidden before they leave the audit files.

ID numbers keep their first 6 and last 2 characters (a steward can find the row, nobody
can identify the person); a protected name keeps its surname (张小明 -> 张**); digit runs
in free text (an ID or phone in a header cell or an error message) keep 2 at each end.
"""

from __future__ import annotations

import re

import polars as pl

_LONG_DIGITS = re.compile(r"\d{6,}")


def mask_id(column: str) -> pl.Expr:
    """First 6 and last 2 characters kept: enough for a steward to find the row, not to identify."""
    text = pl.col(column).cast(pl.Utf8)
    length = text.str.len_chars()
    stars = pl.lit("*" * 64).str.slice(0, (length - 8).clip(0, 64))  # cheap: no per-row lists
    return (
        pl.when(length > 8)
        .then(pl.concat_str(text.str.slice(0, 6), stars, text.str.slice(-2)))
        .when(text.is_not_null())
        .then(pl.lit("***"))
    )


def mask_name(column: str) -> pl.Expr:
    """Keep the surname, hide the given name: 张小明 -> 张**."""
    text = pl.col(column)
    return text.str.slice(0, 1) + pl.lit("*").repeat_by(text.str.len_chars() - 1).list.join("")


def name_unless_protected(name: str, *protected: str) -> pl.Expr:
    """The name in `name`, masked where any of the boolean columns `protected` holds (a minor)."""
    hides = pl.any_horizontal(pl.col(p).fill_null(False) for p in protected)
    return pl.when(hides).then(mask_name(name)).otherwise(pl.col(name))


def hide_name_in_texts(columns: tuple[str, ...], *, name: str, protected: str) -> list[pl.Expr]:
    """Each text column with the name in `name` masked wherever it appears, on rows where
    the boolean `protected` holds (a minor's name quoted in a case summary's sentence)."""
    shown = mask_name(name)
    # one-character "names" would mask every such character: a name has two or more
    hides = pl.col(protected).fill_null(False) & (pl.col(name).str.len_chars() >= 2)
    return [
        pl.when(hides)
        .then(pl.col(c).str.split(pl.col(name)).list.join(shown))
        .otherwise(pl.col(c))
        .alias(c)
        for c in columns
    ]


def mask_digit_runs(text: str) -> str:
    """Hide long digit runs in free text: a "header" row that is really data may hold an ID."""
    return _LONG_DIGITS.sub(
        lambda m: m.group()[:2] + "*" * (len(m.group()) - 4) + m.group()[-2:], text
    )
