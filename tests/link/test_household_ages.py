"""Birth years a household allows a monitoring row whose own birth date is unknown."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipeline.config import load_config
from pipeline.link.household_ages import with_birth_bounds

VOCABULARY = load_config().vocabulary


def household(members: list[tuple[str, date | None]], trusted: bool = True) -> pl.DataFrame:
    """One household's monitoring rows: (relation, birth date); IDs trusted where dated."""
    return pl.DataFrame(
        {
            "household_id": ["H1"] * len(members),
            "relation": [m[0] for m in members],
            "birth": [m[1] for m in members],
            "id_trusted": [trusted and m[1] is not None for m in members],
        },
        schema_overrides={"birth": pl.Date},
    )


def bounds(members: list[tuple[str, date | None]], trusted: bool = True) -> list[object]:
    """(first year, last year) per row, None where the row is not bounded."""
    out = with_birth_bounds(household(members, trusted), VOCABULARY)
    return [
        None if low is None else (low.year, high.year)
        for low, high in zip(out["birth_low"], out["birth_high"], strict=True)
    ]


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        # a son whose ID was lost: 18-45 years after the head
        ([("户主", date(1958, 5, 1)), ("之子", None)], [None, (1976, 2003)]),
        # the head whose ID was lost: a son born 1990 puts him at 1945-1972
        ([("户主", None), ("之子", date(1990, 1, 1))], [(1945, 1972), None]),
        # two members bound the head together: 1945-1972 and 1940-1967 meet at 1945-1967
        (
            [("户主", None), ("之子", date(1990, 1, 1)), ("之父", date(1922, 1, 1))],
            [(1945, 1967), None, None],
        ),
        # a spouse within 12 years of the head; a grandchild 36-80 years after
        ([("户主", date(1950, 1, 1)), ("配偶", None)], [None, (1938, 1962)]),
        ([("户主", date(1950, 1, 1)), ("之孙女", None)], [None, (1986, 2030)]),
        # the spouse as the only dated member: the head within 12 years, the son after that
        ([("配偶", date(1960, 1, 1)), ("之子", None)], [None, (1966, 2017)]),
        # a relation of no fixed age, or no dated member: not bounded
        ([("户主", date(1950, 1, 1)), ("之兄弟姐妹", None)], [None, None]),
        ([("户主", None), ("之子", None)], [None, None]),
        # members whose bounds do not meet (a son older than the father): nobody is bounded
        (
            [("户主", None), ("之子", date(1990, 1, 1)), ("之父", date(1990, 1, 1))],
            [None, None, None],
        ),
    ],
)
def test_household_bounds_table(
    members: list[tuple[str, date | None]], expected: list[object]
) -> None:
    assert bounds(members) == expected


def test_an_untrusted_id_bounds_nobody() -> None:
    assert bounds([("户主", date(1958, 5, 1)), ("之子", None)], trusted=False) == [None, None]


def test_households_are_bounded_apart() -> None:
    frame = pl.concat(
        [
            household([("户主", date(1958, 5, 1)), ("之子", None)]),
            household([("户主", date(1980, 1, 1)), ("之子", None)]).with_columns(
                pl.lit("H2").alias("household_id")
            ),
        ]
    )
    out = with_birth_bounds(frame, VOCABULARY)
    assert out["birth_low"].dt.year().to_list() == [None, 1976, None, 1998]


def test_frames_without_relations_get_empty_bounds() -> None:
    out = with_birth_bounds(household([("户主", None)]).drop("relation"), VOCABULARY)
    assert out["birth_low"].null_count() == out.height == out["birth_high"].null_count()
