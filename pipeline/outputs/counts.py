"""The counts of a run, per stage: what the manifest, summary.md, the analysts' run report and
the Prefect artifacts show. Counts only: no name, ID number or phone can reach them.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import polars as pl

from pipeline.config import Config
from pipeline.leads.minors import MINOR_COLUMN
from pipeline.state import CompletedRun


def run_counts(run: CompletedRun, config: Config) -> dict[str, Any]:
    """Counts per stage: rows, persons, leads per tier and legal element, exclusions, referrals."""
    scored, validated, sources = run.scored, run.validated, run.ingested.sources
    candidates, excluded = scored.candidates, scored.excluded
    return {
        "rows_read": {n: sum(r.rows_read for r in s.files) for n, s in sources.items()},
        "rows_accepted": {n: sum(r.rows_accepted for r in s.files) for n, s in sources.items()},
        "rows_quarantined": {n: v.quarantined.height for n, v in validated.checked.items()},
        "rows_filtered_out": validated.filtered_out,
        "linkage": run.linked.result.summary(),
        "leads": candidates.height,
        "leads_by_tier": _by_tier(candidates, config),
        "leads_by_element": leads_by_element(candidates),
        "leads_new": int(candidates["is_new"].sum()) if candidates.height else 0,
        "leads_excluded": excluded.height,
        "exclusions": _exclusions(excluded),
        "referrals": scored.referrals.height,
        "minors_masked": _minors_masked(candidates, excluded),
        "reviews": scored.review_counts,
        "leads_cross_source": int(candidates["cross_source"].sum()) if candidates.height else 0,
        "lead_sources": scored.lead_sources,
        "expectations_sampled": validated.expectations_sampled,
        "validation": {name: r.describe() for name, r in validated.results.items()},
        "funnel": lead_funnel(run),
        "leads_by_source": leads_by_source(candidates, config),
        "link_confidence": link_confidence(run, config.pipeline.link_confidence_bins),
    }


def _minors_masked(candidates: pl.DataFrame, excluded: pl.DataFrame) -> dict[str, int]:
    """Leads (ranked and excluded) whose victim is shown as a minor, and how many of them only
    because another source's row says so (the sources disagree: privacy wins)."""
    frames = [f for f in (candidates, excluded) if f.height and MINOR_COLUMN in f.columns]
    if not frames:
        return {"leads": 0, "by_another_row_only": 0}
    minors = pl.concat([f.select("is_minor", MINOR_COLUMN) for f in frames])
    return {
        "leads": int(minors[MINOR_COLUMN].sum()),
        "by_another_row_only": int((minors[MINOR_COLUMN] & ~minors["is_minor"]).sum()),
    }


def _by_tier(candidates: pl.DataFrame, config: Config) -> dict[str, int]:
    """Leads per tier in the order of scoring.yaml, every tier named (0 when empty)."""
    counted = dict(candidates["tier"].value_counts().iter_rows()) if candidates.height else {}
    return {tier: int(counted.get(tier, 0)) for tier in config.scoring.tiers}


def _exclusions(excluded: pl.DataFrame) -> list[dict[str, Any]]:
    """Excluded leads per exclusion rule, most frequent first."""
    if not excluded.height:
        return []
    return (
        excluded["exclusion_rules"]
        .str.split(",")
        .explode()
        .value_counts()
        .sort(["count", "exclusion_rules"], descending=[True, False])
        .to_dicts()
    )


_ELEMENTS = {"harm": "伤害", "compensation": "赔偿", "hardship": "困难"}


def leads_by_element(candidates: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Per legal element, how many leads have it met (✓), unclear (?) or missing (✗)."""
    out: dict[str, dict[str, int]] = {}
    for column, name in _ELEMENTS.items():
        status = f"{column}_status"
        counted = (
            dict(candidates[status].value_counts().iter_rows())
            if candidates.height and status in candidates.columns
            else {}
        )
        out[name] = {mark: int(counted.get(mark, 0)) for mark in ("✓", "?", "✗")}
    return out


def lead_funnel(run: CompletedRun) -> dict[str, int]:
    """Rows -> persons -> victims -> leads -> ranked (per tier, in leads_by_tier) -> excluded."""
    scored, sources = run.scored, run.ingested.sources
    leads = scored.leads
    return {
        "rows_read": sum(r.rows_read for s in sources.values() for r in s.files),
        "rows_accepted": sum(r.rows_accepted for s in sources.values() for r in s.files),
        "persons": int(run.linked.result.links["person_id"].n_unique()),
        "victims": int(leads["person_id"].n_unique()) if leads.height else 0,
        "leads": leads.height,
        "leads_ranked": scored.candidates.height,
        "leads_excluded": scored.excluded.height,
    }


def leads_by_source(candidates: pl.DataFrame, config: Config) -> dict[str, dict[str, int]]:
    """Per source (by its label), the ranked leads with evidence from it, per tier."""
    if candidates.is_empty():
        return {}
    labels = config.source_labels()
    exploded = candidates.select("tier", pl.col("sources").str.split("+")).explode("sources")
    counted = exploded.group_by("sources", "tier").len()
    out: dict[str, dict[str, int]] = {}
    for source in labels:
        rows = counted.filter(pl.col("sources") == source)
        if rows.height:
            by_tier = dict(rows.select("tier", "len").iter_rows())
            out[labels[source]] = {t: int(by_tier.get(t, 0)) for t in config.scoring.tiers}
    return out


def link_confidence(run: CompletedRun, bins: tuple[float, ...]) -> dict[str, Any]:
    """How sure the linker was: rows of persons with more than one row, by confidence band;
    rows alone (nothing to link) and rows joined through a case household (no confidence)."""
    links = run.linked.result.links
    linked = links.filter(pl.col("cluster_size") > 1)
    scored_rows = linked.filter(pl.col("link_confidence").is_not_null())
    edges = [0.0, *bins, 1.0]
    bands = []
    for i, (low, high) in enumerate(pairwise(edges)):
        last = i == len(edges) - 2
        inside = (pl.col("link_confidence") >= low) & (
            (pl.col("link_confidence") <= high) if last else (pl.col("link_confidence") < high)
        )
        bands.append({"band": f"{low:g}–{high:g}", "rows": scored_rows.filter(inside).height})
    return {
        "bands": bands,
        "rows_alone": links.height - linked.height,
        "rows_without_confidence": linked.height - scored_rows.height,
    }
