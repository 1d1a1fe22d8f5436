"""Only flows/ may import Prefect: the library and the command line run without it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from flows.schedule import PROJECT_ROOT


@pytest.mark.parametrize(
    "modules",
    [
        "pipeline",
        "pipeline.run",
        "pipeline.cli",
        "pipeline.link.partition",
        "pipeline.partitioned.run",
    ],
)
def test_pipeline_does_not_import_prefect(modules: str) -> None:
    code = (
        f"import sys, {modules}; "
        "assert 'prefect' not in sys.modules, sorted(m for m in sys.modules if 'prefect' in m); "
        "assert 'distributed' not in sys.modules and 'dask' not in sys.modules"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_project_prefect_settings_apply_from_the_project_root() -> None:
    code = (
        "from prefect.settings import get_current_settings; s = get_current_settings(); "
        "print(s.server.ephemeral.startup_timeout_seconds, s.server.analytics_enabled, "
        "s.home, s.results.persist_by_default, s.tasks.default_no_cache)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["120", "False", ".prefect", "False", "True"]
