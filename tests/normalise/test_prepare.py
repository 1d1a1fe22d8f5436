"""prepare_source: the normalised columns of a source, the same prepared whole or in slices."""

from __future__ import annotations

import pytest

from pipeline.config import Config
from pipeline.ingest.read import read_source
from pipeline.normalise.prepare import prepare_source
from pipeline.state import RunInputs


@pytest.mark.parametrize("source", ["poverty", "cases", "petitions"])
def test_preparing_in_slices_gives_the_same_frame(source: str, config: Config) -> None:
    """Every normaliser works row by row: slices bound memory and change no value."""
    frame = read_source(source, RunInputs.sample().by_source()[source], config).frame
    whole = prepare_source(source, frame)
    sliced = prepare_source(source, frame, slice_rows=97)
    assert frame.height > 97 * 3
    assert sliced.equals(whole)
    assert sliced.schema == whole.schema
