"""The nightly run's settings (schemas/schedule.yaml) and the partitioning (schemas/partitioning.yaml)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from pipeline.config.base import Frozen
from pipeline.config.sources import REQUIRED_SOURCES

OPTIONAL_SOURCES = ("relief_history", "reviews")


class NightlySettings(Frozen):
    """Where the nightly run looks for exports, where it writes, and when it runs.

    The cron expression is checked by flows/schedule.py, which knows Prefect's cron syntax.
    """

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

    def resolved(self, root: Path) -> NightlySettings:
        """The same settings with relative paths taken from `root` (the project root)."""
        return self.model_copy(update={"inbox": root / self.inbox, "out": root / self.out})


class PartitionSettings(Frozen):
    """How records are split into partitions for a cluster (pipeline/link/partition.py).

    Every value is in schemas/partitioning.yaml; the comments there say what each means.
    """

    region_column: str
    id_column: str
    id_region_chars: int = Field(ge=2, le=6)
    region_code_min_share: float = Field(gt=0, le=1)
    id_region_first: bool
    follow_blocking_keys: bool
    unknown: str
    # the whole pipeline on a cluster (pipeline/partitioned/): rows of text and leads per part
    text_slice_rows: int = Field(default=200_000, ge=1)
    lead_slice_rows: int = Field(default=50_000, ge=1)
    # a CSV export larger than this is read in parts of `csv_part_rows` rows, one per worker
    csv_split_bytes: int = Field(default=128 * 1024 * 1024, ge=1)
    csv_part_rows: int = Field(default=200_000, ge=1)
