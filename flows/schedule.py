"""The nightly run's settings: `load_config().nightly` (schemas/schedule.yaml), with its cron
expression checked here against Prefect's cron syntax, which pipeline/ may not import."""

from __future__ import annotations

from pathlib import Path

from prefect.client.schemas.schedules import CronSchedule
from pydantic import ValidationError

from pipeline.config import SCHEMAS_DIR, NightlySettings, load_config
from pipeline.errors import ConfigError

PROJECT_ROOT = SCHEMAS_DIR.parent
SCHEDULE_FILE = "schedule.yaml"


def load_nightly_settings(schemas_dir: Path | None = None) -> NightlySettings:
    """The `nightly` section of the config folder (default: schemas/), paths from the project root.

    Raises:
        ConfigError: listing every problem of the config folder at once, or naming
            schedule.yaml when its cron expression is not one Prefect reads.
    """
    config = load_config(schemas_dir)
    check_cron(config.nightly.cron, config.root / SCHEDULE_FILE)
    return config.nightly


def check_cron(cron: str, where: Path) -> None:
    """Raise ConfigError naming `where` unless Prefect reads `cron` as a cron expression."""
    try:
        CronSchedule(cron=cron)
    except (ValidationError, ValueError):
        raise ConfigError(
            f"{where}: nightly: cron: {cron!r} is not a valid cron expression"
        ) from None
