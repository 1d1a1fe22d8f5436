"""The partition files the driver writes hold what `linkage_partitions` splits, and link
to the same person ids as the in-memory partitions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Config
from pipeline.link.partition import link_people_partitioned, linkage_partitions
from pipeline.partitioned.linking import link_via_files, write_partitions
from tests.link.test_partition import fast_settings, generate_province, province_records


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory, config: Config) -> pl.DataFrame:
    folder = generate_province(tmp_path_factory.mktemp("province"), counties=3, size=3000)
    return province_records(folder, config)[0]


def test_partition_files_are_the_split_without_its_keys(
    records: pl.DataFrame, config: Config, tmp_path: Path
) -> None:
    settings = fast_settings(config.linkage)
    expected = linkage_partitions(records, settings, config.partitioning)
    files = write_partitions(records, settings, config.partitioning, tmp_path)
    assert [f.name for f in files] == [name for name, _ in expected]
    assert len(files) >= 3, "the counties and the shared partition"
    for part, (name, frame) in zip(files, expected, strict=True):
        written = pl.read_parquet(part.path)
        # the name and place keys are the worker's to build; every other column as split
        assert written.columns == [c for c in frame.columns if c in written.columns], name
        assert set(frame.columns) - set(written.columns) == {
            "name_shape",
            "name_sound",
            "place_key",
        }
        assert written.equals(frame.select(written.columns)), name
        assert part.rows == frame.height


def test_linking_through_the_files_gives_the_in_memory_person_ids(
    records: pl.DataFrame, config: Config, tmp_path: Path
) -> None:
    settings = fast_settings(config.linkage)
    in_memory = link_people_partitioned(records, settings, config.partitioning)
    via_files = link_via_files(records, settings, config.partitioning, tmp_path)
    assert via_files.links.equals(in_memory.links)
    assert via_files.pairs.equals(in_memory.pairs)
    assert not (tmp_path / "partitions").exists(), "the partition files are deleted"
