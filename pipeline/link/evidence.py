"""The evidence order: which pairs link whatever their weight, which never do, which wait for a person.

The model weighs evidence; a few combinations of levels decide on their own
(schemas/linkage.yaml, clustering; docs/linkage.md §5):

- `decisive` — a pair at one of the listed levels of *every* listed comparison (in the
  Chinese config: the same valid ID number and a compatible name) links whatever its
  probability, and no soft veto or `cannot_link_below` keeps it apart;
- `vetoes` — soft: a pair at one of these levels does not link unless it is decisive;
- `lift_vetoes` — soft vetoes lifted where other comparisons agree (a name one character
  apart behind ID numbers one typing slip apart): the model weighs the pair;
- `hard_vetoes` — contradictions that cannot be typing slips: nothing overrides them (the
  `distinct` columns are hard too, in clustering);
- `review` — a pair at one of the listed levels of every listed comparison (the same valid
  ID under a clearly different name) is left to a person: it does not link, and it is
  written to link_review.csv whatever its probability.
"""

from __future__ import annotations

from functools import reduce

import polars as pl

from pipeline.config import ClusteringSettings

Levels = dict[str, tuple[str, ...]]


def at_any_level(listed: Levels, levels: Levels) -> pl.Expr:
    """Pairs at any of the `listed` levels ({comparison: level names}); False when none are listed."""
    at = pl.lit(False)
    for comparison, names in listed.items():
        codes = [levels[comparison].index(level) for level in names]
        at = at | pl.col(f"gamma_{comparison}").is_in(codes)
    return at


def at_every_comparison(listed: Levels, levels: Levels) -> pl.Expr:
    """Pairs at one of the listed levels of every listed comparison; False when none are listed."""
    if not listed:
        return pl.lit(False)
    terms = [at_any_level({name: names}, levels) for name, names in listed.items()]
    return reduce(lambda a, b: a & b, terms)


def decisive(settings: ClusteringSettings, levels: Levels) -> pl.Expr:
    """Pairs the evidence order links whatever the model and the soft vetoes say."""
    return at_every_comparison(settings.decisive, levels) & ~at_any_level(
        settings.hard_vetoes, levels
    )


def soft_vetoed(settings: ClusteringSettings, levels: Levels) -> pl.Expr:
    """Pairs at a soft veto that no `lift_vetoes` rule lifts (decisive pairs aside)."""
    vetoed = pl.lit(False)
    for comparison, names in settings.vetoes.items():
        lifted = pl.lit(False)
        for lift in settings.lift_vetoes:
            if comparison in lift.vetoes:
                lifted = lifted | (
                    at_any_level({comparison: lift.vetoes[comparison]}, levels)
                    & at_every_comparison(lift.where, levels)
                )
        vetoed = vetoed | (at_any_level({comparison: names}, levels) & ~lifted)
    return vetoed


def allowed(settings: ClusteringSettings, levels: Levels) -> pl.Expr:
    """Pairs that may link: at no hard veto, and at no soft veto unless lifted or decisive."""
    soft = soft_vetoed(settings, levels)
    hard = at_any_level(settings.hard_vetoes, levels)
    return (~soft | at_every_comparison(settings.decisive, levels)) & ~hard


def left_for_review(settings: ClusteringSettings, levels: Levels) -> pl.Expr:
    """Pairs the evidence order leaves to a person (`review`)."""
    return at_every_comparison(settings.review, levels)


def with_review_in_band(
    scored: pl.DataFrame, settings: ClusteringSettings, levels: Levels
) -> pl.DataFrame:
    """`scored` with the probability of the pairs left for review put inside `review_band`.

    link_review.csv lists the pairs whose probability lies in the band; a pair the evidence
    order leaves to a person belongs there whatever the model said (the model's own
    probability stays in `pair_probability`). Call after clustering: the link decisions
    and link_confidence read the probabilities before.
    """
    if not settings.review or scored.is_empty():
        return scored
    low, high = settings.review_band
    if "pair_probability" not in scored.columns:
        scored = scored.with_columns(pl.col("match_probability").alias("pair_probability"))
    review = left_for_review(settings, levels)
    return scored.with_columns(
        pl.when(review)
        .then(pl.col("match_probability").clip(low, high))
        .otherwise(pl.col("match_probability"))
        .alias("match_probability")
    )
