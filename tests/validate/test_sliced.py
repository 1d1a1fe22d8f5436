"""A source checked a slice at a time gives what checking it whole gives: the same accepted
rows and flags (duplicate keys across slices included), the same quarantine, and the same
records for the expectation suite, drawn as a whole-source sample draws them."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.coded import CODED_COLUMNS, decoded
from pipeline.config import Config
from pipeline.ingest.read import JUNK_COLUMN, SourceFrame, read_source
from pipeline.normalise.prepare import prepare_source
from pipeline.state import RunInputs
from pipeline.validate.rows import validate_rows
from pipeline.validate.sliced import ExpectationRecords, validate_in_slices


def _source_with_repeats(source: str, config: Config) -> SourceFrame:
    """A sample source with copies of rows from its start at its end, so keys repeat across
    slices, and a blank row in the middle (a layout row the sample skips)."""
    read = read_source(source, RunInputs.sample().by_source()[source], config)
    frame = read.frame
    blank = frame.head(1).with_columns(pl.lit("blank_row").alias(JUNK_COLUMN))
    half = frame.height // 2
    frame = pl.concat([frame.head(half), blank, frame.slice(half), frame.head(7)])
    return SourceFrame(source, frame, read.files)


@pytest.mark.parametrize("source", ["poverty", "petitions", "cases", "relief_history"])
@pytest.mark.parametrize("slice_rows", [97, 1_000_000])
def test_slices_give_the_rows_flags_quarantine_and_sample_of_the_whole(
    source: str, slice_rows: int, config: Config
) -> None:
    whole = _source_with_repeats(source, config)
    frame = whole.frame
    spec, suite = config.source(source), config.suites[source]
    fields = frozenset({*spec.required, "id_status", JUNK_COLUMN, *suite.dates})
    cap = max(frame.height // 3, 1)
    expected = validate_rows(source, prepare_source(source, frame), spec, suite)
    prepared = prepare_source(source, frame)
    records = prepared.select(c for c in prepared.columns if c in fields)
    records = records.filter(pl.col(JUNK_COLUMN).is_null())

    sliced = validate_in_slices(whole, spec, suite, ExpectationRecords(fields, cap), slice_rows)

    assert whole.frame.height == 0  # the raw rows were handed over
    assert sliced.checked.accepted.equals(expected.accepted)
    assert sliced.checked.quarantined.equals(expected.quarantined)
    assert sliced.records_read == records.height
    assert sliced.records is not None
    assert sliced.records.equals(records.sample(n=cap, seed=0))
    if source == "poverty":
        assert sliced.checked.accepted["flags"].str.contains("duplicate_").any()


@pytest.mark.parametrize("source", ["poverty", "relief_history"])
def test_coded_slices_decode_to_the_rows_of_the_whole(source: str, config: Config) -> None:
    """The rows of a source without free text wait coded (pipeline/coded.py): the named
    columns of few values as categoricals, every value as it was."""
    spec, suite = config.source(source), config.suites[source]
    plain = validate_in_slices(_source_with_repeats(source, config), spec, suite, None, 97)
    rows = validate_in_slices(
        _source_with_repeats(source, config), spec, suite, None, 97, code=True
    )
    accepted = rows.checked.accepted
    categorical = {c for c, t in accepted.schema.items() if t == pl.Categorical}
    assert categorical and categorical <= CODED_COLUMNS
    assert decoded(accepted).equals(plain.checked.accepted)
    assert rows.checked.quarantined.equals(plain.checked.quarantined)


def test_without_a_cap_every_record_is_kept_in_order(config: Config) -> None:
    whole = _source_with_repeats("cases", config)
    spec, suite = config.source("cases"), config.suites["cases"]
    height = whole.frame.height
    sliced = validate_in_slices(
        whole, spec, suite, ExpectationRecords(frozenset({"row_number", JUNK_COLUMN}), height), 50
    )
    assert sliced.records is not None
    assert sliced.records["row_number"].len() == height - 1  # the blank row is layout
    assert sliced.records_read == height - 1
