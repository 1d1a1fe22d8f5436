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

import numpy as np
import polars as pl

BY_PAIRS = "pairs"
BY_CASE_HOUSEHOLD = "case_household"


def join_relatives_through_case(
    records: pl.DataFrame, links: pl.DataFrame, sources: tuple[str, ...]
) -> pl.DataFrame:
    """`links` (idx, record_key, person_id, cluster_size, link_confidence) with the persons
    outside the monitoring export whose rows of `sources` find the matching relative moved
    into the relative's person; adds `linked_by`."""
    needed = {"case_key", "household_id", "name_pinyin", "trusted_id", "source"}
    if not sources or not needed <= set(records.columns):
        return links.with_columns(pl.lit(BY_PAIRS).alias("linked_by"))
    keyed = _keyed_records(records, links)
    naming = keyed.filter(
        keyed["source"].is_in(sources)
        & keyed["case_key"].is_not_null()
        & keyed["name_pinyin"].is_not_null()
    )
    lone = naming.join(_persons_outside_register(keyed, naming), on="person_id").select(
        "idx", "case_key", "name_pinyin", "_own_id"
    )
    found = relatives_found_through_case(keyed, lone) if lone.height else lone
    if found.is_empty():
        return links.with_columns(pl.lit(BY_PAIRS).alias("linked_by"))
    return _moved_to_relatives(links, _whole_persons(keyed, found))


def _keyed_records(records: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """(idx, case_key, household_id, name_pinyin, trusted_id, source, person_id) of every record.

    The frame's columns are chunked unlike each other (the records' and the clustering's), so
    it is filtered by masks computed first: a filter by an expression over the whole frame
    rechunks every column of it (+250 MB at 2.3 M rows, docs/scale.md).
    """
    columns = records.select(
        "idx", "case_key", "household_id", "name_pinyin", "trusted_id", "source"
    )
    if columns["idx"].equals(links["idx"]):  # both in record order (cluster_records sorts)
        return columns.with_columns(links["person_id"])
    return columns.join(links.select("idx", "person_id"), on="idx")


def _persons_outside_register(keyed: pl.DataFrame, naming: pl.DataFrame) -> pl.DataFrame:
    """(person_id, _own_id): the persons of the `naming` rows without a monitoring row, with
    their trusted ID (a person holds at most one; none when the clusters were built without
    that rule). Only those persons' rows are grouped, not the whole table."""
    persons = naming["person_id"].unique().implode()
    return (
        keyed.filter(keyed["person_id"].is_in(persons))
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
    person = keyed.filter(keyed["idx"].is_in(found["idx"].implode())).select("idx", "person_id")
    one = (
        person.join(found, on="idx")
        .group_by("person_id")
        .agg(pl.col("_member").unique())
        .filter(pl.col("_member").list.len() == 1)
        .select("person_id", pl.col("_member").list.first())
    )
    rows = keyed.filter(keyed["person_id"].is_in(one["person_id"].implode()))
    return rows.select("idx", "person_id").join(one, on="person_id").select("idx", "_member")


def relatives_found_through_case(keyed: pl.DataFrame, lone: pl.DataFrame) -> pl.DataFrame:
    """(idx, _member): each lone row and the one person of its name in its case's households.

    `keyed`: every record with its person_id; `lone`: the lone rows (idx, case_key,
    name_pinyin, _own_id). A row whose name two members hold, or whose trusted ID differs
    from the member's, is left out.
    """
    # small frames first: the parties of those cases, their monitoring households, the
    # members of those households (not the whole monitoring export)
    source = keyed["source"]
    parties = keyed.filter(
        (source == "cases") & keyed["case_key"].is_in(lone["case_key"].implode())
    ).select("case_key", "person_id")
    monitoring = (source == "poverty") & keyed["household_id"].is_not_null()
    households = (
        keyed.filter(monitoring & keyed["person_id"].is_in(parties["person_id"].implode()))
        .select("person_id", "household_id")
        .join(parties, on="person_id")
        .select("case_key", "household_id")
        .unique()
    )
    members = keyed.filter(
        monitoring & keyed["household_id"].is_in(households["household_id"].implode())
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
    """`links` with the rows of `found` (idx, _member) in the member's person, linked by case
    household, and every person's size counted again.

    Only the moved rows are looked up, and the sizes are counted on sorted ids: joining
    every row to `found` and `pl.len().over("person_id")` took +250-450 MB at 2.3 M rows
    (docs/scale.md). Every person is counted, not only those rows moved into: two clusters
    can share an id (two of the 9 M province's), and their rows then get the id's count.
    """
    moved = links["idx"].is_in(found["idx"].implode())
    at = moved.arg_true()
    member = (
        links["idx"].gather(at).to_frame().join(found, on="idx", how="left", maintain_order="left")
    )["_member"]
    person_id = links["person_id"].clone().scatter(at, member)
    return links.with_columns(
        person_id,
        _rows_of_each_id(person_id).cast(links.schema["cluster_size"]).alias("cluster_size"),
        links["link_confidence"].clone().scatter(at, None),
        pl.when(moved)
        .then(pl.lit(BY_CASE_HOUSEHOLD))
        .otherwise(pl.lit(BY_PAIRS))
        .alias("linked_by"),
    )


def _rows_of_each_id(ids: pl.Series) -> pl.Series:
    """Each row's number of rows with its id (`pl.len().over`), counted in runs of the ids
    sorted by their 64-bit hash; sorted by the ids themselves (slower) if two ids share one."""
    hashes = ids.hash()
    order = hashes.arg_sort()
    ordered = ids.gather(order)
    first = ordered.ne_missing(ordered.shift(1)).fill_null(True)
    sorted_hashes = hashes.gather(order)
    if (first & sorted_hashes.eq_missing(sorted_hashes.shift(1))).any():
        order = ids.arg_sort()
        ordered = ids.gather(order)
        first = ordered.ne_missing(ordered.shift(1)).fill_null(True)
    starts = first.to_numpy().copy()
    starts[:1] = True  # the first row starts a run, a null id too
    group = np.cumsum(starts) - 1
    size = np.zeros(len(ids), dtype=np.int64)
    size[order.to_numpy()] = np.bincount(group)[group] if len(ids) else size
    return pl.Series("cluster_size", size)
