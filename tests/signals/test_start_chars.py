"""The characters a match can start with, read from a parsed regex, and the search given them."""

from __future__ import annotations

import re
import re._parser as _re_parser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.signals.start_chars import start_chars, with_start_chars


def _chars(pattern: str) -> tuple[str, bool] | None:
    """The start characters as a sorted string of literals (ranges as lo-hi), and whether
    the pattern can match empty; None when they cannot be told."""
    found = start_chars(list(_re_parser.parse(pattern)))
    if found is None:
        return None
    items, empty = found
    shown = sorted(
        chr(av) if isinstance(av, int) else f"{chr(av[0])}-{chr(av[1])}" for _, av in items
    )
    return "".join(shown), empty


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("赔偿", ("赔", False)),
        ("(?:已|已经)?赔偿", ("已赔", False)),  # optional words: their start, or what follows
        ("(?:已|已经)?(?:代为|代其)*(?:赔偿|补偿)", ("代已补赔", False)),
        ("(?<!被害人)(?<!为)(?:已|并)?垫付", ("垫已并", False)),  # lookbehinds: zero width
        ("(?=[甲乙]某)(?:王|李)某", ("李王", False)),  # a lookahead consumes nothing
        ("[0-9]+元", ("0-9", False)),
        ("(?:未)?(?:获得)?", ("未获", True)),  # may match empty: every position may start one
        ("[^,;]{0,6}赔偿", None),  # a negated class: its complement is no list
        (".赔偿", None),
        ("(a)\\1", ("a", False)),
        ("(?i:a)b", None),  # a scoped flag: its case folding is not told here
    ],
)
def test_start_chars(pattern: str, expected: tuple[str, bool] | None) -> None:
    assert _chars(pattern) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "(?:已|已经)?(?:代为|代其)*(?:赔偿|补偿)(?P<num>\\d+)?",
        "(?<!被害人)(?<!为)(?:已|并)?垫付",
        "(?=[甲乙]某)(?:王|李)某",
        "(?:至今|仍)?(?:尚未|未)(?:获得|得到)?赔偿",
    ],
)
def test_a_pattern_with_optional_words_first_is_given_its_start(pattern: str) -> None:
    quick = with_start_chars(re.compile(pattern))
    assert quick is not re.compile(pattern)
    assert quick.pattern == pattern and quick.groupindex == re.compile(pattern).groupindex


@pytest.mark.parametrize(
    "pattern",
    [
        "赔偿",  # a literal prefix: the compiler's own shortcut
        "[甲乙]某",  # a class first: the compiler's own shortcut
        "(?:未)?(?:获得)?",  # may match empty
        "[^,;]{0,6}赔偿",
        "(?i)(?:a)?b",  # flags
    ],
)
def test_a_pattern_is_kept_where_there_is_nothing_to_add(pattern: str) -> None:
    assert with_start_chars(re.compile(pattern)) is re.compile(pattern)


_OPTIONAL_FIRST = [
    "(?:已|已经)?(?:代为|代其)*(?:赔偿|补偿)(?P<num>\\d+)?",
    "(?<!被害人)(?<!为)(?:已|并)?垫付(?:了)?",
    "(?=[甲乙]某)(?:王|李)某",
    "(?:至今|仍)?(?:尚未|未)(?:获得|得到)?赔偿",
    "(?:\\d+)?[元万]",
]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="已经代为其赔偿补未获得至今仍尚垫付了被害人甲乙王李某0123元万,", max_size=40)
)
def test_the_search_given_start_characters_finds_the_same_matches(text: str) -> None:
    for pattern in _OPTIONAL_FIRST:
        plain, quick = re.compile(pattern), with_start_chars(re.compile(pattern))
        assert [(m.span(), m.groups()) for m in quick.finditer(text)] == [
            (m.span(), m.groups()) for m in plain.finditer(text)
        ]
