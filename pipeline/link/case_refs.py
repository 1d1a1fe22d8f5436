"""Case references: which case a row's `case_ref` (原案号, 涉及案件) names.

A reference names a case by its number (部门受案号), or by its name (马某等故意伤害案)
when one case holds that name; `case_names` is that rule, for the linkage table here and
for the lead list (pipeline/leads/build.py). A name several cases share is told apart by
what each caller knows: the linkage table by the name of a party of one of them
(`party_case_lookup`), the lead list by who the row is about.
"""

from __future__ import annotations

import polars as pl

_CASE_NAMES_SCHEMA = {"case_text": pl.Utf8, "case_id": pl.Utf8, "case_named_by_several": pl.Boolean}


def case_names(cases: pl.DataFrame) -> pl.DataFrame:
    """Every text that names a case of `cases` (case_id, case_name as matched).

    Returns:
        (case_text, case_id, case_named_by_several): a row per case number, and a row per
        (case name, case) for a name that is no case's number; `case_named_by_several`
        where two or more cases hold that name.
    """
    ids = cases.select("case_id").drop_nulls().unique()
    by_id = ids.select(
        pl.col("case_id").alias("case_text"),
        "case_id",
        pl.lit(False).alias("case_named_by_several"),
    )
    by_name = (
        cases.select(pl.col("case_name").alias("case_text"), "case_id")
        .drop_nulls()
        .unique()
        .with_columns((pl.len().over("case_text") > 1).alias("case_named_by_several"))
        .join(by_id, on="case_text", how="anti")
    )
    return pl.concat([by_id, by_name]).cast(pl.Schema(_CASE_NAMES_SCHEMA))


def case_text(column: str) -> pl.Expr:
    """A case number or name as the linkage table matches it: NFKC, no spaces, [] brackets."""
    return (
        pl.col(column)
        .cast(pl.Utf8)
        .str.normalize("NFKC")
        .str.replace_all(r"\s+", "")
        .str.replace_all(r"[〔【]", "[")
        .str.replace_all(r"[〕】]", "]")
        .replace("", None)
    )


def case_lookup(cases: pl.DataFrame | None) -> pl.DataFrame:
    """(_case_text, case_key): text that names one case (its number, or a name held by one
    case) -> the case's number as `case_text` writes it."""
    schema = {"_case_text": pl.Utf8, "case_key": pl.Utf8}
    if cases is None or "case_id" not in cases.columns:
        return pl.DataFrame(schema=schema)
    name = case_text("case_name") if "case_name" in cases.columns else pl.lit(None, dtype=pl.Utf8)
    named = case_names(cases.select(case_text("case_id").alias("case_id"), name.alias("case_name")))
    return named.filter(~pl.col("case_named_by_several")).select(
        pl.col("case_text").alias("_case_text"), pl.col("case_id").alias("case_key")
    )


def party_case_lookup(cases: pl.DataFrame | None) -> pl.DataFrame:
    """(case name held by several cases, party name) -> case_key, where the pair names one case.

    Two cases can share a name (李某交通肇事案); a relief or petition row that names one of
    them is about the case in which a party has the row's name.
    """
    schema = {"_case_text": pl.Utf8, "name_norm": pl.Utf8, "_party_case": pl.Utf8}
    needed = {"case_id", "case_name", "name_norm"}
    if cases is None or not needed <= set(cases.columns):
        return pl.DataFrame(schema=schema)
    parties = (
        cases.select(
            case_text("case_name").alias("_case_text"),
            "name_norm",
            case_text("case_id").alias("_party_case"),
        )
        .drop_nulls()
        .unique()
    )
    shared = parties.group_by("_case_text").agg(pl.col("_party_case").n_unique().alias("_n"))
    return (
        parties.join(shared.filter(pl.col("_n") > 1), on="_case_text", how="semi")
        .filter(pl.len().over("_case_text", "name_norm") == 1)
        .cast(pl.Schema(schema))
    )


def with_case_key(
    frame: pl.DataFrame, source: str, lookup: pl.DataFrame, by_party: pl.DataFrame
) -> pl.DataFrame:
    """`frame` with `case_key`: a case row's own number; else the case its `case_ref` names
    (`lookup`), or, for a name several cases share, the one a party of its name is in
    (`by_party`); null when none."""
    if source == "cases" and "case_id" in frame.columns:
        return frame.with_columns(case_text("case_id").alias("case_key"))
    if "case_ref" not in frame.columns or lookup.is_empty():
        return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("case_key"))
    keyed = frame.with_columns(case_text("case_ref").alias("_case_text")).join(
        lookup, on="_case_text", how="left"
    )
    if by_party.is_empty() or "name_norm" not in keyed.columns:
        return keyed.drop("_case_text")
    return (
        keyed.join(by_party, on=["_case_text", "name_norm"], how="left")
        .with_columns(pl.coalesce("case_key", "_party_case").alias("case_key"))
        .drop("_case_text", "_party_case")
    )
