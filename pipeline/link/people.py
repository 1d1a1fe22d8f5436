"""Compose the linkage stages: records -> candidate pairs -> levels -> weights -> person ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.config import LinkageSettings
from pipeline.link.blocking import BlockingReport, block_pairs, rule_mask
from pipeline.link.cluster import cluster_records, share_among_rivals
from pipeline.link.compare import compare_pairs, shape_key
from pipeline.link.evidence import with_review_in_band
from pipeline.link.model import (
    ALL_PAIRS,
    FittedModel,
    estimate_u,
    fit_model,
    score_pairs,
    term_frequency_adjustment,
)
from pipeline.link.places import with_place_keys
from pipeline.link.relatives import join_relatives_through_case
from pipeline.normalise.names import pinyin_sound


@dataclass(frozen=True)
class LinkResult:
    """person_links (one row per record), the scored candidate pairs and what the model learned."""

    links: pl.DataFrame
    pairs: pl.DataFrame
    model: FittedModel
    blocking: BlockingReport

    def summary(self) -> dict[str, Any]:
        return linkage_counts(self.links, self.blocking, self.model.iterations) | {
            "prior_by_pair_group": {k: float(f"{v:.4g}") for k, v in self.model.priors.items()},
        }


def linkage_counts(
    links: pl.DataFrame, blocking: BlockingReport, iterations: int
) -> dict[str, Any]:
    """The counts every linkage result reports in the manifest (no personal data)."""
    return {
        "records": links.height,
        "persons": links["person_id"].n_unique(),
        "candidate_pairs": blocking.candidate_pairs,
        "pairs_by_rule": blocking.pairs_by_rule,
        "oversized_blocks": blocking.oversized_blocks,
        "em_iterations": iterations,
        "rows_linked_by": (
            dict(links["linked_by"].value_counts().sort("linked_by").iter_rows())
            if "linked_by" in links.columns
            else {}
        ),
    }


def pair_groups(
    gammas: pl.DataFrame, records: pl.DataFrame, settings: LinkageSettings
) -> tuple[pl.Series, dict[str, int]]:
    """Each pair's prior group ("a|b" of its records' `prior_by` values) and the record pairs in each group."""
    column = settings.model.prior_by
    link_only = settings.link_type == "link_only"
    if column is None and not link_only:
        n = records.height
        return pl.Series("prior_group", [ALL_PAIRS] * gammas.height, dtype=pl.Utf8), {
            ALL_PAIRS: n * (n - 1) // 2
        }
    column = column or "source"
    value = records[column].cast(pl.Utf8).fill_null("")
    left = value.gather(gammas["idx_l"])
    right = value.gather(gammas["idx_r"])
    frame = pl.DataFrame({"l": left, "r": right})
    group = frame.select(
        pl.concat_str(
            pl.min_horizontal("l", "r"), pl.max_horizontal("l", "r"), separator="|"
        ).alias("prior_group")
    ).to_series()
    sizes = value.value_counts(name="n")
    counts = dict(zip(sizes[value.name].to_list(), sizes["n"].to_list(), strict=True))
    totals: dict[str, int] = {}
    keys = sorted(counts)
    for i, a in enumerate(keys):
        for b in keys[i:]:
            if a == b and link_only:
                continue
            totals[f"{a}|{b}"] = (
                counts[a] * (counts[a] - 1) // 2 if a == b else counts[a] * counts[b]
            )
    return group, totals


def with_name_keys(records: pl.DataFrame, settings: LinkageSettings) -> pl.DataFrame:
    """Add the name keys the config declares: `name_shape` (look-alike characters folded,
    from `lookalike_groups`) and `name_sound` (confusable pinyin folded, `sound_alike`)."""
    if settings.lookalike_groups and "name_norm" in records.columns:
        records = records.with_columns(
            shape_key("name_norm", settings.lookalike_groups).alias("name_shape")
        )
    if settings.sound_alike and "name_pinyin" in records.columns:
        sound = settings.sound_alike
        records = records.with_columns(
            pinyin_sound("name_pinyin", sound.initials, sound.finals).alias("name_sound")
        )
    return records


def link_people(records: pl.DataFrame, settings: LinkageSettings) -> LinkResult:
    """Link the records of all sources into persons."""
    link_only = settings.link_type == "link_only"
    given = set(records.columns)
    records = with_place_keys(with_name_keys(records, settings), settings.place_keys)
    pairs, blocking = block_pairs(records, settings.blocking, link_only)
    tf_columns = tuple(
        sorted({tf.column for s in settings.comparisons.values() for tf in s.term_frequency})
    )
    gammas = compare_pairs(
        pairs, records, settings.comparisons, settings.lookalike_groups, keep=tf_columns
    )
    groups, totals = pair_groups(gammas, records, settings)
    gammas = gammas.with_columns(groups)
    u = estimate_u(records, settings)
    adjustments, adjustment = term_frequency_adjustment(gammas, records, settings, u)
    # the name and place keys serve blocking and comparing only: let them go before the model
    # and the clustering, whose peak they would otherwise ride on (~0.5 GB at 2 M rows)
    records = records.drop([c for c in records.columns if c not in given])
    masks = [rule_mask(settings.blocking, s.blocked_on) for s in settings.model.training]
    model = fit_model(gammas, u, settings, masks, totals, adjustment)
    scored = score_pairs(gammas, model, adjustments)
    if settings.clustering.share_among_rivals:
        scored = share_among_rivals(scored, records, settings.clustering, settings.level_names())
    links = cluster_records(records, scored, settings.clustering, settings.level_names())
    links = join_relatives_through_case(records, links, settings.clustering.relatives_through_case)
    scored = with_review_in_band(scored, settings.clustering, settings.level_names())
    return LinkResult(links=links, pairs=scored, model=model, blocking=blocking)
