"""The one config loader: every YAML of one folder into typed, validated models.

Every problem in every file is collected and reported together in one ConfigError, and
`Config.digest` hashes exactly the files this loader read (their paths relative to the
folder and their bytes), so the manifest's config_hash describes what the run used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from pipeline.config.base import Frozen
from pipeline.config.linkage import LinkageSettings
from pipeline.config.schedule import NightlySettings, PartitionSettings
from pipeline.config.scoring import SCORING_RULES, ScoringSettings
from pipeline.config.sources import REQUIRED_SOURCES, PipelineSettings, SourceSpec
from pipeline.config.suites import SuiteSpec
from pipeline.config.vocabulary import Vocabulary
from pipeline.errors import ConfigError
from pipeline.signals.patterns import TextPatterns, compile_text_patterns

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
_Model = TypeVar("_Model", bound=BaseModel)


class Config(Frozen):
    """Everything a run reads from the config folder."""

    model_config = Frozen.model_config | {"arbitrary_types_allowed": True}

    root: Path
    sources: dict[str, SourceSpec]
    pipeline: PipelineSettings
    linkage: LinkageSettings
    scoring: ScoringSettings
    vocabulary: Vocabulary
    suites: dict[str, SuiteSpec]
    text_patterns: TextPatterns
    nightly: NightlySettings
    partitioning: PartitionSettings
    files_read: tuple[str, ...]
    digest: str

    def source(self, name: str) -> SourceSpec:
        return self.sources[name]

    def source_labels(self, *, short: bool = False) -> dict[str, str]:
        """Each source's name for people (`label`), or its `short_label` when `short`."""
        return {
            name: spec.short_label if short else spec.label for name, spec in self.sources.items()
        }


class _Reader:
    """Reads files of one folder, remembering each one's bytes for the digest."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.read: dict[str, bytes] = {}

    def raw(self, relative: str) -> Any:
        path = self.root / relative
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.problems.append(f"{path}: file not found")
            return None
        self.read[relative] = data
        try:
            return yaml.safe_load(data.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            self.problems.append(f"{path}: not valid YAML ({exc})")
            return None

    def model(self, relative: str, model: type[_Model], raw: Any, where: str = "") -> _Model | None:
        try:
            return model.model_validate(raw or {})
        except ValidationError as exc:
            prefix = f"{self.root / relative}: {where}"
            self.problems.extend(f"{prefix}{_describe(e)}" for e in exc.errors())
            return None

    def digest(self) -> str:
        hashed = hashlib.sha256()
        for relative in sorted(self.read):
            hashed.update(relative.encode() + b"\0" + self.read[relative])
        return hashed.hexdigest()[:16]


def load_config(schemas_dir: Path | None = None) -> Config:
    """Load and validate every config file of the folder; raise ConfigError listing all problems."""
    reader = _Reader(schemas_dir or SCHEMAS_DIR)
    sources = _load_sources(reader)
    parts: dict[str, Any] = {
        "pipeline": reader.model("pipeline.yaml", PipelineSettings, reader.raw("pipeline.yaml")),
        "linkage": _load_linkage(reader, "linkage.yaml"),
        "scoring": _load_scoring(reader),
        "vocabulary": reader.model("vocabulary.yaml", Vocabulary, reader.raw("vocabulary.yaml")),
        "suites": _load_suites(reader, sources),
        "text_patterns": _load_text_patterns(reader),
        "nightly": _load_nightly(reader),
        "partitioning": reader.model(
            "partitioning.yaml", PartitionSettings, reader.raw("partitioning.yaml")
        ),
    }
    if reader.problems or any(v is None for v in parts.values()):
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(reader.problems))
    return Config(
        root=reader.root,
        sources=sources,
        files_read=tuple(sorted(reader.read)),
        digest=reader.digest(),
        **parts,
    )


def _load_sources(reader: _Reader) -> dict[str, SourceSpec]:
    raw = reader.raw("sources.yaml")
    sources: dict[str, SourceSpec] = {}
    for name, spec in (raw or {}).items():
        source = reader.model("sources.yaml", SourceSpec, spec, where=f"{name}: ")
        if source is None:
            continue
        missing = [f for f in source.required if f not in source.fields]
        if missing:
            reader.problems.append(
                f"{reader.root / 'sources.yaml'}: {name}: required fields {missing} have no aliases"
            )
        sources[name] = source
    if raw is not None:
        reader.problems.extend(
            f"{reader.root / 'sources.yaml'}: source '{name}' is not defined"
            for name in REQUIRED_SOURCES
            if name not in sources
        )
    return sources


def _load_linkage(reader: _Reader, relative: str) -> LinkageSettings | None:
    linkage = reader.model(relative, LinkageSettings, reader.raw(relative))
    if linkage is not None:
        reader.problems.extend(f"{reader.root / relative}: {p}" for p in linkage.problems())
    return linkage


def _load_scoring(reader: _Reader) -> ScoringSettings | None:
    scoring = reader.model("scoring.yaml", ScoringSettings, reader.raw("scoring.yaml"))
    if scoring is not None:
        for group, expected in SCORING_RULES.items():
            missing = set(expected) - set(getattr(scoring, group))
            if missing:
                reader.problems.append(
                    f"{reader.root / 'scoring.yaml'}: {group}: missing rules {sorted(missing)}"
                )
    return scoring


def _load_suites(reader: _Reader, sources: dict[str, SourceSpec]) -> dict[str, SuiteSpec]:
    """Every `suites/<source>.yaml`; a suite names fields of its source only."""
    suites: dict[str, SuiteSpec] = {}
    for path in sorted((reader.root / "suites").glob("*.yaml")):
        relative = f"suites/{path.name}"
        raw = reader.raw(relative)
        if path.stem not in sources:
            reader.problems.append(f"{path}: no source '{path.stem}' in sources.yaml")
            continue
        suite = reader.model(relative, SuiteSpec, raw)
        if suite is None:
            continue
        used = (
            set(suite.dates)
            | set(suite.vocabularies)
            | {f for k in suite.unique.values() for f in k}
        )
        unknown = sorted(used - set(sources[path.stem].fields))
        reader.problems.extend(f"{path}: unknown field '{f}'" for f in unknown)
        suites[path.stem] = suite
    return suites


def _load_text_patterns(reader: _Reader) -> TextPatterns | None:
    relative = "text_patterns.yaml"
    raw = reader.raw(relative)
    if raw is None:
        return None
    patterns, problems = compile_text_patterns(raw, reader.root / relative, reader.read[relative])
    reader.problems.extend(problems)
    return patterns


def _load_nightly(reader: _Reader) -> NightlySettings | None:
    raw = reader.raw("schedule.yaml")
    settings = reader.model(
        "schedule.yaml", NightlySettings, (raw or {}).get("nightly"), where="nightly: "
    )
    return None if settings is None else settings.resolved(reader.root.parent)


def load_linkage_settings(path: Path) -> LinkageSettings:
    """Load one linkage YAML on its own (e.g. schemas/linkage_febrl.yaml); raise ConfigError listing all problems."""
    reader = _Reader(path.parent)
    linkage = _load_linkage(reader, path.name)
    if reader.problems or linkage is None:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(reader.problems))
    return linkage


def _describe(error: Any) -> str:
    where = ".".join(str(p) for p in error.get("loc", ()))
    return f"{where}: {error.get('msg')}"
