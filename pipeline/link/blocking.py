"""Candidate pairs: the union of blocking rules, each an equality on one or more columns."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.config import BlockingSettings

PAIR_SCHEMA = pl.Schema({"idx_l": pl.UInt32, "idx_r": pl.UInt32, "rules": pl.UInt32})


@dataclass(frozen=True)
class BlockingReport:
    """Per rule: candidate pairs produced and blocks skipped for being too large."""

    pairs_by_rule: dict[str, int]
    oversized_blocks: dict[str, int]
    candidate_pairs: int


def _pairs_for_rule(
    records: pl.DataFrame, columns: tuple[str, ...], max_block: int, link_only: bool
) -> tuple[pl.DataFrame, int]:
    extra = ["source"] if link_only else []
    keyed = records.select("idx", *extra, *columns).drop_nulls(list(columns))
    keyed = keyed.with_columns(pl.len().over(list(columns)).alias("_block_size"))
    oversized = keyed.filter(pl.col("_block_size") > max_block).select(columns).n_unique()
    keyed = keyed.filter((pl.col("_block_size") > 1) & (pl.col("_block_size") <= max_block))
    keyed = keyed.drop("_block_size")
    joined = keyed.join(keyed, on=list(columns), suffix="_r").filter(
        pl.col("idx") < pl.col("idx_r")
    )
    if link_only:
        joined = joined.filter(pl.col("source") != pl.col("source_r"))
    pairs = joined.select(pl.col("idx").alias("idx_l"), "idx_r")
    return pairs, oversized


def rule_mask(settings: BlockingSettings, names: tuple[str, ...]) -> int:
    """Bit set of the named rules, to select the pairs they proposed."""
    order = list(settings.rules)
    return sum(1 << order.index(n) for n in names)


def block_pairs(
    records: pl.DataFrame, settings: BlockingSettings, link_only: bool = False
) -> tuple[pl.DataFrame, BlockingReport]:
    """Return distinct candidate pairs (idx_l < idx_r, with the rules that proposed each).

    With link_only, only pairs of records from different sources (two-file linkage).
    """
    by_rule: dict[str, int] = {}
    oversized: dict[str, int] = {}
    found = []
    for bit, (name, columns) in enumerate(settings.rules.items()):
        pairs, skipped = _pairs_for_rule(records, columns, settings.max_block_size, link_only)
        by_rule[name] = pairs.height
        oversized[name] = skipped
        found.append(pairs.with_columns(pl.lit(1 << bit, dtype=pl.UInt32).alias("rules")))
    if found:
        # `rules` is a bit set: bit i is set when the i-th rule proposed the pair
        pairs = (
            pl.concat(found)
            .group_by("idx_l", "idx_r")
            .agg(pl.col("rules").sum())
            .sort("idx_l", "idx_r")
        )
    else:
        pairs = pl.DataFrame(schema=PAIR_SCHEMA)
    return pairs.cast(PAIR_SCHEMA), BlockingReport(by_rule, oversized, pairs.height)
