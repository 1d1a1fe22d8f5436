"""What each stage hands to the next: frozen results, one per stage.

`run.py` threads these through the stages; `outputs/` reads the finished `CompletedRun`.
No module but run.py's callers imports run.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from pipeline.errors import InputError
from pipeline.ingest.read import SourceFrame
from pipeline.leads.decisions import empty_history
from pipeline.leads.learning import ReviewModel
from pipeline.leads.reviews import ReviewsRead
from pipeline.link.people import LinkResult
from pipeline.validate.filters import RunFilters
from pipeline.validate.results import SourceValidation
from pipeline.validate.rows import ValidatedSource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "sample_data"
STAGES = ("ingest", "validate", "signals", "link", "score", "write")


@dataclass(frozen=True)
class RunInputs:
    """Paths of one run's inputs; each a file or a folder of files."""

    poverty: Path
    petitions: Path
    cases: Path
    relief_history: Path | None = None
    reviews: Path | None = None

    @classmethod
    def sample(cls, root: Path = SAMPLE_DIR) -> RunInputs:
        relief = root / "relief_history.csv"
        return cls(
            poverty=root / "poverty.xlsx",
            petitions=root / "petitions.csv",
            cases=root / "cases.csv",
            relief_history=relief if relief.exists() else None,
        )

    @classmethod
    def resolve(
        cls,
        poverty: Path | None,
        petitions: Path | None,
        cases: Path | None,
        relief_history: Path | None = None,
        reviews: Path | None = None,
    ) -> RunInputs:
        """The rule of the command line and the flows: the three main exports together,
        or none of them for sample_data/ (with its relief history unless one is given)."""
        if poverty is None and petitions is None and cases is None:
            sample = cls.sample()
            return replace(
                sample, relief_history=relief_history or sample.relief_history, reviews=reviews
            )
        if poverty is None or petitions is None or cases is None:
            raise InputError(
                "poverty, petitions and cases go together (or give none to use sample_data/)"
            )
        return cls(poverty, petitions, cases, relief_history, reviews)

    def by_source(self) -> dict[str, Path]:
        paths = {
            "poverty": self.poverty,
            "petitions": self.petitions,
            "cases": self.cases,
            "relief_history": self.relief_history,
        }
        return {k: Path(v) for k, v in paths.items() if v is not None}


@dataclass(frozen=True)
class Ingested:
    """Every source read as text, with a report per file."""

    started: datetime
    sources: dict[str, SourceFrame]


@dataclass(frozen=True)
class Validated:
    """Accepted rows per source (after the analyst's filters), and the quarantine."""

    checked: dict[str, ValidatedSource]
    accepted: dict[str, pl.DataFrame]
    filters: RunFilters | None = None
    filtered_out: dict[str, int] = field(default_factory=dict)
    expectations_sampled: dict[str, dict[str, int]] = field(default_factory=dict)
    results: dict[str, SourceValidation] = field(default_factory=dict)

    def without_rows(self) -> Validated:
        """The quarantine, counts and reports, without the accepted rows.

        Once the facts are read the accepted rows live on in the later stages' frames,
        which drop the columns they no longer need; held here as well, every column of
        every row would stay in memory until the run ends. The accepted counts stay in
        the file reports (`FileReport.rows_accepted`) and in `results`.
        """
        checked = {
            name: ValidatedSource(v.accepted.clear(), v.quarantined)
            for name, v in self.checked.items()
        }
        return replace(self, checked=checked, accepted={})


@dataclass(frozen=True)
class WithFacts:
    """Accepted rows with the facts read from their free text — or, for a source in
    `pending`, with its texts still being read: `pending[source].facts(frame)` adds the
    facts to its rows (the frame, or its rows read back from a spill) once they are in."""

    frames: dict[str, pl.DataFrame]
    pending: dict[str, FactsOnTheWay] = field(default_factory=dict)

    def release(self) -> dict[str, pl.DataFrame]:
        """Hand the frames over, keeping none here: linking reads every column once, and
        then only the columns later stages read need to stay in memory."""
        frames = dict(self.frames)
        self.frames.clear()
        return frames


class FactsOnTheWay(Protocol):
    """Facts being read from a frame's texts (pipeline/signals/case_text.py
    `CaseFactsReading`)."""

    def facts(self, df: pl.DataFrame) -> pl.DataFrame:
        """`df`, the rows read from in their order, with the facts (waiting for them)."""
        ...


@dataclass(frozen=True)
class Linked:
    """Accepted rows with their person_id, and the linkage result behind them."""

    frames: dict[str, pl.DataFrame]
    result: LinkResult


@dataclass(frozen=True)
class Scored:
    """Leads, the ranked candidates, exclusions, referrals and what the linked data added."""

    leads: pl.DataFrame
    candidates: pl.DataFrame
    excluded: pl.DataFrame
    referrals: pl.DataFrame
    lead_sources: dict[str, Any]
    reviews: ReviewsRead | None = None
    review_counts: dict[str, Any] | None = None
    # the deployment's decisions after this run, and the model trained on them
    history: pl.DataFrame = field(default_factory=empty_history)
    review_model: ReviewModel = field(default_factory=lambda: ReviewModel(False, "not trained"))


@dataclass(frozen=True)
class CompletedRun:
    """Every stage's result: what the run folder is written from."""

    run_id: str
    ingested: Ingested
    validated: Validated
    linked: Linked
    scored: Scored


@dataclass(frozen=True)
class RunResult:
    run_id: str
    folder: Path
    manifest: dict[str, Any]
    candidates: pl.DataFrame = field(repr=False)
    links: LinkResult = field(repr=False)


@dataclass(frozen=True)
class StageEvent:
    """Progress of a run, for a terminal display or structured logs: counts and seconds only."""

    stage: str
    index: int
    total: int
    done: bool
    seconds: float
    elapsed: float
    rows: int | None = None
    # within a stage run part by part (files, partitions, slices on a cluster): parts done / all
    parts_done: int | None = None
    parts_total: int | None = None


ProgressCallback = Callable[[StageEvent], None]
