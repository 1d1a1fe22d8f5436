"""One Prefect test server for every flow test: starting one costs ~18 s on this machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.settings import PREFECT_LOCAL_STORAGE_PATH, temporary_settings
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where Prefect pickles what it keeps on disk in the tests (not the project's .prefect/)."""
    return tmp_path_factory.mktemp("prefect-storage")


@pytest.fixture(scope="session")
def prefect_server(prefect_storage: Path) -> Iterator[None]:
    """A temporary Prefect API on a fresh database, shared by the session's flow runs."""
    with (
        temporary_settings(updates={PREFECT_LOCAL_STORAGE_PATH: prefect_storage}),
        prefect_test_harness(server_startup_timeout=120),
    ):
        yield
