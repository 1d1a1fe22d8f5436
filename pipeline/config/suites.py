"""Expectation suites (schemas/suites/<source>.yaml): what each source's rows must look like."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import Field

from pipeline.config.base import Frozen


class DateRule(Frozen):
    """Bounds of a plausible date; what a row with a bad date gets."""

    min: date
    max: date | Literal["today"] = "today"
    on_bad: Literal["flag", "quarantine"] = "flag"
    mostly: float = Field(default=0.98, gt=0, le=1)

    def upper(self) -> date:
        return date.today() if self.max == "today" else self.max


class ExtraExpectation(Frozen):
    """A GX expectation written out in the suite file, on a column of the view."""

    type: str
    kwargs: dict[str, Any]


class SuiteSpec(Frozen):
    """One source's expectations (schemas/suites/<source>.yaml)."""

    id_trusted_mostly: float = Field(default=0.9, gt=0, le=1)
    required_mostly: float = Field(default=1.0, gt=0, le=1)
    dates: dict[str, DateRule] = Field(default_factory=dict)
    vocabularies: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    vocabulary_mostly: float = Field(default=1.0, gt=0, le=1)
    unique: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    expectations: tuple[ExtraExpectation, ...] = ()
