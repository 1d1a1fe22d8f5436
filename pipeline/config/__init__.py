"""Configuration: every YAML of one folder (schemas/ by default), loaded once into frozen
typed models by `load_config`, with every problem of every file reported together.

One module per file's noun (sources, linkage, scoring, suites, vocabulary, schedule);
`loader` reads them and hashes exactly the files it read.
"""

from pipeline.config.linkage import (
    BlockingSettings,
    ClusteringSettings,
    ComparisonSpec,
    FrequencyPlace,
    LevelSpec,
    LinkageSettings,
    ModelSettings,
    PlaceKeySettings,
    SoundAlike,
    TermFrequency,
    TrainingSession,
    VetoLift,
)
from pipeline.config.loader import SCHEMAS_DIR, Config, load_config, load_linkage_settings
from pipeline.config.schedule import NightlySettings, PartitionSettings
from pipeline.config.scoring import LearningSettings, Rule, ScoringSettings
from pipeline.config.sources import SOURCES, PipelineSettings, SourceSpec, normalise_header
from pipeline.config.suites import DateRule, SuiteSpec
from pipeline.config.vocabulary import (
    LeadStatusText,
    ReviewDecision,
    ReviewDecisions,
    Vocabulary,
    decision_key,
)

__all__ = [
    "SCHEMAS_DIR",
    "SOURCES",
    "BlockingSettings",
    "ClusteringSettings",
    "ComparisonSpec",
    "Config",
    "DateRule",
    "FrequencyPlace",
    "LeadStatusText",
    "LearningSettings",
    "LevelSpec",
    "LinkageSettings",
    "ModelSettings",
    "NightlySettings",
    "PartitionSettings",
    "PipelineSettings",
    "PlaceKeySettings",
    "ReviewDecision",
    "ReviewDecisions",
    "Rule",
    "ScoringSettings",
    "SoundAlike",
    "SourceSpec",
    "SuiteSpec",
    "TermFrequency",
    "TrainingSession",
    "VetoLift",
    "Vocabulary",
    "decision_key",
    "load_config",
    "load_linkage_settings",
    "normalise_header",
]
