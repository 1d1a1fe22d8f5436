"""The nightly run's settings (schemas/schedule.yaml), loaded once into a frozen typed object."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from prefect.client.schemas.schedules import CronSchedule
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.config import SCHEMAS_DIR
from pipeline.errors import ConfigError

PROJECT_ROOT = SCHEMAS_DIR.parent
SCHEDULE_FILE = SCHEMAS_DIR / "schedule.yaml"
OPTIONAL_SOURCES = ("relief_history", "reviews")
REQUIRED_SOURCES = ("poverty", "petitions", "cases")


class NightlySettings(BaseModel):
    """Where the nightly run looks for exports, where it writes, and when it runs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cron: str
    timezone: str
    inbox: Path
    sources: dict[str, str] = Field(description="source -> subfolder of the inbox")
    required: list[str]
    settle_minutes: float = Field(ge=0)
    out: Path
    keep_runs: int = Field(ge=1)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            CronSchedule(cron=value)
        except (ValidationError, ValueError):
            raise ValueError(f"{value!r} is not a valid cron expression") from None
        return value

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = [s for s in value if s not in (*REQUIRED_SOURCES, *OPTIONAL_SOURCES)]
        if unknown:
            raise ValueError(
                f"unknown source(s) {unknown}; known: {[*REQUIRED_SOURCES, *OPTIONAL_SOURCES]}"
            )
        return value

    @model_validator(mode="after")
    def _required_have_folders(self) -> NightlySettings:
        problems = [
            f"required source {s!r} has no folder in sources"
            for s in self.required
            if s not in self.sources
        ]
        problems += [f"{s!r} must be required" for s in REQUIRED_SOURCES if s not in self.required]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def resolved(self, root: Path = PROJECT_ROOT) -> NightlySettings:
        """The same settings with relative paths taken from the project root."""
        return self.model_copy(update={"inbox": root / self.inbox, "out": root / self.out})


def load_nightly_settings(path: Path = SCHEDULE_FILE) -> NightlySettings:
    """Read the `nightly` section; raise ConfigError listing every problem at once."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from exc
    try:
        return NightlySettings.model_validate(raw.get("nightly") or {}).resolved()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'nightly'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: nightly: {problems}") from None
