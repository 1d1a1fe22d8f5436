"""Shared fixtures: the loaded config and small exports built in the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Config, load_config
from pipeline.state import RunResult


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    """Write rows as CSV text in the given encoding (utf-8-sig adds the BOM)."""
    text = "\n".join(",".join(row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """One run on sample_data/ for the tests that only read what it wrote."""
    from pipeline.run import RunInputs, run

    return run(RunInputs.sample(), out=tmp_path_factory.mktemp("sample-runs"))
