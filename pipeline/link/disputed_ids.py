"""Valid ID numbers whose birth date disagrees with the row's stated 出生日期: whose is it?

A stated birth date is a typed field and can be wrong; a valid ID number (the check digit
passes) of the stated sex rarely is. Two readings explain the disagreement: the number is
another person's (a household head's written into a member's case file, with the
member's own birth date beside it), or the number is the row's and the date was mistyped
(month and day swapped, another day or year). What tells them apart is who else holds the
number: a head's number is held elsewhere under the head's name, the row's own under the
row's name. So a disputed number (marked in records.py, rows outside the monitoring export
only) is

- the row's, trusted, with the birth date it carries, where another row (of the monitoring
  export, or an undisputed row of another source) holds it under the row's name (pinyin),
  or holds it damaged by Excel or a float with the same region code and birth date, and that holder's household in the monitoring export has no second member of the name
  (肖飞 and his son 肖飞: the number could be either's);
- otherwise as before: one or two characters of YYYYMMDD apart (`DISPUTED_NEAR`), kept
  untrusted; further (`DISPUTED_FAR`), dropped with what was read from it.
"""

from __future__ import annotations

import polars as pl

from pipeline.link.relations import drop_ids_where

DISPUTED_NEAR = "birth_slip"
DISPUTED_FAR = "birth_contradicts"
_DISPUTED = (DISPUTED_NEAR, DISPUTED_FAR)
# what a dropped number takes with it from a linkage-table row (the stated birth date and
# sex are the row's already)
_ID_KEYS = ("id_norm", "trusted_id", "id_head", "id_tail", "id_body")


def _holders(
    monitoring: pl.DataFrame | None, rows: pl.DataFrame, claims: pl.DataFrame
) -> pl.DataFrame:
    """(record_key of a claim, household_id) of the undisputed rows holding the claim's
    number under its name: the same number, or a damaged one (Excel, a float) whose region
    code and birth date (`id_body`, what the damage keeps) are the claim's."""
    columns = ("id_norm", "id_body", "id_damaged", "name_pinyin", "household_id")
    held = [rows.filter(~pl.col("id_status").is_in(_DISPUTED)).select(columns)]
    if monitoring is not None:
        held.append(monitoring.select(columns))
    holders = pl.concat(
        [h.filter(pl.col("name_pinyin").is_in(claims["name_pinyin"].implode())) for h in held],
        how="vertical",
    )
    same = claims.join(holders.drop("id_body"), on=["id_norm", "name_pinyin"])
    damaged = claims.drop("id_norm").join(
        holders.filter(pl.col("id_damaged")).drop("id_norm"), on=["id_body", "name_pinyin"]
    )
    return pl.concat(
        [same.select("record_key", "household_id"), damaged.select("record_key", "household_id")]
    )


def _own_claims(monitoring: pl.DataFrame | None, rows: pl.DataFrame) -> pl.Series:
    """record_key of the disputed rows whose number another row holds under their name,
    in a household without a second member of that name."""
    claims = rows.filter(pl.col("id_status").is_in(_DISPUTED)).select(
        "record_key", "id_norm", "id_body", "name_pinyin"
    )
    held = _holders(monitoring, rows, claims).join(
        claims.select("record_key", "name_pinyin"), on="record_key"
    )
    if monitoring is None or held.is_empty():
        return held["record_key"].unique()
    households = held["household_id"].drop_nulls().unique().implode()
    namesakes = (
        monitoring.filter(pl.col("household_id").is_in(households))
        .group_by("household_id", "name_pinyin")
        .len()
        .filter(pl.col("len") > 1)
    )
    shared = held.join(namesakes, on=["household_id", "name_pinyin"], how="semi")
    return held.filter(~pl.col("record_key").is_in(shared["record_key"].implode()))[
        "record_key"
    ].unique()


def with_disputed_ids_resolved(monitoring: pl.DataFrame | None, rows: pl.DataFrame) -> pl.DataFrame:
    """`rows` (linkage-table rows outside the monitoring export) with no disputed number
    left: each is the row's and trusted, kept untrusted, or dropped (module docstring)."""
    disputed = pl.col("id_status").is_in(_DISPUTED)
    if rows.filter(disputed).is_empty():
        return rows
    rows = rows.with_columns(
        pl.col("record_key").is_in(_own_claims(monitoring, rows).implode()).alias("_own")
    )
    own, far = pl.col("_own"), disputed & (pl.col("id_status") == DISPUTED_FAR)
    intact = ~pl.col("id_float_like")
    id_birth = pl.col("id_norm").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    male = pl.col("id_norm").str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1
    rows = rows.with_columns(
        pl.when(disputed).then(pl.lit("valid")).otherwise(pl.col("id_status")).alias("id_status"),
        pl.when(own).then(intact).otherwise(pl.col("id_trusted")).alias("id_trusted"),
        pl.when(own & intact)
        .then(pl.col("id_norm"))
        .otherwise(pl.col("trusted_id"))
        .alias("trusted_id"),
        pl.when(disputed & intact)
        .then(pl.col("id_norm").str.slice(9))
        .otherwise(pl.col("id_tail"))
        .alias("id_tail"),
        pl.when(own).then(id_birth).otherwise(pl.col("birth")).alias("birth"),
        pl.when(own)
        .then(pl.when(male).then(pl.lit("M")).otherwise(pl.lit("F")))
        .otherwise(pl.col("sex_norm"))
        .alias("sex_norm"),
        (far & ~own).alias("_drop"),
    )
    rows = rows.with_columns(
        (pl.col("id_damaged") & ~pl.col("_drop")).alias("id_damaged"),
        (pl.col("id_float_like") & ~pl.col("_drop")).alias("id_float_like"),
    )
    return drop_ids_where(rows, pl.col("_drop"), _ID_KEYS).drop("_own", "_drop")
