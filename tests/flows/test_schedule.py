"""The nightly settings: `load_config().nightly` with the cron checked by Prefect's syntax."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from flows.schedule import PROJECT_ROOT, SCHEDULE_FILE, load_nightly_settings
from pipeline.config import SCHEMAS_DIR
from pipeline.errors import ConfigError


def schemas_with_schedule(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of schemas/ whose schedule.yaml has `replacements` (old, new) applied."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, folder)
    text = (folder / SCHEDULE_FILE).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    (folder / SCHEDULE_FILE).write_text(text, encoding="utf-8")
    return folder


def test_schedule_settings_load() -> None:
    settings = load_nightly_settings()
    assert settings.timezone == "Asia/Shanghai"
    assert settings.inbox == PROJECT_ROOT / "inbox" and settings.out == PROJECT_ROOT / "runs"
    assert set(settings.required) == {"poverty", "petitions", "cases"}


def test_schedule_settings_report_every_problem_at_once(tmp_path: Path) -> None:
    folder = schemas_with_schedule(
        tmp_path, ("Asia/Shanghai", "Asia/Shangai"), ("keep_runs: 14", "keep_runs: 0")
    )
    with pytest.raises(ConfigError) as caught:
        load_nightly_settings(folder)
    message = str(caught.value)
    assert str(folder / SCHEDULE_FILE) in message
    for field in ("timezone", "keep_runs"):
        assert f"nightly: {field}" in message


@pytest.mark.parametrize("cron", ["61 2 * * *", "30 2 * *", "every night"])
def test_a_cron_prefect_cannot_read_names_schedule_yaml(tmp_path: Path, cron: str) -> None:
    folder = schemas_with_schedule(tmp_path, ('"30 2 * * *"', f'"{cron}"'))
    with pytest.raises(ConfigError) as caught:
        load_nightly_settings(folder)
    assert str(caught.value).startswith(f"{folder / SCHEDULE_FILE}: nightly: cron: {cron!r}")


def test_prefect_yaml_schedules_nightly_as_schedule_yaml_says() -> None:
    settings = load_nightly_settings()
    declared = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in declared["deployments"]}
    assert {d["entrypoint"] for d in deployments.values()} == {
        "flows/nightly.py:nightly",
        "flows/adhoc.py:adhoc",
    }
    assert deployments["nightly"]["schedules"] == [
        {"cron": settings.cron, "timezone": settings.timezone, "active": True}
    ]
    assert not deployments["adhoc"].get("schedules")
