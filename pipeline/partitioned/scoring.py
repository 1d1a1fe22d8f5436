"""Score leads slice by slice on the workers, rank them as one list on the driver.

Each lead is scored from its own row (`score_leads` reads no other lead), so any slice of
leads scores as the whole would; only the rank looks across leads. Slices are contiguous runs of the leads,
so the excluded leads, concatenated in slice order, come out in the single run's order,
and `rank_candidates` ranks the candidates of every slice together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl

from pipeline.config import Config
from pipeline.leads.score import rank_candidates, score_leads
from pipeline.link.partition import MapFn

SCORING_DIR = "leads"


@dataclass(frozen=True)
class LeadSlice:
    path: str
    candidates: str
    excluded: str
    leads: int


def score_in_slices(
    leads: pl.DataFrame,
    config: Config,
    work: Path,
    map_fn: MapFn = map,
    slices: int = 0,
    today: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`score_leads`, its slices run by `map_fn`: (candidates ranked, excluded).

    Args:
        slices: how many; 0 for one per `lead_slice_rows` leads (schemas/partitioning.yaml).
    """
    today = today or date.today()
    folder = Path(work) / SCORING_DIR
    folder.mkdir(parents=True, exist_ok=True)
    size = config.partitioning.lead_slice_rows
    if slices:
        size = max(1, -(-leads.height // slices))
    items = []
    for i, start in enumerate(range(0, max(leads.height, 1), size)):
        path = folder / f"leads-{i:04d}.parquet"
        part = leads.slice(start, size)
        part.write_parquet(path)
        stem = path.with_suffix("")
        items.append(
            LeadSlice(
                str(path), f"{stem}.candidates.parquet", f"{stem}.excluded.parquet", part.height
            )
        )
    done = list(map_fn(partial(score_slice, config=config, today=today), items))
    candidates = pl.concat([pl.read_parquet(s.candidates) for s in done], how="diagonal_relaxed")
    excluded = pl.concat([pl.read_parquet(s.excluded) for s in done], how="diagonal_relaxed")
    return rank_candidates(candidates, config.scoring), excluded


def score_slice(item: LeadSlice, config: Config, today: date) -> LeadSlice:
    """Score one slice of leads (on a worker); write its candidates and exclusions beside it."""
    candidates, excluded = score_leads(pl.read_parquet(item.path), config, today)
    candidates.write_parquet(item.candidates)
    excluded.write_parquet(item.excluded)
    return item
