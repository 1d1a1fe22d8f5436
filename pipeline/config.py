"""Configuration: the YAML files in schemas/, loaded once into frozen typed objects.

Every problem in every file is collected and reported together in one ConfigError.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigError

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
SOURCES = ("poverty", "petitions", "cases", "relief_history", "reviews")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceSpec(_Frozen):
    """Canonical fields of one source and the export headers that map to them."""

    description: str = ""
    required: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]

    def header_index(self) -> dict[str, str]:
        """Map each normalised alias to its canonical field (first listed field wins)."""
        index: dict[str, str] = {}
        for field, aliases in self.fields.items():
            for alias in (field, *aliases):
                index.setdefault(normalise_header(alias), field)
        return index


class PipelineSettings(_Frozen):
    """Run-level settings (schemas/pipeline.yaml)."""

    max_quarantine_share: dict[str, float] = Field(default_factory=dict)
    default_max_quarantine_share: float = 0.2
    header_scan_rows: int = 20


class BlockingSettings(_Frozen):
    max_block_size: int = Field(gt=1)
    rules: dict[str, tuple[str, ...]]


class TrainingSession(_Frozen):
    """EM on the pairs of some blocking rules, estimating m only for comparisons they did not block on."""

    blocked_on: tuple[str, ...]
    estimate: tuple[str, ...]


class ModelSettings(_Frozen):
    em_max_iterations: int = Field(gt=0)
    em_tolerance: float = Field(gt=0)
    u_sample_pairs: int = Field(gt=1000)
    seed: int
    prior_match_share: float = Field(gt=0, lt=1)
    min_probability: float = Field(gt=0, lt=0.01)
    min_m_probability: float = Field(gt=0, lt=0.1)
    name_tf_adjustment: bool = True
    training: tuple[TrainingSession, ...]


class ClusteringSettings(_Frozen):
    link_threshold: float = Field(gt=0, lt=1)
    review_band: tuple[float, float]
    vetoes: dict[str, tuple[str, ...]] = Field(default_factory=dict)


class LinkageSettings(_Frozen):
    """Person linkage settings (schemas/linkage.yaml)."""

    blocking: BlockingSettings
    model: ModelSettings
    clustering: ClusteringSettings
    lookalike_groups: tuple[str, ...] = ()


class Rule(_Frozen):
    points: float
    reason: str


class ScoringSettings(_Frozen):
    """Lead scoring rules (schemas/scoring.yaml)."""

    roles: dict[str, tuple[str, ...]]
    harm: dict[str, Rule]
    major_loss_yuan: float
    compensation: dict[str, Rule]
    hardship: dict[str, Rule]
    risk_after_types: tuple[str, ...]
    risk_after_window_days: int
    monitoring_line_yuan: dict[str, Any]
    priority: dict[str, Rule]
    elderly_age: int
    vulnerable_for_minor_injury: tuple[str, ...]
    minor_injury_vulnerable_bonus: float
    exclusions: dict[str, str]
    tiers: dict[str, float]
    indicative_range: dict[str, str]
    indicative_note: str

    def monitoring_line(self, region: str | None, year: int | None) -> float:
        """Income line per head for a province (first 2 digits of a region code) and year."""
        table = self.monitoring_line_yuan.get(str(region or "")[:2])
        if isinstance(table, dict) and year is not None:
            years = sorted(int(y) for y in table)
            usable = [y for y in years if y <= year] or years[:1]
            return float(table[usable[-1]])
        return float(self.monitoring_line_yuan["default"])

    def tier_of(self, score: float) -> str:
        for tier, minimum in sorted(self.tiers.items(), key=lambda kv: -kv[1]):
            if score >= minimum:
                return tier
        return list(self.tiers)[-1]


class Config(_Frozen):
    sources: dict[str, SourceSpec]
    pipeline: PipelineSettings
    linkage: LinkageSettings
    scoring: ScoringSettings
    digest: str

    def source(self, name: str) -> SourceSpec:
        return self.sources[name]


_SCORING_RULES = {
    "harm": ("death", "serious_injury", "major_loss", "minor_injury", "slight_injury"),
    "compensation": ("unable", "none", "unknown", "partial", "offender_unknown", "not_forgiven"),
    "hardship": (
        "monitored_risk_open", "monitored_risk_cleared", "former_poor", "risk_after_incident",
        "income_below_line", "no_labour", "petition_hardship", "petition_medical",
        "petition_non_payment", "petition_relief_request",
    ),
    "priority": ("minor", "elderly", "disabled", "woman_hardship"),
}


def normalise_header(text: str) -> str:
    """Fold a header to the form aliases are compared in: NFKC, no whitespace."""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(folded.split())


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file not found")
    except yaml.YAMLError as exc:
        problems.append(f"{path}: not valid YAML ({exc})")
    return None


def load_config(schemas_dir: Path | None = None) -> Config:
    """Load and validate every config file; raise ConfigError listing all problems."""
    root = schemas_dir or SCHEMAS_DIR
    problems: list[str] = []
    files = {
        name: root / f"{name}.yaml" for name in ("sources", "pipeline", "linkage", "scoring")
    }
    raw = {name: _read_yaml(path, problems) for name, path in files.items()}

    sources: dict[str, SourceSpec] = {}
    for name, spec in (raw["sources"] or {}).items():
        try:
            sources[name] = SourceSpec.model_validate(spec)
        except ValidationError as exc:
            problems.extend(f"{files['sources']}: {name}: {_describe(e)}" for e in exc.errors())
            continue
        missing = [f for f in sources[name].required if f not in sources[name].fields]
        if missing:
            problems.append(f"{files['sources']}: {name}: required fields {missing} have no aliases")
    for name in ("poverty", "petitions", "cases"):
        if raw["sources"] is not None and name not in sources:
            problems.append(f"{files['sources']}: source '{name}' is not defined")

    pipeline = PipelineSettings()
    try:
        pipeline = PipelineSettings.model_validate(raw["pipeline"] or {})
    except ValidationError as exc:
        problems.extend(f"{files['pipeline']}: {_describe(e)}" for e in exc.errors())

    linkage = None
    try:
        linkage = LinkageSettings.model_validate(raw["linkage"] or {})
    except ValidationError as exc:
        problems.extend(f"{files['linkage']}: {_describe(e)}" for e in exc.errors())

    if linkage is not None:
        from pipeline.link.compare import COMPARISONS

        for i, session in enumerate(linkage.model.training):
            unknown_rules = set(session.blocked_on) - set(linkage.blocking.rules)
            unknown_cmp = set(session.estimate) - set(COMPARISONS)
            if unknown_rules:
                problems.append(f"{files['linkage']}: model.training.{i}: unknown blocking rules {sorted(unknown_rules)}")
            if unknown_cmp:
                problems.append(f"{files['linkage']}: model.training.{i}: unknown comparisons {sorted(unknown_cmp)}")
        estimated = {c for s in linkage.model.training for c in s.estimate}
        from pipeline.link.compare import COMPARISONS as _ALL

        if set(_ALL) - estimated:
            problems.append(f"{files['linkage']}: model.training: no session estimates {sorted(set(_ALL) - estimated)}")

    scoring = None
    try:
        scoring = ScoringSettings.model_validate(raw["scoring"] or {})
    except ValidationError as exc:
        problems.extend(f"{files['scoring']}: {_describe(e)}" for e in exc.errors())
    if scoring is not None:
        for group in ("harm", "compensation", "hardship", "priority"):
            known = set(getattr(scoring, group))
            expected = set(_SCORING_RULES[group])
            if expected - known:
                problems.append(f"{files['scoring']}: {group}: missing rules {sorted(expected - known)}")

    if problems or linkage is None or scoring is None:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))

    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(files[name].read_bytes())
    return Config(
        sources=sources,
        pipeline=pipeline,
        linkage=linkage,
        scoring=scoring,
        digest=digest.hexdigest()[:16],
    )


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
