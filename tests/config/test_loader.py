"""The config loader: `config_hash` (Config.digest) covers exactly the files it read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import SCHEMAS_DIR, Config, load_config
from pipeline.errors import ConfigError

EXPECTED_FILES = {
    "sources.yaml",
    "pipeline.yaml",
    "linkage.yaml",
    "scoring.yaml",
    "vocabulary.yaml",
    "text_patterns.yaml",
    "schedule.yaml",
    "partitioning.yaml",
    "suites/cases.yaml",
    "suites/petitions.yaml",
    "suites/poverty.yaml",
    "suites/relief_history.yaml",
}


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    """A copy of schemas/ the test may change."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, folder)
    return folder


def append_comment(path: Path) -> None:
    """Change a file's bytes but not what it means."""
    path.write_bytes(path.read_bytes() + b"\n# changed by a test\n")


def test_files_read_are_every_file_the_loaders_read(config: Config) -> None:
    assert set(config.files_read) == EXPECTED_FILES
    assert list(config.files_read) == sorted(config.files_read)


def test_the_hash_is_of_what_was_read_not_where_it_lay(schemas: Path, config: Config) -> None:
    assert load_config(schemas).digest == config.digest


@pytest.mark.parametrize(
    "unread",
    ["notes.yaml", "linkage_febrl.yaml", "old/scoring.yaml", "suites/README.md"],
)
def test_a_file_no_loader_reads_leaves_the_hash_unchanged(
    schemas: Path, config: Config, unread: str
) -> None:
    path = schemas / unread
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        append_comment(path)
    else:
        path.write_text("weights: {a: 1}\n", encoding="utf-8")
    changed = load_config(schemas)
    assert changed.digest == config.digest
    assert unread not in changed.files_read


@pytest.mark.parametrize("read", sorted(EXPECTED_FILES))
def test_a_change_to_any_file_read_changes_the_hash(
    schemas: Path, config: Config, read: str
) -> None:
    append_comment(schemas / read)
    changed = load_config(schemas)
    assert read in changed.files_read
    assert changed.digest != config.digest


def test_text_patterns_and_suites_are_read_from_the_folder_given(
    schemas: Path, config: Config
) -> None:
    """Not from fixed paths: a run with another folder hashes and uses that folder's files."""
    (schemas / "suites" / "relief_history.yaml").unlink()
    changed = load_config(schemas)
    assert "suites/relief_history.yaml" not in changed.files_read
    assert "relief_history" not in changed.suites
    assert changed.digest != config.digest
    assert changed.root == schemas


def test_a_missing_file_is_reported_with_its_path(schemas: Path) -> None:
    (schemas / "text_patterns.yaml").unlink()
    with pytest.raises(ConfigError, match=str(schemas / "text_patterns.yaml")):
        load_config(schemas)
