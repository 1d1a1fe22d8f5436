"""A valid ID number whose birth date disagrees with the row's stated 出生日期: the row's own
number beside a mistyped date, or another person's number (pipeline/link/disputed_ids.py).

One row per case: the case row's stated date and sex, who else holds its number, and what
the linkage table keeps."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from pipeline.config import load_config
from pipeline.link.records import linkage_records

VOCABULARY = load_config().vocabulary
CASE = "商南检刑诉受[2023]611023000002号"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _valid_id(body17: str) -> str:
    return (
        body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _WEIGHTS, strict=True)) % 11]
    )


OWN = _valid_id("61102319900312123")  # born 1990-03-12, male (7th-last digit odd)
HEAD = _valid_id("61102319620501123")  # the household head's, born 1962-05-01


def _row(source: str, key: str, **values: Any) -> dict[str, Any]:
    base = {
        "record_key": key,
        "source": source,
        "name_norm": "张建国",
        "name_pinyin": "zhang jian guo",
        "id_norm": None,
        "id_status": "missing",
        "id_trusted": False,
        "id_birth": None,
        "id_sex": None,
        "birth": None,
        "sex": None,
        "sex_norm": None,
        "phone_norm": None,
        "birth_date": None,
        "household_id": None,
        "relation": None,
        "case_id": None,
    }
    return base | values


def _holding(number: str, born: date, **values: Any) -> dict[str, Any]:
    return {
        "id_norm": number,
        "id_status": "valid",
        "id_trusted": True,
        "id_birth": born,
        "birth": born,
        "id_sex": "M",
        "sex_norm": "M",
    } | values


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    types = {"id_birth": pl.Date, "birth": pl.Date, "id_trusted": pl.Boolean}
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(pl.col(c).cast(types.get(c, pl.Utf8)) for c in frame.columns)


# (case, the case row's number, stated date, stated sex, monitoring rows (household H1),
#  other case rows, expected (id_norm, trusted, birth))
CASES = [
    (
        "month and day swapped, the export holds the number under the name: the date is the typo",
        OWN, "1990-12-03", "男", [_holding(OWN, date(1990, 3, 12), relation="户主")], [],
        (OWN, True, date(1990, 3, 12)),
    ),
    (
        "another year, another case row holds the number under the name: the date is the typo",
        OWN, "1978-07-21", None, [], [_holding(OWN, date(1990, 3, 12), birth_date="1990-03-12")],
        (OWN, True, date(1990, 3, 12)),
    ),
    (
        "one character off, held under the name: the row's, trusted",
        OWN, "1990-03-13", "男", [_holding(OWN, date(1990, 3, 12), relation="户主")], [],
        (OWN, True, date(1990, 3, 12)),
    ),
    (
        "one character off, held by nobody: kept untrusted (as before)",
        OWN, "1990-03-13", "男", [], [],
        (OWN, False, date(1990, 3, 13)),
    ),
    (
        "another year, held by nobody: another person's, dropped (as before)",
        OWN, "1978-07-21", "男", [], [],
        (None, False, date(1978, 7, 21)),
    ),
    (
        "the head's number in a son's case row: held under the head's name, dropped",
        HEAD, "1990-03-12", "男",
        [_holding(HEAD, date(1962, 5, 1), relation="户主", name_norm="张军顺",
                  name_pinyin="zhang jun shun")],
        [],
        (None, False, date(1990, 3, 12)),
    ),
    (
        "a father and a son of one name in one household: either's, dropped",
        HEAD, "1990-03-12", "男",
        [_holding(HEAD, date(1962, 5, 1), relation="户主"), {"relation": "之子"}],
        [],
        (None, False, date(1990, 3, 12)),
    ),
    (
        "held under the name but of the other sex than stated: not a typo, dropped",
        OWN, "1990-12-03", "女", [_holding(OWN, date(1990, 3, 12), relation="户主")], [],
        (None, False, date(1990, 12, 3)),
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("number", "stated", "sex", "monitoring", "other_cases", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_disputed_number_is_the_rows_where_another_row_holds_it_under_the_name(
    number: str,
    stated: str,
    sex: str | None,
    monitoring: list[dict[str, Any]],
    other_cases: list[dict[str, Any]],
    expected: tuple[str | None, bool, date],
) -> None:
    id_birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    case_row = _row(
        "cases", "cases:0", case_id=CASE, birth_date=stated, sex=sex,
        **_holding(number, id_birth),
    )  # fmt: skip
    poverty = [
        _row("poverty", f"poverty:{i}", household_id="H1") | row for i, row in enumerate(monitoring)
    ]
    cases = [case_row] + [
        _row("cases", f"cases:{i + 1}", case_id=CASE) | row for i, row in enumerate(other_cases)
    ]
    prepared = {"cases": _frame(cases)} | ({"poverty": _frame(poverty)} if poverty else {})
    records = linkage_records(prepared, VOCABULARY).filter(pl.col("record_key") == "cases:0")
    id_norm, trusted, birth = expected
    assert records["id_norm"].item() == id_norm
    assert records["id_trusted"].item() is trusted
    assert records["trusted_id"].item() == (id_norm if trusted else None)
    assert records["birth"].item() == birth
    assert records["id_status"].item() == ("valid" if id_norm else "foreign")
