"""What the linked data adds: leads per contributing source, and leads that exist only through links.

The seed county found 2 of its 26 relief cases through other departments. This
summary shows, per run, how many leads the monitoring export and the petitions
contributed evidence to, and how many reach the 高 or 中 tier only because rows
of those sources were linked to the victim.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from pipeline.config import Config
from pipeline.leads.score import lead_tiers

# Evidence that only reaches a lead through cross-source links.
_LINKED_COLUMNS = {
    "household_id": None,
    "monitor_type": None,
    "household_type": None,
    "risk_type": None,
    "risk_cleared": None,
    "risk_identified": None,
    "income_per_capita": None,
    "any_disabled_or_ill": None,
    "any_no_labour": None,
    "members": None,
    "household_rows": None,
    "pet_hardship": False,
    "pet_medical": False,
    "pet_non_payment": False,
    "pet_relief_request": False,
    "pet_other_hardship": False,
}
_WORTH_REVIEWING = ("高", "中")


def cases_only(leads: pl.DataFrame) -> pl.DataFrame:
    """The same leads as if the case-party list had been read alone."""
    present = {c: v for c, v in _LINKED_COLUMNS.items() if c in leads.columns}
    out = leads.with_columns(pl.lit(v, dtype=leads.schema[c]).alias(c) for c, v in present.items())
    if "petition_rows" in out.columns:
        out = out.with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("petition_rows"))
    return out


def lead_source_summary(
    leads: pl.DataFrame, candidates: pl.DataFrame, config: Config
) -> dict[str, Any]:
    """Counts only (no personal data): safe for manifests, logs and Prefect artifacts."""
    if candidates.is_empty():
        return {"leads": 0}
    # an excluded lead has no tier, as it has none in the ranked list
    alone = lead_tiers(cases_only(leads), config).filter(~pl.col("excluded"))
    worth = pl.col("tier").is_in(_WORTH_REVIEWING)
    raised = worth & ~pl.col("tier_alone").is_in(_WORTH_REVIEWING).fill_null(False)
    sources = pl.col("sources")
    counts = (
        candidates.select("person_id", "case_id", "tier", "sources")
        .join(
            alone.select("person_id", "case_id", pl.col("tier").alias("tier_alone")),
            on=["person_id", "case_id"],
            how="left",
        )
        .select(
            worth.sum().alias("worth"),
            sources.str.contains("poverty", literal=True).sum().alias("poverty"),
            sources.str.contains("petitions", literal=True).sum().alias("petitions"),
            raised.sum().alias("raised"),
            *((raised & (pl.col("tier") == t)).sum().alias(t) for t in _WORTH_REVIEWING),
        )
        .row(0, named=True)
    )
    return {
        "leads": candidates.height,
        "leads_high_or_medium": counts["worth"],
        "with_poverty_evidence": counts["poverty"],
        "with_petition_evidence": counts["petitions"],
        "high_or_medium_only_through_links": counts["raised"],
        "high_or_medium_only_through_links_by_tier": {t: counts[t] for t in _WORTH_REVIEWING},
    }


def lead_source_markdown(summary: dict[str, Any]) -> str:
    if not summary.get("leads"):
        return "## 线索来源 / Lead sources\n\nNo leads in this run.\n"
    return (
        "## 线索来源 / Lead sources\n\n"
        "| | leads |\n|---|---:|\n"
        f"| all leads | {summary['leads']} |\n"
        f"| 高 or 中 | {summary['leads_high_or_medium']} |\n"
        f"| with evidence from 防返贫监测 | {summary['with_poverty_evidence']} |\n"
        f"| with evidence from 信访 | {summary['with_petition_evidence']} |\n"
        f"| 高 or 中 only because of linked rows | {summary['high_or_medium_only_through_links']} |\n"
    )
