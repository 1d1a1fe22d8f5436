"""Referrals: hardship caused by a case that judicial relief will not cover, for other departments.

Two hand-overs the seed document asks for: households in case-caused hardship that
are not relief leads go to civil affairs (social assistance); victims in case-caused
hardship whose household is not under poverty monitoring go to rural revitalisation
for a monitoring check. Leads where the person is accused in the case, or relief was
already granted, are not referred.
"""

from __future__ import annotations

import polars as pl

from pipeline.leads.minors import MINOR_COLUMN
from pipeline.outputs.masking import mask_id, name_unless_protected

REFERRAL_COLUMNS = (
    "candidate_id",
    "person_id",
    "victim",
    "id_masked",
    "case_id",
    "household_id",
    "department",
    "reason",
    "evidence",
)
_NOT_COVERED = ("full_compensation", "settled_paid", "victim_fault", "waived")
_NOT_REFERRED = ("accused_in_case", "already_relieved")


def _select(frame: pl.DataFrame, department: str, reason: pl.Expr) -> pl.DataFrame:
    # masked when any linked row makes the victim a minor (leads/minors.py)
    victim = name_unless_protected("victim_name", "is_minor", MINOR_COLUMN)
    return frame.select(
        "candidate_id",
        "person_id",
        victim.alias("victim"),
        mask_id("id_number").alias("id_masked"),
        "case_id",
        pl.col("household_id").cast(pl.Utf8),
        pl.lit(department).alias("department"),
        reason.alias("reason"),
        "evidence",
    )


def build_referrals(candidates: pl.DataFrame, excluded: pl.DataFrame) -> pl.DataFrame:
    """Return one row per referral (a lead may yield one of each kind)."""
    parts = []
    caused = pl.col("hardship_caused_by_case")
    if candidates.height:
        parts.append(
            _select(
                candidates.filter(caused & pl.col("monitor_type").is_null()),
                "乡村振兴部门",
                pl.lit("因案致困但家庭未纳入防返贫监测，建议核查是否纳入监测"),
            )
        )
        parts.append(
            _select(
                candidates.filter(caused & pl.col("harm").is_in([None, "slight_injury"])),
                "民政部门",
                pl.lit("因案致困但损害未达司法救助条件，建议给予社会救助"),
            )
        )
    if excluded.height:
        rules = pl.col("exclusion_rules")
        not_covered = excluded.filter(
            caused
            & rules.str.contains("|".join(_NOT_COVERED))
            & ~rules.str.contains("|".join(_NOT_REFERRED))
        )
        parts.append(
            _select(
                not_covered,
                "民政部门",
                pl.lit("因案致困但不符合司法救助条件（")
                + pl.col("exclusions")
                + pl.lit("），建议给予社会救助"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(REFERRAL_COLUMNS, pl.Utf8))
    return pl.concat(parts).unique(
        ["candidate_id", "department"], keep="first", maintain_order=True
    )
