"""Rows about a relative of a case's party, joined to that relative in the party's household.

Relief is often granted to a victim's spouse, parent or child (与被害人关系 妻子, 父亲 …),
and the relief register then holds the recipient's name and the case, seldom more: no
address, no phone, often no ID. Pairs cannot link such a row to the monitoring export,
but the case can: its parties are linked to their monitoring rows, whose households list
the relatives by name. A person that clustering left outside the monitoring export
(a lone relief row, or a mother's two petitions about her son's case), one of whose rows
of the configured sources names a case under a name (pinyin) held by exactly one person
in the households of that case's parties, joins that person with all its rows. Two
different trusted ID numbers never join.

Rows joined so get `linked_by = "case_household"` and no `link_confidence` (no pair
probability stands behind them); all others are `linked_by = "pairs"`.
"""

from __future__ import annotations

import polars as pl

BY_PAIRS = "pairs"
BY_CASE_HOUSEHOLD = "case_household"


def join_relatives_through_case(
    records: pl.DataFrame, links: pl.DataFrame, sources: tuple[str, ...]
) -> pl.DataFrame:
    """`links` (idx, record_key, person_id, cluster_size, link_confidence) with the persons
    outside the monitoring export whose rows of `sources` find the matching relative moved
    into the relative's person; adds `linked_by`."""
    links = links.with_columns(pl.lit(BY_PAIRS).alias("linked_by"))
    needed = {"case_key", "household_id", "name_pinyin", "trusted_id", "source"}
    if not sources or not needed <= set(records.columns):
        return links
    columns = records.select("idx", *sorted(needed))
    linked = links.select("idx", "person_id", "cluster_size")
    if columns["idx"].equals(linked["idx"]):  # both in record order (cluster_records sorts)
        keyed = pl.concat([columns, linked.drop("idx")], how="horizontal")
    else:
        keyed = columns.join(linked, on="idx")
    naming = keyed.filter(
        pl.col("source").is_in(sources)
        & pl.col("case_key").is_not_null()
        & pl.col("name_pinyin").is_not_null()
    )
    lone = naming.join(_persons_outside_register(keyed, naming), on="person_id").select(
        "idx", "case_key", "name_pinyin", "_own_id"
    )
    if lone.is_empty():
        return links
    found = relatives_found_through_case(keyed, lone)
    if found.is_empty():
        return links
    return _moved_to_relatives(links, _whole_persons(keyed, found))


def _persons_outside_register(keyed: pl.DataFrame, naming: pl.DataFrame) -> pl.DataFrame:
    """(person_id, _own_id): the persons of the `naming` rows without a monitoring row, with
    their trusted ID (a person holds at most one; none when the clusters were built without
    that rule). Only those persons' rows are grouped, not the whole table."""
    persons = naming["person_id"].unique().implode()
    return (
        keyed.filter(pl.col("person_id").is_in(persons))
        .group_by("person_id")
        .agg(
            (pl.col("source") == "poverty").any().alias("_listed"),
            pl.col("trusted_id").drop_nulls().unique().alias("_ids"),
        )
        .filter(~pl.col("_listed") & (pl.col("_ids").list.len() <= 1))
        .select("person_id", pl.col("_ids").list.first().alias("_own_id"))
    )


def _whole_persons(keyed: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """(idx, _member) for every row of each person whose rows found one relative between
    them: a person moves whole, or not at all when its rows point at two."""
    person = found.join(keyed.select("idx", "person_id"), on="idx")
    one = (
        person.group_by("person_id")
        .agg(pl.col("_member").unique())
        .filter(pl.col("_member").list.len() == 1)
        .select("person_id", pl.col("_member").list.first())
    )
    return keyed.select("idx", "person_id").join(one, on="person_id").select("idx", "_member")


def relatives_found_through_case(keyed: pl.DataFrame, lone: pl.DataFrame) -> pl.DataFrame:
    """(idx, _member): each lone row and the one person of its name in its case's households.

    `keyed`: every record with its person_id; `lone`: the lone rows (idx, case_key,
    name_pinyin, _own_id). A row whose name two members hold, or whose trusted ID differs
    from the member's, is left out.
    """
    # small frames first: the parties of those cases, their monitoring households, the
    # members of those households (not the whole monitoring export)
    parties = keyed.filter(
        (pl.col("source") == "cases") & pl.col("case_key").is_in(lone["case_key"].implode())
    ).select("case_key", "person_id")
    monitoring = (pl.col("source") == "poverty") & pl.col("household_id").is_not_null()
    households = (
        keyed.filter(monitoring & pl.col("person_id").is_in(parties["person_id"].implode()))
        .select("person_id", "household_id")
        .join(parties, on="person_id")
        .select("case_key", "household_id")
        .unique()
    )
    members = keyed.filter(
        monitoring & pl.col("household_id").is_in(households["household_id"].implode())
    ).select("household_id", "name_pinyin", pl.col("person_id").alias("_member"), "trusted_id")
    return (
        lone.join(households, on="case_key")
        .join(members, on=["household_id", "name_pinyin"])
        .filter(
            pl.col("_own_id").is_null()
            | pl.col("trusted_id").is_null()
            | (pl.col("_own_id") == pl.col("trusted_id"))
        )
        .group_by("idx")
        .agg(pl.col("_member").unique())
        .filter(pl.col("_member").list.len() == 1)
        .select("idx", pl.col("_member").list.first())
    )


def _moved_to_relatives(links: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """`links` with the rows of `found` (idx, _member) in the member's person, linked by case household."""
    joined = links.join(found, on="idx", how="left")
    moved = pl.col("_member").is_not_null()
    return (
        joined.with_columns(
            pl.coalesce("_member", "person_id").alias("person_id"),
            pl.when(moved).then(None).otherwise(pl.col("link_confidence")).alias("link_confidence"),
            pl.when(moved)
            .then(pl.lit(BY_CASE_HOUSEHOLD))
            .otherwise(pl.col("linked_by"))
            .alias("linked_by"),
        )
        .with_columns(
            pl.len().over("person_id").cast(links.schema["cluster_size"]).alias("cluster_size")
        )
        .drop("_member")
    )
