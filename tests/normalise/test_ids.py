"""ID numbers: cleaning, repair, check digit, decoded fields, and their invariants."""

from __future__ import annotations

import re
from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.normalise.ids import (
    ID_STATUSES,
    id_birth,
    id_check_char,
    id_norm,
    id_region,
    id_sex,
    id_status,
    id_text,
    is_trusted_id,
    with_id_columns,
)

PROPERTY = settings(max_examples=200, deadline=None)
# Each example of these checks a batch of IDs (or ~180 mutants) in one frame: fewer
# examples suffice.
BATCHED = settings(max_examples=100, deadline=None)
ID_COLUMNS = {
    "id_norm": pl.String,
    "id_status": pl.String,
    "id_birth": pl.Date,
    "id_sex": pl.String,
    "id_region": pl.String,
}
NORM_SHAPE = re.compile(r"\d{17}[\dX]")

VALID = "611023199001011239"  # 商南县, 1990-01-01, sequence 123 (odd: male)
GB_EXAMPLE = "11010519491231002X"  # the standard's own example, female


def one_row(raw: str | None) -> dict[str, object]:
    return with_id_columns(pl.DataFrame({"id_number": [raw]}, schema={"id_number": pl.String}))[
        0
    ].to_dicts()[0]


@pytest.mark.parametrize(
    ("raw", "norm", "status", "birth", "sex", "region"),
    [
        (VALID, VALID, "valid", date(1990, 1, 1), "M", "611023"),
        (GB_EXAMPLE, GB_EXAMPLE, "valid", date(1949, 12, 31), "F", "110105"),
        (GB_EXAMPLE.lower(), GB_EXAMPLE, "valid", date(1949, 12, 31), "F", "110105"),
        ("'" + VALID, VALID, "valid", date(1990, 1, 1), "M", "611023"),
        (" 6110 2319-9001\t011239 ", VALID, "valid", date(1990, 1, 1), "M", "611023"),
        ("６１１０２３１９９００１０１１２３９", VALID, "valid", date(1990, 1, 1), "M", "611023"),
        (
            "１１０１０５１９４９１２３１００２Ｘ",
            GB_EXAMPLE,
            "valid",
            date(1949, 12, 31),
            "F",
            "110105",
        ),
        ("611023900101123", VALID, "legacy15", date(1990, 1, 1), "M", "611023"),
        # one digit mistyped / two neighbours swapped: kept, flagged
        ("611023199001011238", "611023199001011238", "bad_check", date(1990, 1, 1), "M", "611023"),
        ("611023199001012139", "611023199001012139", "bad_check", date(1990, 1, 1), "M", "611023"),
        ("611023199001011329", "611023199001011329", "bad_check", date(1990, 1, 1), "F", "611023"),
        # Excel float damage
        (
            "6.110231990010112e+17",
            "611023199001011200",
            "excel_damaged",
            date(1990, 1, 1),
            None,
            "611023",
        ),
        (
            "6.110231990010112E+17",
            "611023199001011200",
            "excel_damaged",
            date(1990, 1, 1),
            None,
            "611023",
        ),
        (
            "611023199001011200.0",
            "611023199001011200",
            "excel_damaged",
            date(1990, 1, 1),
            None,
            "611023",
        ),
        (
            "611023199001011000",
            "611023199001011000",
            "excel_damaged",
            date(1990, 1, 1),
            None,
            "611023",
        ),
        ("611023900101123.0", VALID, "excel_damaged", date(1990, 1, 1), None, "611023"),
        ("6.11023E+17", None, "excel_damaged", None, None, None),
        # wrong shapes and empties
        ("6110231990010112", None, "bad_shape", None, None, None),
        ("6110231990010112X9", None, "bad_shape", None, None, None),
        ("61102319900101123X9", None, "bad_shape", None, None, None),
        ("无", None, "bad_shape", None, None, None),
        ("1.5", None, "bad_shape", None, None, None),
        ("", None, "missing", None, None, None),
        ("  '\t", None, "missing", None, None, None),
        (None, None, "missing", None, None, None),
        ("611023" + "29990101123", None, "bad_shape", None, None, None),  # 17 characters
        # check digit right, birth date impossible: valid, birth null
        ("611023199013011236", "611023199013011236", "valid", None, "M", "611023"),
    ],
)
def test_id_columns_table(
    raw: str | None,
    norm: str | None,
    status: str,
    birth: date | None,
    sex: str | None,
    region: str | None,
) -> None:
    row = one_row(raw)
    assert (row["id_norm"], row["id_status"]) == (norm, status)
    assert (row["id_birth"], row["id_sex"], row["id_region"]) == (birth, sex, region)


def test_future_birth_date_is_null() -> None:
    tomorrow = date.today() + timedelta(days=1)
    first17 = f"611023{tomorrow:%Y%m%d}123"
    row = one_row(first17 + id_check_char(first17))
    assert row["id_status"] == "valid"
    assert row["id_birth"] is None


@pytest.mark.parametrize(
    ("first17", "check"),
    [("11010519491231002", "X"), ("44052418800101001", "4"), ("61102319900101123", "9")],
)
def test_id_check_char(first17: str, check: str) -> None:
    assert id_check_char(first17) == check


@pytest.mark.parametrize("bad", ["", "1101051949123100", "110105194912310021", "1101051949123100X"])
def test_id_check_char_refuses_wrong_input(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_check_char(bad)


def test_single_expressions_agree_with_frame_helper() -> None:
    raws = [VALID, "611023900101123", "6.11023E+17", "611023199001011200", "x", None]
    df = pl.DataFrame({"raw": raws}, schema={"raw": pl.String})
    singles = df.select(
        id_norm("raw"), id_status("raw"), id_birth("raw"), id_sex("raw"), id_region("raw")
    )
    helper = with_id_columns(df, "raw").drop("raw")
    assert singles.equals(helper)
    trusted = df.select(is_trusted_id(pl.col("raw"))).to_series().to_list()
    assert trusted == [True, True, False, False, False, False]


def test_frame_helper_keeps_columns_and_handles_empty_frame() -> None:
    df = pl.DataFrame(
        {"id_number": [], "other": []}, schema={"id_number": pl.String, "other": pl.Int64}
    )
    out = with_id_columns(df)
    assert out.schema == pl.Schema({"id_number": pl.String, "other": pl.Int64, **ID_COLUMNS})


# --- properties --------------------------------------------------------------------

maybe_text = st.one_of(st.none(), st.text())


@st.composite
def valid_ids(draw: st.DrawFn, legacy: bool = False) -> str:
    """A random well-formed ID (18 characters), or a 15-digit legacy number."""
    region = draw(st.integers(min_value=100_000, max_value=899_999))
    latest = date(1999, 12, 31) if legacy else date.today()
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=latest))
    sequence = draw(st.integers(min_value=0, max_value=999))
    if legacy:
        return f"{region}{born:%y%m%d}{sequence:03d}"
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


@PROPERTY
@given(st.lists(maybe_text, max_size=30))
def test_id_columns_are_total_on_any_text(raws: list[str | None]) -> None:
    out = with_id_columns(pl.DataFrame({"id_number": raws}, schema={"id_number": pl.String}))
    assert out.height == len(raws)
    assert {name: out.schema[name] for name in ID_COLUMNS} == ID_COLUMNS
    assert set(out["id_status"].to_list()) <= set(ID_STATUSES)
    assert all(NORM_SHAPE.fullmatch(v) for v in out["id_norm"].drop_nulls())
    assert set(out["id_sex"].drop_nulls()) <= {"M", "F"}
    assert all(r == n[:6] for r, n in zip(out["id_region"], out["id_norm"], strict=True) if n)
    assert (out["id_status"] == "missing").to_list() == [
        t is None for t in out.select(id_text("id_number")).to_series()
    ]


@PROPERTY
@given(st.lists(maybe_text, max_size=30))
def test_id_text_is_idempotent(raws: list[str | None]) -> None:
    df = pl.DataFrame({"raw": raws}, schema={"raw": pl.String})
    once = df.select(id_text("raw")).to_series()
    twice = df.select(id_text(id_text("raw"))).to_series()
    assert once.to_list() == twice.to_list()


@BATCHED
@given(valid_ids())
def test_every_single_digit_error_fails_the_check(valid: str) -> None:
    mutants = {
        valid[:i] + c + valid[i + 1 :]
        for i in range(18)
        for c in ("0123456789X" if i == 17 else "0123456789")
    }
    mutants |= {
        valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :]
        for i in range(17)
        if valid[i] != valid[i + 1]
    }
    df = pl.DataFrame({"raw": sorted(mutants)}).with_columns(id_status("raw"))
    for raw, status in df.iter_rows():
        if raw == valid:
            assert status == "valid"
        elif "X" in raw[:17]:
            assert status == "bad_shape", raw  # an X swapped away from the end
        elif raw.endswith("00") or (raw.isdigit() and float(int(raw)) == int(raw)):
            # Indistinguishable from Excel's zeroed tail or a float read back from a number
            # cell; flagged as that instead (both are untrusted, so linking is the same).
            assert status == "excel_damaged", raw
        else:
            assert status == "bad_check", raw


def decode(raws: list[str]) -> list[dict[str, object]]:
    return with_id_columns(
        pl.DataFrame({"id_number": raws}, schema={"id_number": pl.String})
    ).to_dicts()


@BATCHED
@given(st.lists(valid_ids(legacy=True), min_size=1, max_size=20))
def test_legacy_upgrade_gives_a_valid_id(legacies: list[str]) -> None:
    rows = decode(legacies)
    assert [row["id_status"] for row in rows] == ["legacy15"] * len(legacies)
    upgraded = [str(row["id_norm"]) for row in rows]
    for legacy, new in zip(legacies, upgraded, strict=True):
        assert new[:6] + new[8:17] == legacy and new[6:8] == "19"
    again = decode(upgraded)
    assert [row["id_status"] for row in again] == ["valid"] * len(legacies)
    assert [row["id_birth"] for row in again] == [row["id_birth"] for row in rows]


@BATCHED
@given(st.lists(valid_ids().filter(lambda v: v[-1] != "X"), min_size=1, max_size=20))
def test_float_damage_is_recovered_within_float_precision(valids: list[str]) -> None:
    as_floats = [repr(float(int(v))) for v in valids]  # what pandas writes for a numeric cell
    for valid, as_float, row in zip(valids, as_floats, decode(as_floats), strict=True):
        assert row["id_status"] == "excel_damaged"
        assert row["id_sex"] is None
        significant = len(as_float.split("e")[0].replace(".", ""))
        if significant >= 14:
            assert isinstance(row["id_norm"], str)
            # the float is within half its spacing (64 here) of the ID, its shortest
            # repr within half a spacing of the float
            assert abs(int(row["id_norm"]) - int(valid)) <= 128


@BATCHED
@given(st.lists(valid_ids(), min_size=1, max_size=20))
def test_valid_ids_decode_to_their_parts(valids: list[str]) -> None:
    for valid, row in zip(valids, decode(valids), strict=True):
        assert row["id_status"] == "valid"
        assert row["id_norm"] == valid
        assert row["id_region"] == valid[:6]
        assert row["id_birth"] == date(int(valid[6:10]), int(valid[10:12]), int(valid[12:14]))
        assert row["id_sex"] == ("M" if int(valid[16]) % 2 else "F")


def test_a_number_cell_read_back_from_excel_is_called_excel_damage() -> None:
    damaged = str(int(float(611023199503157777)))  # the float holds 611023199503157760
    assert not damaged.endswith("00")
    status = pl.DataFrame({"raw": [damaged]}).with_columns(id_status("raw"))["id_status"]
    assert status[0] == "excel_damaged"
