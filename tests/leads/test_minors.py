"""A victim is masked as a minor when any linked row says under 18 at the case date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from pipeline.leads.minors import MINOR_COLUMN, age_on, minors_by_any_row, with_minor_flag
from pipeline.run import SAMPLE_DIR, RunInputs, RunResult, run

CASE_DAY = date(2024, 6, 1)


def rows(*births: tuple[str, date | None, date | None, str | None]) -> pl.DataFrame:
    """(person_id, birth, id_birth, stated 出生日期 as written) per row."""
    return pl.DataFrame(
        {
            "person_id": [b[0] for b in births],
            "birth": [b[1] for b in births],
            "id_birth": [b[2] for b in births],
            "birth_date": [b[3] for b in births],
        },
        schema={"person_id": pl.Utf8, "birth": pl.Date, "id_birth": pl.Date, "birth_date": pl.Utf8},
    )


LEADS = pl.DataFrame(
    {
        "person_id": ["P1", "P2", "P3", "P4", "P5"],
        "case_id": ["C1", "C1", "C1", "C1", "C2"],
        "case_accepted": [CASE_DAY, CASE_DAY, CASE_DAY, CASE_DAY, None],
    }
)


@pytest.mark.parametrize(
    ("person", "expected", "why"),
    [
        ("P1", True, "the monitoring row has a copied adult ID, the case row says 7"),
        ("P2", False, "every row says adult"),
        ("P3", False, "a birth date after the case date is an error, not a minor"),
        ("P4", True, "17 on the case date, adult today"),
        ("P5", True, "no case date: today"),
    ],
)
def test_any_row_under_18_at_the_case_date_makes_a_minor(
    person: str, expected: bool, why: str
) -> None:
    poverty = rows(
        ("P1", date(1984, 1, 1), date(1984, 1, 1), None),
        ("P2", date(1990, 1, 1), date(1990, 1, 1), None),
    )
    cases = rows(
        ("P1", date(1984, 1, 1), date(1984, 1, 1), "2017-03-05"),
        ("P2", None, None, "1990年1月1日"),
        ("P3", None, None, "2030-01-01"),
        ("P3", date(1980, 1, 1), None, None),
        ("P4", None, date(2006, 6, 2), None),
        ("P5", None, None, "20200101"),
    )
    minors = minors_by_any_row({"poverty": poverty, "cases": cases}, LEADS)
    got = dict(zip(minors["person_id"], minors[MINOR_COLUMN], strict=True))
    assert got[person] is expected, why


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2006, 6, 2), date(2024, 6, 1), 17),
        (date(2006, 6, 1), date(2024, 6, 1), 18),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        # months from October on: month * 100 overflowed an Int8 and turned the comparison
        (date(2007, 12, 31), date(2025, 6, 1), 17),
        (date(2007, 1, 2), date(2025, 12, 1), 18),
        (date(2007, 11, 30), date(2025, 11, 29), 17),
        (date(2007, 10, 1), date(2025, 10, 1), 18),
    ],
)
def test_age_on_counts_birthdays_not_yet_reached(birth: date, day: date, age: int) -> None:
    frame = pl.DataFrame({"b": [birth], "d": [day]})
    assert frame.select(age_on(pl.col("b"), pl.col("d")))[0, 0] == age


def test_the_flag_keeps_the_scores_own_minors_and_adds_the_others() -> None:
    candidates = pl.DataFrame(
        {"person_id": ["P1", "P2", "P3"], "case_id": ["C1"] * 3, "is_minor": [True, False, False]}
    )
    minors = pl.DataFrame(
        {"person_id": ["P1", "P2"], "case_id": ["C1", "C1"], MINOR_COLUMN: [False, True]}
    )
    flagged = with_minor_flag(candidates, minors)
    assert flagged[MINOR_COLUMN].to_list() == [True, True, False]


def test_sources_that_disagree_about_age_mask_the_name_for_everyone(tmp_path: Path) -> None:
    """An adult by the ID number, a child by the case's 出生日期: masked in 线索清单 and referrals."""
    first = run(RunInputs.sample(), out=tmp_path / "first")
    cases = pl.read_csv(SAMPLE_DIR / "cases.csv", infer_schema=False)
    # adult referred victims whose case row carries the (trusted) ID number itself
    adults = [
        (lead, rows)
        for lead in first.candidates.filter(
            ~pl.col("is_minor") & pl.col("candidate_id").is_in(_referred(first.folder))
        ).iter_rows(named=True)
        if (rows := _case_rows(lead["evidence"]))
        and all(cases["证件号码"][r - 1] == lead["id_number"] for r in rows)
    ]
    # The disagreement may split the person (the ID reads as another's: a new person_id), and
    # a victim split from the monitoring export may lose the hardship that referred them:
    # the first victim still referred after the change shows the masking.
    for attempt, (adult, case_rows) in enumerate(adults[:5]):
        second, lead = _with_child_birth_date(tmp_path / f"second-{attempt}", cases, case_rows)
        if lead["candidate_id"] in _referred(second.folder):
            name = adult["victim_name"]
            break
    else:
        pytest.fail("no adult victim stays referred once a case row says they are a child")
    assert lead["is_minor"] is False  # the score still reads the trusted ID's birth date
    assert lead[MINOR_COLUMN] is True
    for file, id_column, column in (
        ("referrals.csv", "candidate_id", "victim"),
        ("线索清单.csv", "线索编号", "被害人"),
    ):
        table = pl.read_csv(second.folder / file, infer_schema=False)
        row = table.filter(pl.col(id_column) == lead["candidate_id"]).row(0, named=True)
        assert row[column] == name[0] + "*" * (len(name) - 1), file
        assert not any(name in str(v) for v in row.values()), f"{file} quotes the name"
    assert second.manifest["counts"]["minors_masked"]["by_another_row_only"] >= 1


def _with_child_birth_date(
    out: Path, cases: pl.DataFrame, case_rows: list[int]
) -> tuple[RunResult, dict[str, Any]]:
    """A run whose case rows `case_rows` say 出生日期 2015-03-01, and the lead of the first."""
    out.mkdir(parents=True)
    child = cases.with_columns(
        pl.when(pl.int_range(1, pl.len() + 1).is_in(case_rows))
        .then(pl.lit("2015-03-01"))
        .otherwise(pl.col("出生日期"))
        .alias("出生日期")
    )
    child.write_csv(out / "cases.csv", include_bom=True)
    second = run(replace(RunInputs.sample(), cases=out / "cases.csv"), out=out / "run")
    # the disagreement may split the person (a new person_id): find the lead by its case row
    key = f"cases:cases.csv:{case_rows[0]}"
    lead = second.candidates.filter(pl.col("evidence").str.contains(key, literal=True))
    return second, lead.row(0, named=True)


def _case_rows(evidence: str) -> list[int]:
    return [int(k.rsplit(":", 1)[1]) for k in evidence.split("；") if k.startswith("cases:")]


def _referred(folder: Path) -> list[str]:
    return pl.read_csv(folder / "referrals.csv", infer_schema=False)["candidate_id"].to_list()
