"""Sources (schemas/sources.yaml) and run-level settings (schemas/pipeline.yaml)."""

from __future__ import annotations

import unicodedata

from pydantic import Field, field_validator

from pipeline.config.base import Frozen

SOURCES = ("poverty", "petitions", "cases", "relief_history", "reviews")
REQUIRED_SOURCES = ("poverty", "petitions", "cases")


class SourceSpec(Frozen):
    """Canonical fields of one source and the export headers that map to them."""

    description: str = ""
    label: str = Field(min_length=1, description="the source's name for people: 防返贫监测")
    short_label: str = Field(min_length=1, description="in short row references: 监测#12")
    required: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]

    def header_index(self) -> dict[str, str]:
        """Map each normalised alias to its canonical field (first listed field wins)."""
        index: dict[str, str] = {}
        for field, aliases in self.fields.items():
            for alias in (field, *aliases):
                index.setdefault(normalise_header(alias), field)
        return index


class PipelineSettings(Frozen):
    """Run-level settings (schemas/pipeline.yaml)."""

    max_quarantine_share: dict[str, float] = Field(default_factory=dict)
    default_max_quarantine_share: float = 0.2
    header_scan_rows: int = 20
    expectations_max_rows: int = Field(default=200_000, gt=1000)
    text_workers: int = Field(
        default=0,
        ge=0,
        description="processes that read case and petition texts: 0 = one per core when "
        "the run has at least 10,000 distinct texts per core, 1 = this process only",
    )
    link_confidence_bins: tuple[float, ...] = Field(
        default=(0.5, 0.8, 0.9, 0.95, 0.99),
        description="band edges of the run report's link-confidence chart, ascending in (0, 1)",
    )
    adhoc_folder: str = Field(
        default="adhoc",
        pattern=r"^[^./\\][^/\\]*$",
        description="subfolder of the output folder for filtered ad-hoc runs (a plain name)",
    )

    @field_validator("link_confidence_bins")
    @classmethod
    def _bins_rise(cls, edges: tuple[float, ...]) -> tuple[float, ...]:
        return _ascending_in_unit_interval(edges)


def _ascending_in_unit_interval(edges: tuple[float, ...]) -> tuple[float, ...]:
    if any(not 0 < e < 1 for e in edges) or list(edges) != sorted(set(edges)):
        raise ValueError(f"must rise strictly inside (0, 1), got {list(edges)}")
    return edges


def normalise_header(text: str) -> str:
    """Fold a header to the form aliases are compared in: NFKC, no whitespace."""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(folded.split())
