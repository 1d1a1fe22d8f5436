"""Referrals: hardship caused by a case that judicial relief will not cover, for other departments.

Two hand-overs the seed document asks for: households in case-caused hardship that
are not relief leads go to civil affairs (social assistance); victims in hardship
whose household is not under poverty monitoring go to rural revitalisation for a
monitoring check.
"""

from __future__ import annotations

import polars as pl

REFERRAL_COLUMNS = (
    "candidate_id", "person_id", "case_id", "household_id", "department", "reason", "evidence",
)
_NOT_COVERED = ("full_compensation", "settled_paid", "victim_fault")


def build_referrals(candidates: pl.DataFrame, excluded: pl.DataFrame) -> pl.DataFrame:
    """Return one row per referral (a lead may yield one of each kind)."""
    parts = []
    if candidates.height:
        unmonitored = candidates.filter(
            pl.col("has_hardship_evidence") & pl.col("monitor_type").is_null()
        )
        parts.append(
            unmonitored.select(
                "candidate_id", "person_id", "case_id", "household_id",
                pl.lit("乡村振兴部门").alias("department"),
                pl.lit("因案致困但家庭未纳入防返贫监测，建议核查是否纳入监测").alias("reason"),
                "evidence",
            )
        )
        weak_harm = candidates.filter(pl.col("has_hardship_evidence") & pl.col("harm").is_in([None, "slight_injury"]))
        parts.append(
            weak_harm.select(
                "candidate_id", "person_id", "case_id", "household_id",
                pl.lit("民政部门").alias("department"),
                pl.lit("家庭困难但案件损害未达司法救助条件，建议给予社会救助").alias("reason"),
                "evidence",
            )
        )
    if excluded.height:
        not_covered = excluded.filter(
            pl.col("has_hardship_evidence")
            & pl.col("exclusion_rules").str.contains("|".join(_NOT_COVERED))
        )
        parts.append(
            not_covered.select(
                "candidate_id", "person_id", "case_id", "household_id",
                pl.lit("民政部门").alias("department"),
                (pl.lit("家庭困难但不符合司法救助条件（") + pl.col("exclusions") + pl.lit("），建议给予社会救助")).alias("reason"),
                "evidence",
            )
        )
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(REFERRAL_COLUMNS, pl.Utf8))
    return pl.concat([p.cast({"household_id": pl.Utf8}) for p in parts]).unique(
        ["candidate_id", "department"], keep="first", maintain_order=True
    )
