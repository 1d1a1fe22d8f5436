"""Compose the linkage stages: records -> candidate pairs -> levels -> weights -> person ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.config import LinkageSettings
from pipeline.link.blocking import BlockingReport, block_pairs, rule_mask
from pipeline.link.cluster import cluster_records
from pipeline.link.compare import compare_pairs
from pipeline.link.model import FittedModel, estimate_u, fit_model, score_pairs


@dataclass(frozen=True)
class LinkResult:
    """person_links (one row per record), the scored candidate pairs and what the model learned."""

    links: pl.DataFrame
    pairs: pl.DataFrame
    model: FittedModel
    blocking: BlockingReport

    def summary(self) -> dict[str, Any]:
        return {
            "records": self.links.height,
            "persons": self.links["person_id"].n_unique(),
            "candidate_pairs": self.blocking.candidate_pairs,
            "pairs_by_rule": self.blocking.pairs_by_rule,
            "oversized_blocks": self.blocking.oversized_blocks,
            "em_iterations": self.model.iterations,
            "match_share": round(self.model.match_share, 5),
        }


def name_frequencies(records: pl.DataFrame) -> dict[str, float]:
    """Share of records bearing each normalised name (for term-frequency adjustment)."""
    counts = records.drop_nulls("name_norm").group_by("name_norm").len()
    total = max(int(counts["len"].sum()), 1)
    return dict(zip(counts["name_norm"].to_list(), (counts["len"] / total).to_list(), strict=True))


def link_people(records: pl.DataFrame, settings: LinkageSettings) -> LinkResult:
    """Link the records of all sources into persons."""
    pairs, blocking = block_pairs(records, settings.blocking)
    gammas = compare_pairs(pairs, records, settings.lookalike_groups)
    u = estimate_u(records, settings.model, settings.lookalike_groups)
    masks = [rule_mask(settings.blocking, s.blocked_on) for s in settings.model.training]
    model = fit_model(gammas, u, settings.model, masks)
    frequency = name_frequencies(records) if settings.model.name_tf_adjustment else None
    scored = score_pairs(gammas, model, frequency)
    links = cluster_records(
        records, scored, settings.clustering.link_threshold, settings.clustering.vetoes
    )
    return LinkResult(links=links, pairs=scored, model=model, blocking=blocking)
