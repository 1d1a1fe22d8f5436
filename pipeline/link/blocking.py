"""Candidate pairs: the union of blocking rules, each an equality on one or more columns.

A list column (`place_key`: every place a partial address fits) puts its row in the block
of each of its values.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipeline.config import BlockingSettings

PAIR_SCHEMA = pl.Schema({"idx_l": pl.UInt32, "idx_r": pl.UInt32, "rules": pl.UInt32})
# blocking rules worked on at once (each holds its keys and pairs until the union)
_RULE_THREADS = 2


@dataclass(frozen=True)
class BlockingReport:
    """Per rule: candidate pairs produced and blocks skipped for being too large."""

    pairs_by_rule: dict[str, int]
    oversized_blocks: dict[str, int]
    candidate_pairs: int


def _block_keys(records: pl.DataFrame, columns: tuple[str, ...], link_only: bool) -> pl.DataFrame:
    """Rows with all `columns` non-null, as (idx, key), sorted by key and idx; rows whose
    key no other row can share are left out (they make no pair).

    The key is a 64-bit hash of the columns' values: two different values share one with
    odds of about 1 in 10^7 at provincial size, and then only add a candidate pair that the
    comparisons score like any other.
    """
    key = pl.struct(columns).hash() if len(columns) > 1 else pl.col(columns[0]).hash()
    extra = [pl.col("source").hash().alias("_source")] if link_only else []
    rows = records.lazy()
    # a list column (place_key) blocks on each of its values
    for column in _list_columns(records, columns):
        rows = rows.select("idx", *columns, *(["source"] if link_only else [])).explode(column)
    keyed = (
        rows.filter(pl.all_horizontal(*(pl.col(c).is_not_null() for c in columns)))
        .select("idx", key.alias("_key"), *extra)
        .collect()
    )
    # a key held by one row makes no pair (most rows): drop the rows alone in their bucket
    # of the key's top 24 bits before sorting, cheaper than sorting them or `is_duplicated`
    bucket = (keyed["_key"].to_numpy() >> np.uint64(40)).astype(np.int64)
    shared = np.bincount(bucket, minlength=1 << 24)[bucket] > 1
    return keyed.filter(pl.Series(shared)).sort("_key", "idx")


def _list_columns(records: pl.DataFrame, columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if isinstance(records.schema[c], pl.List)]


def _block_pairs_of_sorted(keys: np.ndarray, max_block: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Positions (left < right) of every pair within blocks of equal sorted keys, and the blocks skipped."""
    n = len(keys)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, 0
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, n])
    oversized = int(np.count_nonzero(sizes > max_block))
    keep = (sizes > 1) & (sizes <= max_block)
    starts, sizes = starts[keep], sizes[keep]
    # every member of a block, with the number of members after it (its partners)
    first = np.cumsum(sizes) - sizes
    member = np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))
    partners = np.repeat(starts + sizes, sizes) - member - 1
    left = np.repeat(member, partners)
    first_pair = np.cumsum(partners) - partners
    right = left + 1 + (np.arange(int(partners.sum())) - np.repeat(first_pair, partners))
    return left, right, oversized


def _pairs_for_rule(
    records: pl.DataFrame, columns: tuple[str, ...], max_block: int, link_only: bool
) -> tuple[pl.DataFrame, int]:
    keyed = _block_keys(records, columns, link_only)
    left, right, oversized = _block_pairs_of_sorted(keyed["_key"].to_numpy(), max_block)
    idx = keyed["idx"].to_numpy()
    # sorted by idx within a block, so idx_l < idx_r
    idx_l, idx_r = idx[left], idx[right]
    if link_only:
        source = keyed["_source"].to_numpy()
        other = source[left] != source[right]
        idx_l, idx_r = idx_l[other], idx_r[other]
    pairs = pl.DataFrame(
        {"idx_l": idx_l, "idx_r": idx_r}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    if _list_columns(records, columns):
        # two rows sharing several values of a list column meet in several blocks
        pairs = pairs.unique()
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

    def rule_pairs(columns: tuple[str, ...]) -> tuple[pl.DataFrame, int]:
        return _pairs_for_rule(records, columns, settings.max_block_size, link_only)

    # two rules at a time: hashing, bucketing and sorting a rule's keys leave the
    # interpreter to polars and numpy most of the time (1.7 -> ~1.1 s at 2 M rows)
    with ThreadPoolExecutor(_RULE_THREADS) as threads:
        results = threads.map(rule_pairs, settings.rules.values())
        for name, (pairs, skipped) in zip(settings.rules, results, strict=True):
            by_rule[name] = pairs.height
            oversized[name] = skipped
            found.append(pairs)
    if found:
        # `rules` is a bit set: bit i is set when the i-th rule proposed the pair; a pair as
        # one 64-bit number (idx_l, idx_r) sorts in the order of (idx_l, idx_r)
        key = np.concatenate(
            [
                (p["idx_l"].to_numpy().astype(np.uint64) << np.uint64(32))
                | p["idx_r"].to_numpy().astype(np.uint64)
                for p in found
            ]
        )
        bits = np.concatenate(
            [np.full(p.height, 1 << bit, dtype=np.uint32) for bit, p in enumerate(found)]
        )
        # one sort, then each run of equal pairs summed (the bits are distinct in a run:
        # a rule proposes a pair once, so the sum is exact, in any order)
        union = pl.DataFrame({"_pair": key, "rules": bits}).sort("_pair")
        pair = union["_pair"].to_numpy()
        first = np.ones(len(pair), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        starts = np.flatnonzero(first)
        rules = np.add.reduceat(union["rules"].to_numpy(), starts)
        pair = pair[starts]
        pairs = pl.DataFrame(
            {
                "idx_l": (pair >> np.uint64(32)).astype(np.uint32),
                "idx_r": (pair & np.uint64(0xFFFFFFFF)).astype(np.uint32),
                "rules": pl.Series(rules, dtype=pl.UInt32),
            }
        )
    else:
        pairs = pl.DataFrame(schema=PAIR_SCHEMA)
    return pairs.cast(PAIR_SCHEMA), BlockingReport(by_rule, oversized, pairs.height)
