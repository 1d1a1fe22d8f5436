"""pipeline/spill.py: spills read back as they were written, each column in one chunk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from pipeline import spill


@pytest.mark.parametrize("rows", [0, 1, 5, 200_001])
def test_a_spill_comes_back_equal_and_in_one_chunk(tmp_path: Path, rows: int) -> None:
    """Written in row groups (several here: 200,001 rows), read back equal — nulls-only
    columns of each type included, with their types — and every column in one chunk."""
    frame = pl.DataFrame(
        {
            "record_key": [f"poverty:{i}" for i in range(rows)],
            "excel_row": pl.int_range(rows, eager=True),
            "sheet": pl.Series([None] * rows, dtype=pl.String),
            "birth": pl.Series([None] * rows, dtype=pl.Date),
            "id_birth": pl.Series([date(1970, 1, 1) if i % 3 else None for i in range(rows)]),
            "id_trusted": pl.Series([i % 2 == 0 for i in range(rows)]),
        }
    )
    path = tmp_path / "frame.parquet"
    spill._spilled(frame, path)
    back = spill.read_back(path)
    assert_frame_equal(back, frame)
    assert all(back[c].n_chunks() == 1 for c in back.columns)


def test_slices_come_back_in_the_order_of_the_rows_they_were_built_from(tmp_path: Path) -> None:
    """A folder of slices, each holding its rows' places in the source, reads back as
    the source's order."""
    folder = tmp_path / "records-poverty.parquet"
    folder.mkdir()
    rows = pl.DataFrame({"record_key": [f"k{i}" for i in range(10)]}).with_row_index("at")
    for i, places in enumerate(([7, 1, 4], [0, 9], [2, 3, 5, 6, 8])):
        part = rows[places].select("record_key", pl.col("at").alias(spill._POSITION))
        spill._spilled(part, folder / f"{i:04d}.parquet")
    assert spill.read_back(folder)["record_key"].to_list() == rows["record_key"].to_list()
