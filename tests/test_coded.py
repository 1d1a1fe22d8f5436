"""Columns of few values wait as categoricals (pipeline/coded.py) and come back as they were."""

from __future__ import annotations

import io

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipeline.coded import CODED_COLUMNS, as_text, coded, decoded

VALUES = st.lists(st.one_of(st.none(), st.sampled_from(["男", "女", "脱贫户", "", "一般农户 "])))


@given(VALUES, VALUES)
def test_coded_then_decoded_is_the_frame(sex: list[str | None], names: list[str | None]) -> None:
    n = min(len(sex), len(names))
    frame = pl.DataFrame(
        {"sex": sex[:n], "name": names[:n], "row_number": list(range(n))},
        schema={"sex": pl.String, "name": pl.String, "row_number": pl.Int64},
    )
    waiting = coded(frame)
    assert waiting.schema["sex"] == pl.Categorical  # named in CODED_COLUMNS
    assert waiting.schema["name"] == pl.String  # a name never is
    assert waiting.schema["row_number"] == pl.Int64
    assert decoded(waiting).equals(frame)
    assert waiting.select(as_text("sex")).to_series().equals(frame["sex"])


def test_only_named_text_columns_are_coded() -> None:
    assert {"name", "id_number", "phone", "address", "birth_date"}.isdisjoint(CODED_COLUMNS)
    frame = pl.DataFrame({"county": [1, 2]})  # not text: left as it is
    assert coded(frame).equals(frame)


def _arrow_bytes(frame: pl.DataFrame) -> int:
    """What the frame holds, views included (`estimated_size` leaves a text's views out)."""
    out = io.BytesIO()
    frame.write_ipc(out, compression="uncompressed")
    return out.tell()


def test_a_coded_column_takes_less_memory_than_its_text() -> None:
    frame = pl.DataFrame({"household_type": ["脱贫户", "一般农户", "监测对象"] * 20_000})
    assert _arrow_bytes(coded(frame)) < _arrow_bytes(frame) / 3
