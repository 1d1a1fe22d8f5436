"""Sources (schemas/sources.yaml): every source names itself to people, in full and short."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import SCHEMAS_DIR, SOURCES, Config, load_config
from pipeline.errors import ConfigError


@pytest.mark.parametrize(
    ("source", "label", "short_label"),
    [
        ("poverty", "防返贫监测", "监测"),
        ("petitions", "信访", "信访"),
        ("cases", "案件当事人", "案件"),
        ("relief_history", "司法救助", "救助"),
        ("reviews", "线索审核", "审核"),
    ],
)
def test_source_labels(config: Config, source: str, label: str, short_label: str) -> None:
    assert config.source(source).label == label
    assert config.source(source).short_label == short_label


def test_source_labels_cover_every_source(config: Config) -> None:
    assert set(config.source_labels()) == set(SOURCES)
    assert set(config.source_labels(short=True)) == set(SOURCES)


def test_a_source_without_a_label_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, folder)
    text = (folder / "sources.yaml").read_text(encoding="utf-8")
    (folder / "sources.yaml").write_text(text.replace("  short_label: 信访\n", ""), "utf-8")
    with pytest.raises(ConfigError, match="petitions: short_label"):
        load_config(folder)
