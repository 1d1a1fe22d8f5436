"""Read the deployment's decision history (pipeline/leads/decisions.py), if there is one."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.errors import InputError
from pipeline.leads.decisions import STORE_SCHEMA, empty_history


def read_decision_store(path: Path) -> pl.DataFrame:
    """The history at `path`; an empty one when no decision was ever recorded."""
    if not path.exists():
        return empty_history()
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.ComputeError) as exc:
        raise InputError(f"{path}: the decision history cannot be read ({exc})") from exc
    missing = [c for c in STORE_SCHEMA if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: the decision history lacks columns {missing}")
    return frame.select(STORE_SCHEMA.names()).cast(STORE_SCHEMA)
