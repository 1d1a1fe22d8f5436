"""The shortcuts of the text patterns' matcher find exactly what the plain search finds."""

from __future__ import annotations

import pickle
import re
import unicodedata
from dataclasses import fields
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.signals.patterns import (
    CaseTextRules,
    FactRule,
    Hit,
    PetitionTextRules,
    TextPatterns,
    _snippet,
    fold_text,
    load_text_patterns,
    required_word_sets,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def _rules(patterns: TextPatterns, kind: str) -> dict[str, FactRule]:
    book = patterns.case if kind == "case" else patterns.petition
    cls = CaseTextRules if kind == "case" else PetitionTextRules
    return {f.name: getattr(book, f.name) for f in fields(cls)}


def _each_rule(patterns: TextPatterns, kind: str, text: str) -> dict[str, tuple[Hit, ...]]:
    return {name: rule.find(text) for name, rule in _rules(patterns, kind).items()}


def _find_all(patterns: TextPatterns, kind: str, text: str) -> dict[str, tuple[Hit, ...]]:
    return (patterns.case if kind == "case" else patterns.petition).find_all(text)


def _sample_texts() -> list[tuple[str, str]]:
    cases = pd.read_csv(SAMPLE / "cases.csv", encoding="utf-8-sig", dtype=str)
    petitions = pd.read_csv(SAMPLE / "petitions.csv", encoding="gb18030", dtype=str)
    return [("case", t) for t in cases["案情摘要"].dropna().unique()] + [
        ("petition", t) for t in petitions["信访事项"].dropna().unique()
    ]


def _every_pattern(patterns: TextPatterns, kind: str, text: str) -> dict[str, tuple[Hit, ...]]:
    """Each rule's hits with every pattern run, whatever words the text holds."""
    return {
        name: rule.find_among(text, range(len(rule._plan)))
        for name, rule in _rules(patterns, kind).items()
    }


def test_all_rules_at_once_find_what_each_rule_finds_in_the_sample_texts() -> None:
    patterns = load_text_patterns()
    texts = _sample_texts()
    assert len(texts) > 100
    for kind, text in texts:
        folded = fold_text(text)
        found = _find_all(patterns, kind, folded)
        assert (
            found == _each_rule(patterns, kind, folded) == _every_pattern(patterns, kind, folded)
        ), text


def _pattern_words() -> list[str]:
    patterns = load_text_patterns()
    return sorted(
        {
            word
            for kind in ("case", "petition")
            for rule in _rules(patterns, kind).values()
            for sets in rule.words.values()
            for words in sets
            for word in words
        }
    )


# texts made of the patterns' own words, names, amounts and punctuation: enough of them
# match something for the comparison to mean something
_PIECES = st.sampled_from(
    [*_pattern_words(), "被害人王某", "被告人李某", "张某某", "3000元", "2.5万元", ",", "。", "、"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.sampled_from(["case", "petition"]))
def test_all_rules_at_once_find_what_each_rule_finds(pieces: list[str], kind: str) -> None:
    patterns = load_text_patterns()
    text = "".join(pieces)
    found = _find_all(patterns, kind, text)
    # the words a text holds only spare the patterns that cannot match it
    assert found == _each_rule(patterns, kind, text) == _every_pattern(patterns, kind, text)


@pytest.mark.parametrize("used", [False, True])
def test_rules_read_the_same_after_pickling(used: bool) -> None:
    # the worker processes get the patterns pickled, maybe after this process has read
    patterns = load_text_patterns()
    text = fold_text("被告人李某驾车将被害人王某撞伤，致其轻伤二级，至今未赔偿，家庭生活困难。")
    if used:
        patterns.case.find_all(text)
    copy = pickle.loads(pickle.dumps(patterns))
    assert copy.case.find_all(text) == patterns.case.find_all(text)
    assert copy == patterns


def _quick_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(plain, quick) of every plan pattern given its start characters."""
    patterns = load_text_patterns()
    pairs = {}
    for kind in ("case", "petition"):
        for rule in _rules(patterns, kind).values():
            for _, _, pattern, _ in rule._plan:
                plain = re.compile(pattern.pattern)
                if pattern is not plain:
                    pairs[pattern.pattern] = (plain, pattern)
    return list(pairs.values())


def test_the_patterns_that_start_with_optional_words_are_given_their_start_characters() -> None:
    quick = _quick_patterns()
    assert len(quick) > 20
    assert any(plain.pattern.startswith("(?:已|已经)?") for plain, _ in quick)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25))
def test_a_pattern_given_its_start_characters_finds_what_the_plain_one_finds(
    pieces: list[str],
) -> None:
    text = "".join(pieces)
    for plain, quick in _quick_patterns():
        found = [(m.span(), m.groupdict()) for m in quick.finditer(text)]
        assert found == [(m.span(), m.groupdict()) for m in plain.finditer(text)], plain.pattern


def test_rules_unpickled_keep_their_start_characters() -> None:
    patterns = pickle.loads(pickle.dumps(load_text_patterns()))
    plans = [p for r in _rules(patterns, "case").values() for _, _, p, _ in r._plan]
    assert sum(p is not re.compile(p.pattern) for p in plans) > 20


_FOLDABLE = st.text(
    alphabet=st.one_of(
        st.characters(),  # any code point, combining marks and compatibility forms included
        st.sampled_from("，；：！？（）０１９ＡＺａｚ\u3000 \t\n。、被害人赔偿\u0301\u0308"),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_FOLDABLE)
def test_fold_text_is_nfkc_without_whitespace(text: str) -> None:
    # full-width forms are mapped before the NFKC check: the same text as normalising all
    assert fold_text(text) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="赔偿,;。!?:被害人", max_size=30), st.data())
def test_a_snippet_is_cut_at_the_last_clause_break_before_the_hit(text: str, data: Any) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    pad = data.draw(st.integers(0, 12))
    left = max(0, start - pad)
    breaks = list(re.finditer(r"[,;。!?]", text[:start]))
    left = max(left, breaks[-1].end() if breaks else 0)
    right_break = re.compile(r"[,;。!?]").search(text, end, end + pad)
    right = right_break.start() if right_break else min(len(text), end + pad)
    assert _snippet(text, start, end, pad) == text[left:right]


@pytest.mark.parametrize(
    ("pattern", "sets"),
    [
        ("赔偿", (("赔偿",),)),
        ("已(?:全额|全部)赔偿", (("已全部赔偿", "已全额赔偿"),)),
        # every set the top level requires, most selective or not
        ("(?:被害人|受害人)[^,]{0,14}?(?:支付|付款)", (("受害人", "被害人"), ("付款", "支付"))),
        ("(?:已|已经)?(?:代为|代其)*(?:赔偿|补偿)", (("补偿", "赔偿"),)),  # optional parts: none
        (
            "(?:未|没有)(?:获得|得到)?赔偿|拒不赔偿",
            (("拒不赔偿", "赔偿"),),
        ),  # each branch: its best
        ("[^,]{0,6}", ()),
    ],
)
def test_required_word_sets(pattern: str, sets: tuple[tuple[str, ...], ...]) -> None:
    assert required_word_sets(pattern) == sets
