"""`make serve` tells the operator the one line that points other shells at its server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import flows.serve as serving


def test_make_serve_prints_the_export_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # main() moves to the project root; undone after the test
    monkeypatch.setattr(serving, "is_healthy", lambda url: True)  # a server already answers
    served: list[Any] = []
    monkeypatch.setattr(serving, "serve", lambda *d: served.append(d))
    monkeypatch.setattr(serving, "deployments", lambda: ["nightly", "adhoc"])
    monkeypatch.setattr(serving.signal, "signal", lambda *args: None)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    # the served API: 127.0.0.1:4200, or a test server's when the flow tests run first
    api_url = serving.PREFECT_API_URL.value() or serving.API_URL
    serving.main()
    out = capsys.readouterr().out
    assert f"    export PREFECT_API_URL={api_url}\n" in out
    assert served == [("nightly", "adhoc")]


def test_the_readme_runs_deployments_against_the_served_api() -> None:
    readme = (Path(serving.PROJECT_ROOT) / "README.md").read_text(encoding="utf-8")
    runs = [line for line in readme.splitlines() if "prefect deployment run" in line]
    assert runs
    export = f"export PREFECT_API_URL={serving.API_URL}"
    # every example runs after the export line (or sets the variable itself)
    first_run = readme.index(runs[0])
    assert export in readme[:first_run] or all("PREFECT_API_URL=" in line for line in runs)
    assert "make serve" in readme and "prints" in readme


def test_make_serve_serves_the_nightly_the_adhoc_and_the_distributed_run() -> None:
    served = {d.name: d for d in serving.deployments()}
    assert set(served) == {"nightly", "adhoc", "distributed"}
    assert served["nightly"].schedules
    assert not served["adhoc"].schedules and not served["distributed"].schedules
    # the distributed run needs its run folder and a shared work folder from whoever starts it
    required = served["distributed"]._parameter_openapi_schema.required or []
    assert {"out", "work"} <= set(required)
