"""One lead per (victim person, case), with every linked row that bears on the legal test.

Reads the prepared source frames after linking (each row has `person_id`) and the
facts read from free text. Produces the lead evidence frame that score.py scores:
harm and compensation from the case rows, the household's monitoring status,
petitions by the victim or the household, relief already granted, and the
household members who could apply.
"""

from __future__ import annotations

import polars as pl

from pipeline.coded import decoded
from pipeline.config import ScoringSettings, Vocabulary
from pipeline.link.case_refs import case_names
from pipeline.normalise.dates import parse_date

_COMPENSATION_RANK = {"full": 4, "partial": 3, "unable": 2, "none": 1}
_CASE_NO = r"[\[〔【(（]\d{4}[\]〕】)）]"
_PETITION_FLAGS = (
    "pet_hardship",
    "pet_medical",
    "pet_non_payment",
    "pet_relief_request",
    "pet_other_hardship",
)


def _role_class(roles: dict[str, tuple[str, ...]]) -> pl.Expr:
    expr: pl.Expr = pl.lit(None, dtype=pl.Utf8)
    for cls, words in roles.items():
        expr = (
            pl.when(pl.col("role").str.strip_chars().is_in(words)).then(pl.lit(cls)).otherwise(expr)
        )
    return expr.alias("role_class")


def household_status(poverty: pl.DataFrame) -> pl.DataFrame:
    """One row per household of the monitoring export: category, risk, income, members."""
    income = (
        pl.col("income_per_capita").str.replace_all(r"[,，\s元]", "").cast(pl.Float64, strict=False)
    )
    return (
        poverty.drop_nulls("household_id")
        .with_columns(income.alias("_income"), parse_date("risk_identified").alias("_risk_date"))
        .group_by("household_id")
        .agg(
            pl.col("monitor_type").drop_nulls().first().alias("monitor_type"),
            pl.col("household_type").drop_nulls().first().alias("household_type"),
            pl.col("risk_type").drop_nulls().first().alias("risk_type"),
            pl.col("risk_cleared").drop_nulls().first().alias("risk_cleared"),
            pl.col("_risk_date").drop_nulls().min().alias("risk_identified"),
            pl.col("_income").drop_nulls().min().alias("income_per_capita"),
            pl.col("health")
            .drop_nulls()
            .str.contains("残疾|大病")
            .any()
            .alias("any_disabled_or_ill"),
            pl.col("labour").drop_nulls().str.contains("丧失|无劳动").any().alias("any_no_labour"),
            pl.col("record_key").alias("household_rows"),
            pl.struct("person_id", "name_norm", "relation", "birth").alias("members"),
            pl.col("id_region").drop_nulls().first().alias("region"),
        )
    )


def person_households(poverty: pl.DataFrame, victims: pl.Series | None = None) -> pl.DataFrame:
    """person_id -> household_id (a person in two households keeps the first by row order).

    With `victims`, only the people leads read: the victims and everyone with a row in one of
    their households (each with all their rows, so their first household is the same)."""
    rows = poverty.drop_nulls("household_id")
    if victims is not None:
        theirs = rows.filter(pl.col("person_id").is_in(victims.drop_nulls().implode()))
        members = rows.filter(pl.col("household_id").is_in(theirs["household_id"].implode()))
        person = pl.col("person_id")
        rows = rows.filter(
            person.is_in(members["person_id"].drop_nulls().implode()) | person.is_null()
        )
    return rows.select("person_id", "household_id", "relation", "health", "record_key").unique(
        "person_id", keep="first", maintain_order=True
    )


def person_attributes(
    prepared: dict[str, pl.DataFrame], persons: pl.Series | None = None
) -> pl.DataFrame:
    """Birth date, sex and best name per person from all of that person's rows (trusted IDs first).

    With `persons`, only theirs (each with all their rows, in the same order): the leads
    read a few persons' attributes, and every person's took ~0.4 GB at 2 M rows."""
    columns = ("person_id", "name_norm", "birth", "sex_norm", "id_trusted", "id_norm")
    theirs = pl.col("person_id").is_in(persons.implode()) if persons is not None else pl.lit(True)
    parts = [
        decoded(frame.select(columns).filter(theirs))
        for frame in prepared.values()
        if frame is not None and "person_id" in frame.columns
    ]
    rows = pl.concat(parts)
    return (
        rows.sort("id_trusted", descending=True, nulls_last=True)
        .group_by("person_id")
        .agg(
            pl.col("name_norm").drop_nulls().first().alias("person_name"),
            pl.col("birth").drop_nulls().first().alias("person_birth"),
            pl.col("sex_norm").drop_nulls().first().alias("person_sex"),
            pl.col("id_norm").drop_nulls().first().alias("person_id_number"),
        )
    )


def build_leads(
    prepared: dict[str, pl.DataFrame], scoring: ScoringSettings, vocabulary: Vocabulary
) -> pl.DataFrame:
    """Return one row per (victim person_id, case_id) with the evidence to score it."""
    cases = prepared["cases"].with_columns(_role_class(scoring.roles))
    leads = victim_case_leads(cases.filter(pl.col("role_class") == "victim"), vocabulary)
    leads = _attach_case_parties(leads, cases)
    poverty = prepared.get("poverty")
    households = None
    if poverty is not None and poverty.height:
        households = person_households(poverty, leads.get_column("person_id"))
        leads = leads.join(households.drop("record_key"), on="person_id", how="left")
        # only the victims' households: a few of the export's, and one row each to join
        theirs = pl.col("household_id").is_in(
            leads.get_column("household_id").drop_nulls().implode()
        )
        status = household_status(decoded(poverty.filter(theirs)))
        leads = leads.join(status, on="household_id", how="left")
    attributes = person_attributes(prepared, leads.get_column("person_id").unique())
    leads = leads.join(attributes, on="person_id", how="left")
    connected = _connected_people(leads, households)
    leads = _attach_petitions(leads, prepared.get("petitions"), connected)
    leads = _attach_relief(leads, prepared.get("relief_history"), connected)
    return leads


def victim_case_leads(victims: pl.DataFrame, vocabulary: Vocabulary) -> pl.DataFrame:
    """One row per (victim person_id, case_id): the harm, compensation and case facts of its rows.

    The worst injury of the victim's rows comes first; the best compensation is kept.
    """
    injury_rank = pl.col("fact_injury").replace_strict(
        vocabulary.injury_rank(), default=0, return_dtype=pl.Int8
    )
    comp_rank = pl.col("fact_compensation").replace_strict(
        _COMPENSATION_RANK, default=0, return_dtype=pl.Int8
    )
    return (
        victims.with_columns(
            injury_rank.alias("_inj"),
            comp_rank.alias("_comp"),
            parse_date("accepted").alias("_accepted"),
        )
        .sort("_inj", descending=True)
        .group_by("person_id", "case_id", maintain_order=True)
        .agg(
            pl.col("record_key").alias("case_rows"),
            pl.col("case_name").drop_nulls().first(),
            pl.col("charge").drop_nulls().first(),
            pl.col("_accepted").drop_nulls().min().alias("case_accepted"),
            pl.col("fact_injury").drop_nulls().first().alias("injury"),
            pl.col("fact_death").any().alias("death"),
            pl.col("fact_loss").max().alias("loss"),
            pl.col("fact_compensation")
            .sort_by("_comp", descending=True)
            .drop_nulls()
            .first()
            .alias("compensation"),
            pl.col("fact_forgiveness").drop_nulls().first().alias("forgiveness"),
            pl.col("fact_settlement_paid").drop_nulls().any().alias("settlement_paid"),
            (pl.col("fact_hit_and_run") | pl.col("fact_offender_unknown"))
            .any()
            .alias("offender_unknown"),
            pl.col("fact_victim_fault").any().alias("victim_fault"),
            pl.col("fact_compensation_waived").any().alias("compensation_waived"),
            pl.col("fact_case_hardship").any().alias("case_hardship"),
            pl.col("fact_evidence")
            .drop_nulls()
            .unique()
            .sort()
            .str.join("；")
            .alias("case_evidence"),
        )
    )


def _attach_case_parties(leads: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """`accused_in_case` (the victim is also accused in the case) and the case's `claimants`."""
    accused = (
        cases.filter(pl.col("role_class") == "accused").select("person_id", "case_id").unique()
    )
    leads = leads.join(
        accused.with_columns(pl.lit(True).alias("accused_in_case")),
        on=["person_id", "case_id"],
        how="left",
    ).with_columns(pl.col("accused_in_case").fill_null(False))

    claimants = (
        cases.filter(pl.col("role_class") == "relative_claimant")
        .group_by("case_id")
        .agg(pl.struct("person_id", "name_norm", "record_key").alias("claimants"))
    )
    return leads.join(claimants, on="case_id", how="left")


def _connected_people(leads: pl.DataFrame, households: pl.DataFrame | None) -> pl.DataFrame:
    """(person_id, case_id, other): the victim, the household members and the case's claimants.

    Who may petition about a lead, or may have received relief for it.
    """
    parts = [leads.select("person_id", "case_id", pl.col("person_id").alias("other"))]
    if households is not None and "household_id" in leads.columns:
        parts.append(
            leads.drop_nulls("household_id")
            .select("person_id", "case_id", "household_id")
            .join(
                households.select(pl.col("person_id").alias("other"), "household_id"),
                on="household_id",
            )
            .select("person_id", "case_id", "other")
        )
    parts.append(
        leads.select("person_id", "case_id", "claimants")
        .explode("claimants")
        .drop_nulls("claimants")
        .select(
            "person_id", "case_id", pl.col("claimants").struct.field("person_id").alias("other")
        )
    )
    return pl.concat(parts).unique()


def _attach_petitions(
    leads: pl.DataFrame, petitions: pl.DataFrame | None, connected: pl.DataFrame
) -> pl.DataFrame:
    """Petitions by the victim, a household member or a claimant in the case, about this case or none named."""
    empty = leads.with_columns(
        pl.lit([], dtype=pl.List(pl.Utf8)).alias("petition_rows"),
        *(pl.lit(False).alias(c) for c in _PETITION_FLAGS),
        pl.lit(None, dtype=pl.Utf8).alias("petition_evidence"),
    )
    if petitions is None or petitions.is_empty():
        return empty
    related = (
        pl.col("fact_case_related") if "fact_case_related" in petitions.columns else pl.lit(True)
    )
    pets = petitions.select(
        pl.col("person_id").alias("petitioner"),
        "record_key",
        "case_ref",
        related.alias("case_related"),
        "fact_hardship",
        "fact_medical_costs",
        "fact_non_payment",
        "fact_relief_request",
        "fact_evidence",
    )
    matched = petitions_about_case(
        connected.rename({"other": "petitioner"})
        .join(pets, on="petitioner")
        .join(leads.select("person_id", "case_id", "case_name"), on=["person_id", "case_id"])
    )
    about = pl.col("about_case")
    agg = matched.group_by("person_id", "case_id").agg(
        pl.col("record_key").unique().sort().alias("petition_rows"),
        (pl.col("fact_hardship") & about).any().alias("pet_hardship"),
        (pl.col("fact_medical_costs") & about).any().alias("pet_medical"),
        (pl.col("fact_non_payment") & about).any().alias("pet_non_payment"),
        (pl.col("fact_relief_request") & about).any().alias("pet_relief_request"),
        (pl.col("fact_hardship") & ~about).any().alias("pet_other_hardship"),
        pl.col("fact_evidence")
        .drop_nulls()
        .unique()
        .sort()
        .str.join("；")
        .alias("petition_evidence"),
    )
    out = leads.join(agg, on=["person_id", "case_id"], how="left")
    return out.with_columns(
        pl.col("petition_rows").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
        *(pl.col(c).fill_null(False) for c in _PETITION_FLAGS),
    )


def petitions_about_case(matched: pl.DataFrame) -> pl.DataFrame:
    """Petitions matched to a lead, less those naming another case, with `about_case`.

    A petition is about the lead's case when its `case_ref` is the case's number or holds
    its name (or the name holds the ref), or when it names no case but is about one.
    """
    ref = pl.col("case_ref")
    names_other_case = ref.is_not_null() & ref.str.contains(_CASE_NO) & (ref != pl.col("case_id"))
    names_this_case = ref.is_not_null() & (
        (ref == pl.col("case_id"))
        | (
            pl.col("case_name").is_not_null()
            & (
                ref.str.contains(pl.col("case_name"), literal=True)
                | pl.col("case_name").str.contains(ref, literal=True)
            )
        )
    )
    return matched.filter(~names_other_case).with_columns(
        (names_this_case | (ref.is_null() & pl.col("case_related"))).alias("about_case")
    )


def resolve_case_refs(
    frame: pl.DataFrame, leads: pl.DataFrame, every_case_named: bool = False
) -> pl.DataFrame:
    """Add `case_id` to rows whose `case_ref` names a case of `leads` (`case_names`' rule).

    Relief registers and petitions often write the case's name (马某等故意伤害案) instead of
    its number; a name that fits more than one case is left unresolved, or, with
    `every_case_named`, gives one row per case of that name with `case_named_by_several`
    set (for a caller that can tell them apart by who the row is about).
    """
    named = case_names(leads.select("case_id", "case_name"))
    if not every_case_named:
        named = named.filter(~pl.col("case_named_by_several"))
    resolved = (
        frame.with_columns(pl.col("case_ref").str.strip_chars().alias("case_text"))
        .join(named, on="case_text", how="left")
        .with_columns(pl.col("case_named_by_several").fill_null(False))
        .drop("case_text")
    )
    return resolved if every_case_named else resolved.drop("case_named_by_several")


def _attach_relief(
    leads: pl.DataFrame, relief: pl.DataFrame | None, connected: pl.DataFrame
) -> pl.DataFrame:
    """Relief already granted for this case to the victim or a household member or claimant."""
    if relief is None or relief.is_empty():
        return leads.with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("relief_rows"))
    # a case name two cases share is told apart by the recipient: the victim of one of
    # them, or of their household or claimants
    granted = resolve_case_refs(
        relief.select(pl.col("person_id").alias("recipient"), "case_ref", "record_key"),
        leads,
        every_case_named=True,
    ).drop_nulls("case_id")
    matched = connected.rename({"other": "recipient"}).join(
        granted.drop("case_named_by_several"), on=["recipient", "case_id"]
    )
    granted = granted.filter(~pl.col("case_named_by_several")).drop("case_named_by_several")
    direct = matched.group_by("person_id", "case_id").agg(
        pl.col("record_key").unique().sort().alias("relief_rows")
    )
    # Relief to someone we cannot place (a relative outside the household) still settles a
    # case with one victim; with several victims it is shown for checking, not excluded.
    victims_per_case = leads.group_by("case_id").agg(
        pl.col("person_id").n_unique().alias("_victims")
    )
    for_case = granted.group_by("case_id").agg(
        pl.col("record_key").unique().sort().alias("case_relief_rows")
    )
    out = (
        leads.join(direct, on=["person_id", "case_id"], how="left")
        .join(victims_per_case, on="case_id", how="left")
        .join(for_case, on="case_id", how="left")
    )
    sole_victim = pl.col("_victims") == 1
    return out.with_columns(
        pl.when(pl.col("relief_rows").is_null() & sole_victim)
        .then(pl.col("case_relief_rows"))
        .otherwise(pl.col("relief_rows"))
        .fill_null(pl.lit([], dtype=pl.List(pl.Utf8)))
        .alias("relief_rows"),
        pl.when(pl.col("relief_rows").is_null() & ~sole_victim)
        .then(pl.col("case_relief_rows"))
        .alias("other_relief_rows"),
    ).drop("_victims", "case_relief_rows")
