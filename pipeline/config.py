"""Configuration: the YAML files in schemas/, loaded once into frozen typed objects.

Every problem in every file is collected and reported together in one ConfigError.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

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
    expectations_max_rows: int = Field(default=200_000, gt=1000)


class BlockingSettings(_Frozen):
    max_block_size: int = Field(gt=1)
    rules: dict[str, tuple[str, ...]]


class LevelSpec(_Frozen):
    """One comparison level: a pair is at this level when every condition given holds.

    Column conditions (a pair column is "present" when both records have a value):
    exact (present and equal), present, any_present (at least one column present),
    not_both (not present), compatible (not present, or equal), differ (present and
    different), within_edits {column: k} (optimal string alignment distance <= k),
    jaro_winkler {column: t} (similarity >= t), prefix {column: n} (first n characters
    equal), numeric_within {column: d} (both read as numbers, a trailing X as 10, at most
    d apart: an ID rounded by Excel or a float), lookalike (same length, one character differs, the two in one look-alike
    group), longer_at_least {column: n} (the longer value has >= n characters).
    Boolean record columns: flag_both (true on both), flag_either (true on one).
    """

    name: str
    exact: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    any_present: tuple[str, ...] = ()
    not_both: tuple[str, ...] = ()
    compatible: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()
    within_edits: dict[str, int] = Field(default_factory=dict)
    jaro_winkler: dict[str, float] = Field(default_factory=dict)
    prefix: dict[str, int] = Field(default_factory=dict)
    numeric_within: dict[str, int] = Field(default_factory=dict)
    lookalike: tuple[str, ...] = ()
    longer_at_least: dict[str, int] = Field(default_factory=dict)
    flag_both: tuple[str, ...] = ()
    flag_either: tuple[str, ...] = ()

    def columns(self) -> set[str]:
        """Record columns this level reads."""
        names: set[str] = set()
        for field in type(self).model_fields:
            if field != "name":
                names |= set(getattr(self, field))
        return names


class TermFrequency(_Frozen):
    """Re-weight a level by how common the agreeing value is (common names are weak evidence)."""

    level: str
    column: str


COMPARISON_TEMPLATES = ("exact_match", "jaro_winkler_at_thresholds", "edit_distance_at_thresholds")


class ComparisonSpec(_Frozen):
    """Ordered levels (first that holds wins; none holds = not comparable), or a template.

    Templates (named building blocks) expand to levels on `column`:
    exact_match: exact, else. jaro_winkler_at_thresholds: exact, one level per
    threshold (descending), else. edit_distance_at_thresholds: exact, one level per
    edit count (ascending), else.
    """

    template: str | None = None
    column: str | None = None
    thresholds: tuple[float, ...] = ()
    levels: tuple[LevelSpec, ...] = ()
    # one level or several, each re-weighted by how common its agreeing value is
    term_frequency: tuple[TermFrequency, ...] = ()

    @field_validator("term_frequency", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        return (value,) if isinstance(value, dict | TermFrequency) else value

    @model_validator(mode="after")
    def _expand_template(self) -> ComparisonSpec:
        if self.template is None:
            if not self.levels:
                raise ValueError("give levels or a template")
            return self
        if self.template not in COMPARISON_TEMPLATES:
            raise ValueError(
                f"unknown template {self.template!r}; known: {', '.join(COMPARISON_TEMPLATES)}"
            )
        if self.levels or not self.column:
            raise ValueError("a template needs `column` and no `levels`")
        col = self.column
        levels = [LevelSpec(name=f"{col}_exact", exact=(col,))]
        if self.template == "jaro_winkler_at_thresholds":
            levels += [
                LevelSpec(name=f"{col}_jw_{t:g}", jaro_winkler={col: t})
                for t in sorted(self.thresholds, reverse=True)
            ]
        elif self.template == "edit_distance_at_thresholds":
            levels += [
                LevelSpec(name=f"{col}_edits_{int(k)}", within_edits={col: int(k)})
                for k in sorted(self.thresholds)
            ]
        levels.append(LevelSpec(name=f"{col}_else", present=(col,)))
        object.__setattr__(self, "levels", tuple(levels))
        return self

    @property
    def level_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)


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
    # The prior (share of all record pairs that match) is estimated per pair of values of
    # this column: a petition is far likelier to have a match than a monitoring row.
    prior_by: str | None = None
    training: tuple[TrainingSession, ...]


class ClusteringSettings(_Frozen):
    # constrained: connected components of links, split greedily where a constraint breaks;
    # one_to_one: two-file linkage where each record links to at most one of the other file.
    method: Literal["constrained", "one_to_one"] = "constrained"
    link_threshold: float = Field(gt=0, lt=1)
    review_band: tuple[float, float]
    vetoes: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # record columns of which a person holds at most one non-null value
    distinct: tuple[str, ...] = ()
    # record column whose value (when present) names the person_id of its cluster
    representative: str | None = None
    # a record whose candidates hold different `distinct` values can be at most one of
    # them: spread its probability over them (pipeline/link/cluster.py, share_among_rivals)
    share_among_rivals: bool = False
    # a cluster never holds two records whose own pair probability (before sharing among
    # rivals) is below this: the pair's evidence says they are different people, and a
    # third record linked to both is not allowed to join them (0 switches it off)
    cannot_link_below: float = Field(default=0.0, ge=0, lt=1)
    # ... and only pairs at one of these levels (comparison -> levels); empty: any pair
    cannot_link_levels: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    # rows of these sources left alone after clustering join the one person of their name
    # in the households of their case's parties (pipeline/link/relatives.py)
    relatives_through_case: tuple[str, ...] = ()


class SoundAlike(_Frozen):
    """Pinyin spellings folded together in the `name_sound` key (模糊音): syllable starts
    (`initials`, zh -> z) and syllable ends (`finals`, ing -> in)."""

    initials: dict[str, str] = Field(default_factory=dict)
    finals: dict[str, str] = Field(default_factory=dict)


def _unknown_levels(
    where: str, listed: dict[str, tuple[str, ...]], levels: dict[str, tuple[str, ...]]
) -> list[str]:
    """Problems of a {comparison: levels} setting naming comparisons or levels that do not exist."""
    found = []
    for name, names in listed.items():
        if name not in levels:
            found.append(f"{where}: unknown comparison {name!r}")
        elif set(names) - set(levels[name]):
            found.append(f"{where}.{name}: unknown levels {sorted(set(names) - set(levels[name]))}")
    return found


class LinkageSettings(_Frozen):
    """Person linkage settings (schemas/linkage.yaml, schemas/linkage_febrl.yaml)."""

    link_type: Literal["dedupe", "link_only"] = "dedupe"
    blocking: BlockingSettings
    comparisons: dict[str, ComparisonSpec]
    model: ModelSettings
    clustering: ClusteringSettings
    lookalike_groups: tuple[str, ...] = ()
    sound_alike: SoundAlike | None = None

    def level_names(self) -> dict[str, tuple[str, ...]]:
        return {name: spec.level_names for name, spec in self.comparisons.items()}

    def problems(self) -> list[str]:
        """Cross-references that field validation cannot see."""
        found = []
        levels = self.level_names()
        for i, session in enumerate(self.model.training):
            unknown_rules = set(session.blocked_on) - set(self.blocking.rules)
            unknown_cmp = set(session.estimate) - set(levels)
            if unknown_rules:
                found.append(f"model.training.{i}: unknown blocking rules {sorted(unknown_rules)}")
            if unknown_cmp:
                found.append(f"model.training.{i}: unknown comparisons {sorted(unknown_cmp)}")
        unestimated = set(levels) - {c for s in self.model.training for c in s.estimate}
        if unestimated:
            found.append(f"model.training: no session estimates {sorted(unestimated)}")
        for key in ("cannot_link_levels", "vetoes"):
            found += _unknown_levels(f"clustering.{key}", getattr(self.clustering, key), levels)
        for name, spec in self.comparisons.items():
            if len(set(spec.level_names)) != len(spec.level_names):
                found.append(f"comparisons.{name}: level names repeat")
            for tf in spec.term_frequency:
                if tf.level not in spec.level_names:
                    found.append(f"comparisons.{name}.term_frequency: unknown level {tf.level!r}")
        return found


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
    caused_by_case: tuple[str, ...]
    risk_after_types: tuple[str, ...]
    risk_after_window_days: tuple[int, int]
    monitoring_line_yuan: dict[str, Any]
    priority: dict[str, Rule]
    elderly_age: int
    vulnerable_for_minor_injury: tuple[str, ...]
    minor_injury_vulnerable_bonus: float
    exclusions: dict[str, str]
    score_caps: dict[str, float]
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
        "risk_after_incident",
        "case_text_hardship",
        "petition_hardship",
        "petition_medical",
        "petition_non_payment",
        "petition_relief_request",
        "monitored_risk_open",
        "monitored_risk_cleared",
        "former_poor",
        "income_below_line",
        "no_labour",
        "other_hardship",
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
    files = {name: root / f"{name}.yaml" for name in ("sources", "pipeline", "linkage", "scoring")}
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
            problems.append(
                f"{files['sources']}: {name}: required fields {missing} have no aliases"
            )
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
        problems.extend(f"{files['linkage']}: {p}" for p in linkage.problems())

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
                problems.append(
                    f"{files['scoring']}: {group}: missing rules {sorted(expected - known)}"
                )

    if problems or linkage is None or scoring is None:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))

    # Every YAML under schemas/ (sources, suites, text patterns, scoring …) shapes the result.
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return Config(
        sources=sources,
        pipeline=pipeline,
        linkage=linkage,
        scoring=scoring,
        digest=digest.hexdigest()[:16],
    )


def load_linkage_settings(path: Path) -> LinkageSettings:
    """Load one linkage YAML on its own (e.g. schemas/linkage_febrl.yaml); raise ConfigError listing all problems."""
    problems: list[str] = []
    raw = _read_yaml(path, problems)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    try:
        settings = LinkageSettings.model_validate(raw or {})
    except ValidationError as exc:
        raise ConfigError(
            "invalid configuration:\n  "
            + "\n  ".join(f"{path}: {_describe(e)}" for e in exc.errors())
        ) from exc
    if settings.problems():
        raise ConfigError(
            "invalid configuration:\n  " + "\n  ".join(f"{path}: {p}" for p in settings.problems())
        )
    return settings


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
