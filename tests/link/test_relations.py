"""IDs whose birth date contradicts the row's relation to the household head."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipeline.config import load_config
from pipeline.link.relations import drop_ids_contradicting_relation

VOCABULARY = load_config().vocabulary


def household(members: list[tuple[str, date | None]]) -> pl.DataFrame:
    """One household's monitoring rows: (relation, ID birth date), IDs trusted."""
    return pl.DataFrame(
        {
            "record_key": [f"r{i}" for i in range(len(members))],
            "household_id": ["H1"] * len(members),
            "relation": [m[0] for m in members],
            "id_norm": [f"ID{i}" for i in range(len(members))],
            "id_status": ["valid"] * len(members),
            "id_trusted": [True] * len(members),
            "id_birth": [m[1] for m in members],
            "id_sex": ["M"] * len(members),
            "birth": [m[1] for m in members],
            "sex_norm": ["M"] * len(members),
        },
        schema_overrides={"id_birth": pl.Date, "birth": pl.Date},
    )


def kept(frame: pl.DataFrame) -> list[bool]:
    return drop_ids_contradicting_relation(frame, VOCABULARY)["id_norm"].is_not_null().to_list()


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # a son born before his father: the ID is not his
        ([("户主", date(1960, 1, 1)), ("之子", date(1958, 5, 1))], [True, False]),
        # a son 25 years younger: fine
        ([("户主", date(1960, 1, 1)), ("之子", date(1985, 5, 1))], [True, True]),
        # a grandchild must be 24 years younger than the head at least
        ([("户主", date(1960, 1, 1)), ("之孙女", date(1975, 1, 1))], [True, False]),
        ([("户主", date(1960, 1, 1)), ("之孙女", date(2010, 1, 1))], [True, True]),
        # a father younger than the head
        ([("户主", date(1960, 1, 1)), ("之父", date(1970, 1, 1))], [True, False]),
        # no head row: the spouse is the reference (宋正成: grandson born 1946, spouse 1938)
        ([("配偶", date(1938, 1, 3)), ("之孙子", date(1946, 10, 14))], [True, False]),
        # relations of no fixed generation and missing births are not checked
        ([("户主", date(1960, 1, 1)), ("之兄弟姐妹", date(1990, 1, 1))], [True, True]),
        ([("户主", None), ("之子", date(1950, 1, 1))], [True, True]),
        ([("户主", date(1960, 1, 1)), ("其他", None)], [True, True]),
    ],
)
def test_relation_table(members: list[tuple[str, date | None]], expected: list[bool]) -> None:
    assert kept(household(members)) == expected


def test_a_dropped_id_takes_its_birth_date_sex_and_trust_along() -> None:
    out = drop_ids_contradicting_relation(
        household([("户主", date(1960, 1, 1)), ("之子", date(1958, 5, 1))]), VOCABULARY
    ).row(1, named=True)
    assert out["id_norm"] is None and out["birth"] is None and out["sex_norm"] is None
    assert out["id_status"] == "foreign" and out["id_trusted"] is False


def test_an_untrusted_head_id_is_no_reference() -> None:
    frame = household([("户主", date(1960, 1, 1)), ("之子", date(1958, 5, 1))]).with_columns(
        pl.Series("id_trusted", [False, True])
    )
    assert kept(frame) == [True, True]


def test_frames_without_relations_pass_unchanged() -> None:
    frame = household([("户主", date(1960, 1, 1))]).drop("relation")
    assert drop_ids_contradicting_relation(frame, VOCABULARY).equals(frame)
