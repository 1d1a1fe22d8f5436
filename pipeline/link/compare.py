"""Pair comparisons with explicit levels that suit Chinese records.

Each comparison maps a pair to a level index (0 = strongest agreement) or -1 when
the pair cannot be compared on it. Levels are named in COMPARISONS so every match
weight can be explained. Correlated fields are deliberately folded into one
comparison: a birth date read from the ID number is only used when the IDs
themselves cannot be compared, and phone and place are one "contact" comparison
because household members share both.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

COMPARISONS: dict[str, tuple[str, ...]] = {
    "identity": (
        "id_exact",
        "id_one_edit",
        "id_damaged_prefix",
        "id_diff_trusted",
        "id_diff",
        "birth_exact",
        "birth_close",
        "birth_diff",
    ),
    "name": ("name_exact", "pinyin_equal", "one_char_lookalike", "one_char_other", "name_diff"),
    "contact": (
        "phone_and_village",
        "phone_only",
        "village",
        "town",
        "county",
        "contact_diff",
    ),
    "sex": ("sex_same", "sex_diff"),
}
_PAIR_COLUMNS = (
    "name_norm", "name_pinyin", "id_norm", "id_status", "id_trusted", "id_float_like", "birth", "sex_norm",
    "phone_norm", "county", "town", "village",
)


def _osa_distance(left: pl.Series, right: pl.Series) -> np.ndarray:
    """Optimal-string-alignment distance of aligned pairs (one transposition = 1 edit)."""
    a = left.fill_null("").to_list()
    b = right.fill_null("").to_list()
    if not a:
        return np.zeros(0, dtype=np.int32)
    return process.cpdist(a, b, scorer=OSA.distance, workers=-1).astype(np.int32)


def _lookalike_table(groups: tuple[str, ...]) -> set[tuple[str, str]]:
    table = set()
    for group in groups:
        for a in group:
            for b in group:
                if a != b:
                    table.add((a, b))
    return table


def _differing_chars_are_lookalike(left: list[str | None], right: list[str | None], table: set[tuple[str, str]]) -> list[bool]:
    flags = []
    for a, b in zip(left, right, strict=True):
        if a is None or b is None or len(a) != len(b):
            flags.append(False)
            continue
        diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
        flags.append(len(diffs) == 1 and diffs[0] in table)
    return flags


def pair_frame(pairs: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Join the compared columns of both records onto each pair, suffixed _l / _r."""
    cols = records.select("idx", *_PAIR_COLUMNS)
    left = cols.rename({c: f"{c}_l" for c in _PAIR_COLUMNS}).rename({"idx": "idx_l"})
    right = cols.rename({c: f"{c}_r" for c in _PAIR_COLUMNS}).rename({"idx": "idx_r"})
    return pairs.join(left, on="idx_l", how="left").join(right, on="idx_r", how="left")


def compare_pairs(pairs: pl.DataFrame, records: pl.DataFrame, lookalike_groups: tuple[str, ...]) -> pl.DataFrame:
    """Return pairs with one Int8 level column per comparison, `gamma_<name>`."""
    df = pair_frame(pairs, records)
    id_osa = _osa_distance(df["id_norm_l"], df["id_norm_r"])
    name_osa = _osa_distance(df["name_norm_l"], df["name_norm_r"])
    birth_osa = _osa_distance(
        df["birth_l"].cast(pl.Utf8), df["birth_r"].cast(pl.Utf8)
    )
    df = df.with_columns(
        pl.Series("_id_osa", id_osa), pl.Series("_name_osa", name_osa), pl.Series("_birth_osa", birth_osa)
    )
    candidates = df.filter(
        (pl.col("_name_osa") == 1) & (pl.col("name_norm_l").str.len_chars() == pl.col("name_norm_r").str.len_chars())
    )
    table = _lookalike_table(lookalike_groups)
    lookalike = pl.Series(
        "_lookalike",
        _differing_chars_are_lookalike(candidates["name_norm_l"].to_list(), candidates["name_norm_r"].to_list(), table),
        dtype=pl.Boolean,
    )
    df = df.join(
        candidates.select("idx_l", "idx_r").with_columns(lookalike), on=["idx_l", "idx_r"], how="left"
    ).with_columns(pl.col("_lookalike").fill_null(False))

    both_ids = pl.col("id_norm_l").is_not_null() & pl.col("id_norm_r").is_not_null()
    damaged = (
        (pl.col("id_status_l") == "excel_damaged") | (pl.col("id_status_r") == "excel_damaged")
        | pl.col("id_float_like_l") | pl.col("id_float_like_r")
    )
    both_trusted = pl.col("id_trusted_l") & pl.col("id_trusted_r")
    both_birth = pl.col("birth_l").is_not_null() & pl.col("birth_r").is_not_null()
    identity = (
        pl.when(both_ids & (pl.col("id_norm_l") == pl.col("id_norm_r"))).then(0)
        .when(both_ids & (pl.col("_id_osa") == 1)).then(1)
        .when(both_ids & damaged & (pl.col("id_norm_l").str.slice(0, 15) == pl.col("id_norm_r").str.slice(0, 15))).then(2)
        .when(both_ids & both_trusted).then(3)
        .when(both_ids).then(4)
        .when(both_birth & (pl.col("birth_l") == pl.col("birth_r"))).then(5)
        .when(both_birth & (pl.col("_birth_osa") == 1)).then(6)
        .when(both_birth).then(7)
        .otherwise(-1)
    )
    both_names = pl.col("name_norm_l").is_not_null() & pl.col("name_norm_r").is_not_null()
    name = (
        pl.when(~both_names).then(-1)
        .when(pl.col("name_norm_l") == pl.col("name_norm_r")).then(0)
        .when(pl.col("name_pinyin_l") == pl.col("name_pinyin_r")).then(1)
        .when(pl.col("_lookalike")).then(2)
        # one other character differing is weak agreement only when a character of the
        # given name still agrees: in a two-character name it means a different given name
        .when(
            (pl.col("_name_osa") == 1)
            & (pl.max_horizontal(pl.col("name_norm_l").str.len_chars(), pl.col("name_norm_r").str.len_chars()) >= 3)
        ).then(3)
        .otherwise(4)
    )

    def same(col: str) -> pl.Expr:
        return pl.col(f"{col}_l").is_not_null() & (pl.col(f"{col}_l") == pl.col(f"{col}_r"))

    def both(col: str) -> pl.Expr:
        return pl.col(f"{col}_l").is_not_null() & pl.col(f"{col}_r").is_not_null()

    towns_compatible = ~both("town") | same("town")
    same_village = same("village") & towns_compatible
    contact = (
        pl.when(same("phone_norm") & same_village).then(0)
        .when(same("phone_norm")).then(1)
        .when(same_village).then(2)
        .when(same("town")).then(3)
        .when(same("county") & ~both("town") & ~both("village")).then(4)
        .when(both("phone_norm") | both("village") | both("town") | both("county")).then(5)
        .otherwise(-1)
    )
    sex = (
        pl.when(both_ids | ~both("sex_norm")).then(-1)
        .when(same("sex_norm")).then(0)
        .otherwise(1)
    )
    return df.select(
        "idx_l",
        "idx_r",
        *(["rules"] if "rules" in df.columns else []),
        "name_norm_l",
        "name_norm_r",
        identity.cast(pl.Int8).alias("gamma_identity"),
        name.cast(pl.Int8).alias("gamma_name"),
        contact.cast(pl.Int8).alias("gamma_contact"),
        sex.cast(pl.Int8).alias("gamma_sex"),
    )
