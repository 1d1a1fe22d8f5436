"""Write the deployment's decision history next to the run folders, atomically."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl


def write_decision_store(path: Path, history: pl.DataFrame) -> None:
    """Replace the history in one rename: a crash leaves the old one whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    history.write_parquet(partial)
    os.replace(partial, path)
