"""Text patterns (schemas/text_patterns.yaml), compiled once, and the matcher that applies them.

A fact (injury, compensation, hardship ...) is a `FactRule`: regexes per value plus
masks. `FactRule.find` searches all of them and resolves overlapping hits
leftmost-longest, so a negated phrase that starts before the positive phrase inside it
(未获赔偿 vs 赔偿, 未全额赔偿 vs 全额赔偿) wins; masks then drop out.
"""

from __future__ import annotations

import hashlib
import re
import re._constants as _re_constants
import re._parser as _re_parser
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import ahocorasick
import yaml

from pipeline.errors import ConfigError
from pipeline.signals.start_chars import with_start_chars

TEXT_PATTERNS_PATH = Path(__file__).resolve().parents[2] / "schemas" / "text_patterns.yaml"
# The values each fact may produce: the output contract of pipeline/signals, so the
# YAML may reword patterns freely but cannot invent a value downstream code never sees.
FACT_VALUES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "injury": frozenset({"死亡", "重伤", "轻伤", "轻微伤"}),
        "loss_amount": frozenset({"amount"}),
        # `paid` (an amount paid) is compared with the loss by case_text.py and leaves
        # it as full or partial: it never reaches the output
        "compensation": frozenset({"full", "partial", "none", "unable", "paid", "spent"}),
        "forgiveness": frozenset({"forgiven", "not_forgiven"}),
        "settlement": frozenset({"paid", "unpaid"}),
    }
)
FLAG_VALUE = "yes"
_FRAGMENT = re.compile(r"<<([A-Z_]+)>>")
_CLAUSE_BREAK = re.compile(r"[,;。!?]")
# the text up to the last clause break (greedy): where the clause of a hit starts
_UP_TO_LAST_CLAUSE_BREAK = re.compile(r".*[,;。!?]", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


# full-width forms (，：０-９Ａ-Ｚ) and the ideographic space, each to what NFKC makes of it: a
# summary is then most often NFKC already, which `is_normalized` tells in a quarter of the
# time `normalize` takes. (Each is one character NFKC turns into one ASCII character, so
# mapping it first leaves the NFKC form of the whole text as it is.)
_FULL_WIDTH = str.maketrans(
    {c: unicodedata.normalize("NFKC", chr(c)) for c in (*range(0xFF01, 0xFF5F), 0x3000)}
)


def fold_text(text: str) -> str:
    """Fold text to the form patterns are written for: NFKC, no whitespace."""
    text = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub("", text)


@dataclass(frozen=True)
class Hit:
    """One surviving match of a fact's pattern in folded text."""

    value: str
    start: int
    end: int
    text: str = field(repr=False, compare=False)
    pad: int = field(repr=False, compare=False)
    detail: str | None = None
    amount: float | None = None

    @property
    def snippet(self) -> str:
        """The clause around the hit (computed on demand: most hits are never shown)."""
        return _snippet(self.text, self.start, self.end, self.pad)

    def with_value(self, value: str) -> Hit:
        return replace(self, value=value)


@dataclass(frozen=True)
class FactRule:
    """Patterns of one fact: regexes per value, masks, and the precedence among values."""

    name: str
    label: str
    values: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    masks: tuple[re.Pattern[str], ...]
    precedence: tuple[str, ...]
    units: Mapping[str, float]
    pad: int
    # per pattern, sets of words such that every match contains a word of each set (see
    # `required_word_sets`): a pattern is run only on a text that holds a word of each set
    words: Mapping[re.Pattern[str], tuple[tuple[str, ...], ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        # masks (rank 0), then every value's patterns (rank 1 + its place in the precedence:
        # of two values claiming one span, the one that takes precedence wins), with words;
        # each compiled to skip where no match can start (the same matches, sooner)
        order = {value: i for i, value in enumerate(self.precedence)}
        ranked = [(0, None, p) for p in self.masks] + [
            (1 + order.get(value, len(order)), value, p)
            for value, pats in self.values
            for p in pats
        ]
        plan = tuple(
            (rank, value, with_start_chars(p), tuple(map(frozenset, self.words.get(p, ()))))
            for rank, value, p in ranked
        )
        object.__setattr__(self, "_plan", plan)
        # each set of words of each entry is a bit: an entry runs on a text whose words set
        # all its bits (`_needs`; 0 for an entry that needs no word: it always runs)
        needs: list[int] = []
        word_bits: dict[str, int] = {}
        bit = 1
        for *_, sets in plan:
            needs.append(0)
            for words in sets:
                needs[-1] |= bit
                for word in words:
                    word_bits[word] = word_bits.get(word, 0) | bit
                bit <<= 1
        object.__setattr__(self, "_needs", tuple(needs))
        object.__setattr__(self, "_width", bit.bit_length() - 1)
        object.__setattr__(self, "word_bits", MappingProxyType(word_bits))
        object.__setattr__(self, "_words", _automaton_of(word_bits))

    _plan: tuple[tuple[int, str | None, re.Pattern[str], tuple[frozenset[str], ...]], ...] = field(
        init=False, repr=False, compare=False, default=()
    )
    _needs: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    _width: int = field(init=False, repr=False, compare=False, default=0)  # bits of _needs
    # each word of `words`, with the bits of the sets it is in
    word_bits: Mapping[str, int] = field(
        init=False, repr=False, compare=False, default_factory=lambda: MappingProxyType({})
    )
    # the words of `word_bits`, found in one pass over a text (Aho-Corasick)
    _words: Any = field(init=False, repr=False, compare=False, default=None)

    def __reduce__(self) -> tuple[Any, ...]:
        # unpickled (in a worker process) from its fields, so that the plan is built again:
        # a pickled pattern comes back as `re.compile` makes it, without its start characters
        return (FactRule, tuple(getattr(self, f.name) for f in fields(self) if f.init))

    def find(self, text: str) -> tuple[Hit, ...]:
        """Hits in folded `text` that survive leftmost-longest resolution, masks removed."""
        entries = self.entries_of(_words_mask(self._words, text))
        return self.find_among(text, entries) if entries else ()

    def entries_of(self, mask: int) -> tuple[int, ...]:
        """The plan entries that can match a text whose words set the bits of `mask` (of
        `word_bits`), ascending; none when they are masks only (masks alone find nothing)."""
        entries = tuple(i for i, need in enumerate(self._needs) if mask & need == need)
        return entries if any(self._plan[i][0] for i in entries) else ()

    def find_among(self, text: str, entries: Iterable[int]) -> tuple[Hit, ...]:
        """`find`, given the plan entries to run (ascending: of two equal hits the earlier
        entry's wins), which `find` and `RuleWords` work out from the words in `text`."""
        plan = self._plan
        # (start, end, rank, value, match); a mask ranks first among equal spans, so a
        # denial beats its identical twin.
        found: list[tuple[int, int, int, str | None, re.Match[str]]] = []
        append = found.append
        for i in entries:
            rank, value, pattern, _ = plan[i]
            for m in pattern.finditer(text):
                append((m.start(), m.end(), rank, value, m))
        found.sort(key=lambda h: (h[0], h[0] - h[1], h[2]))
        hits: list[Hit] = []
        taken_until = -1
        for start, end, _, hit_value, match in found:
            if start < taken_until or end == start:
                continue
            taken_until = end
            if hit_value is not None:
                hits.append(self._hit(text, hit_value, match))
        return tuple(hits)

    def choose(self, hits: tuple[Hit, ...]) -> Hit | None:
        """The first hit of the value that ranks highest in precedence."""
        for value in self.precedence:
            for hit in hits:
                if hit.value == value:
                    return hit
        return None

    def evidence(self, hit: Hit, tag: str) -> str:
        """Reviewer-readable evidence line, e.g. `赔偿情况(摘要): 被告人至今未赔偿`."""
        return f"{self.label}({tag}): {hit.snippet}"

    def evidence_of_choice(self, chosen: Hit, hits: tuple[Hit, ...], tag: str) -> list[str]:
        """The chosen hit, then one hit per other value found, so conflicts stay visible."""
        lines = [self.evidence(chosen, tag)]
        seen = {chosen.value}
        for hit in hits:
            if hit.value not in seen:
                seen.add(hit.value)
                lines.append(self.evidence(hit, tag))
        return lines

    def _hit(self, text: str, value: str, match: re.Match[str]) -> Hit:
        return Hit(
            value=value,
            start=match.start(),
            end=match.end(),
            text=text,
            pad=self.pad,
            detail=match.groupdict().get("detail"),
            amount=amount_of(match, self.units),
        )


class RuleWords:
    """The words of several rules' patterns, found in one pass over a text.

    `FactRule.find` passes the rule's own Aho-Corasick automaton over the text; a summary
    is read by eleven rules. Here the bits of all their sets of words (`FactRule.word_bits`)
    sit side by side, so one pass ORs together those of every word found; the entries a
    rule runs are looked up by its part of that mask. Over the 76,000 summaries of the 2 M
    province that part takes at most 4,512 values for ten rules, so their look-ups hit;
    compensation's takes 36,875, so its memo is emptied now and then (a memo of 50,000
    saved 0.1 s of the 4.9 s of these summaries' search: not worth its memory). The
    entries run are those `find` runs, in the same order.
    """

    # sets of entries kept per rule; past this many the memo starts again
    MEMO_SIZE = 10_000

    def __init__(self, rules: Mapping[str, FactRule]) -> None:
        self.names = tuple(rules)
        self.rules = tuple(rules.values())
        # rule r's bit i is bit offsets[r] + i (one offset more than rules: the end)
        offsets = tuple(accumulate((rule._width for rule in self.rules), initial=0))
        self._parts = tuple(
            (name, rule, offset, (1 << rule._width) - 1)
            for name, rule, offset in zip(self.names, self.rules, offsets, strict=False)
        )
        bits: dict[str, int] = {}
        for rule, offset in zip(self.rules, offsets, strict=False):
            for word, own in rule.word_bits.items():
                bits[word] = bits.get(word, 0) | own << offset
        self._words = _automaton_of(bits)
        self._memo: tuple[dict[int, tuple[int, ...]], ...] = tuple({} for _ in self.rules)

    def find(self, text: str) -> dict[str, tuple[Hit, ...]]:
        """Each rule's `find(text)`, by its name."""
        mask = _words_mask(self._words, text)
        found: dict[str, tuple[Hit, ...]] = {}
        for (name, rule, offset, full), memo in zip(self._parts, self._memo, strict=True):
            own = mask >> offset & full
            entries = memo.get(own)
            if entries is None:
                if len(memo) >= self.MEMO_SIZE:
                    memo.clear()
                entries = memo[own] = rule.entries_of(own)
            found[name] = rule.find_among(text, entries) if entries else ()
        return found

    def __getstate__(self) -> dict[str, Any]:
        # the memo stays behind: a worker process builds its own
        return {**self.__dict__, "_memo": tuple({} for _ in self.rules)}


def _words_mask(automaton: Any, text: str) -> int:
    """The bits of every word of `automaton` (`_automaton_of`) found in `text`, ORed."""
    mask = 0
    if automaton is not None:
        for _, bits in automaton.iter(text):
            mask |= bits
    return mask


def _automaton_of(values: Mapping[str, Any]) -> Any:
    """An Aho-Corasick automaton finding each word of `values` with its value; None
    without words."""
    if not values:
        return None
    automaton = ahocorasick.Automaton()
    for word in sorted(values):
        automaton.add_word(word, values[word])
    automaton.make_automaton()
    return automaton


def required_word_sets(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Sets of words such that every match of `pattern` contains a word of each set; ()
    when none can be told.

    Read from the parsed regex: consecutive parts that match fixed strings (literals,
    alternations of literals, small character classes) outside any optional part give
    their concatenations (已(?:全额|全部)赔偿 -> 已全额赔偿, 已全部赔偿); an alternation
    is required when each branch requires something (its most selective set). Every set
    the pattern's top level requires is kept, not only the most selective: a text holding
    被害人 but none of 支付/付款/缴纳/交纳 cannot match (?:被害人|受害人)…(?:支付|付款|…)….
    """
    try:
        tree = _re_parser.parse(pattern)
    except re.error:  # pragma: no cover - patterns are compiled before this
        return ()
    sets = dict.fromkeys(
        tuple(sorted(s, key=lambda w: (-len(w), w))) for s in _required_sets(list(tree))
    )
    return tuple(sets)


_MAX_WORDS = 24


def _exact(items: list[Any]) -> frozenset[str] | None:
    """The strings a regex sequence matches when that is a small finite set, else None."""
    out = frozenset({""})
    for op, av in items:
        if op is _re_constants.LITERAL:
            part: frozenset[str] | None = frozenset({chr(av)})
        elif op is _re_constants.SUBPATTERN:
            part = _exact(list(av[-1]))
        elif op is _re_constants.BRANCH:
            branches = [_exact(list(b)) for b in av[1]]
            part = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op is _re_constants.IN and all(o is _re_constants.LITERAL for o, _ in av):
            part = frozenset(chr(c) for _, c in av)
        else:
            part = None
        if part is None or len(out) * len(part) > _MAX_WORDS:
            return None
        out = frozenset(a + b for a in out for b in part)
    return out


def _required_sets(items: list[Any]) -> list[frozenset[str]]:
    sets: list[frozenset[str]] = []
    run: frozenset[str] | None = None  # concatenation of the fixed parts just read
    for op, av in items:
        fixed = _exact([(op, av)])
        if fixed is not None:
            joined = fixed if run is None else frozenset(a + b for a in run for b in fixed)
            if len(joined) <= _MAX_WORDS:
                run = joined
                continue
        if run is not None:
            sets.append(run)
            run = fixed
            if fixed is not None:
                continue
        if op is _re_constants.SUBPATTERN:
            inner = _best_words(_required_sets(list(av[-1])))
        elif op is _re_constants.BRANCH:
            branches = [_best_words(_required_sets(list(b))) for b in av[1]]
            inner = frozenset().union(*branches) if all(branches) else None  # type: ignore[arg-type]
        elif op in (_re_constants.MAX_REPEAT, _re_constants.MIN_REPEAT) and av[0] >= 1:
            inner = _best_words(_required_sets(list(av[2])))
        else:
            inner = None
        if inner:
            sets.append(inner)
    if run is not None:
        sets.append(run)
    return [s for s in sets if s and "" not in s]


def _best_words(sets: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective set: longest shortest word, then fewest words."""
    return max(sets, key=lambda s: (min(map(len, s)), -len(s)), default=None)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def chinese_number(text: str) -> float | None:
    """三万 -> 30000, 四万五千 -> 45000, 十二 -> 12; None when it is not a number."""
    total, section, digit = 0, 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[char]
            digit = 0
        elif char in _CN_BIG:
            total += (section + digit) * _CN_BIG[char]
            section, digit = 0, 0
        else:
            return None
    value = total + section + digit
    return float(value) if value else None


def amount_of(match: re.Match[str], units: Mapping[str, float]) -> float | None:
    """Yuan amount of a match with `num` (and optional `unit`) groups, or a `cnum` group in
    Chinese numerals (三万元), else None."""
    groups = match.groupdict()
    if not groups.get("num"):
        return chinese_number(groups["cnum"]) if groups.get("cnum") else None
    # rounded to the fen: 2.01 * 10000 is 20099.999999999996 in binary floating point
    return round(
        float(groups["num"].replace(",", "")) * units.get(groups.get("unit") or "", 1.0), 2
    )


def _snippet(text: str, start: int, end: int, pad: int) -> str:
    """The clause around a hit (who did what), at most `pad` characters either side."""
    left = max(0, start - pad)
    # just after the last break in [left, start), if any (one match, no list of matches)
    last = _UP_TO_LAST_CLAUSE_BREAK.match(text, left, start)
    if last:
        left = last.end()
    right_break = _CLAUSE_BREAK.search(text, end, end + pad)
    right = right_break.start() if right_break else min(len(text), end + pad)
    return text[left:right]


class _RuleBook:
    """The fact rules of one kind of text, searched together (`find_all`)."""

    @cached_property
    def _words(self) -> RuleWords:
        # built on first use: a cached_property is no dataclass field, so it never enters
        # the rules' equality or hash
        return RuleWords({f.name: getattr(self, f.name) for f in fields(self)})  # type: ignore[arg-type]

    def find_all(self, text: str) -> dict[str, tuple[Hit, ...]]:
        """Every rule's hits in folded `text`, by the rule's name: as each rule's `find`."""
        return self._words.find(text)


@dataclass(frozen=True)
class CaseTextRules(_RuleBook):
    injury: FactRule
    loss_amount: FactRule
    compensation: FactRule
    forgiveness: FactRule
    settlement: FactRule
    hit_and_run: FactRule
    offender_unknown: FactRule
    offender_dead: FactRule
    victim_fault: FactRule
    compensation_waived: FactRule
    hardship: FactRule


@dataclass(frozen=True)
class PetitionTextRules(_RuleBook):
    hardship: FactRule
    medical_costs: FactRule
    non_payment: FactRule
    relief_request: FactRule
    case_related: FactRule


@dataclass(frozen=True)
class VictimMentionRules:
    """How a summary names its victims: a marker (被害人), then a masked or a full name.

    Hashed once: victims.py keeps what it reads of a summary (`marked_names`,
    `episode_starts`) by (text, these rules), asked again for every party, and a compiled
    pattern hashes its whole code each time (2 % of reading the 2 M province's summaries).
    """

    marker: re.Pattern[str]
    masked: re.Pattern[str]  # matched right after a marker: 王某 / 王某某 / 王某甲 / 李×1
    full: re.Pattern[str]  # the longest full-name candidate right after a marker
    not_a_name: re.Pattern[str]  # right after a marker, no name follows: 被害人母亲王某
    # a sentence that starts a new incident (1、… / 二、… / 第三起) or closes them all (综上)
    episode: re.Pattern[str]
    episode_end: re.Pattern[str]

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash(tuple(getattr(self, f.name) for f in fields(self)))

    def __getstate__(self) -> dict[str, Any]:
        # not the hash: a pattern's hash differs from one process to the next
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}


@dataclass(frozen=True)
class CaseStructuredVocabulary:
    """Folded structured-cell value -> fact value, per column; plus the loss-cell pattern."""

    injury: Mapping[str, str]
    compensation: Mapping[str, str]
    forgiveness: Mapping[str, str]
    loss_amount: re.Pattern[str]


@dataclass(frozen=True)
class TextPatterns:
    case: CaseTextRules
    case_structured: CaseStructuredVocabulary
    victim_mentions: VictimMentionRules
    petition: PetitionTextRules
    relief_categories: tuple[str, ...]
    # a sentence of a later appraisal (补充鉴定): its grade replaces the earlier ones
    later_appraisal: re.Pattern[str]
    # the amount of a payment whose pattern has none (赃款2000元已返还被害人): the nearest in
    # its clause that is not something else (利息, 每月)
    payment_amount: re.Pattern[str]
    payment_list: re.Pattern[str]  # one more (victim, amount) of a list of payments
    # a return of named things only, to a victim who also lost cash: partial
    returned_things: re.Pattern[str]
    returned_all: re.Pattern[str]
    cash_taken: re.Pattern[str]
    # a taking verb (盗走, 抢得 …): the things named after it, not all returned, are partial
    taking: re.Pattern[str]
    # things taken, valued, in one clause: summed where no total is stated
    loss_item: re.Pattern[str]
    loss_item_stop: re.Pattern[str]
    units: Mapping[str, float]
    evidence_tags: Mapping[str, str]
    digest: str


@lru_cache(maxsize=4)
def load_text_patterns(path: Path = TEXT_PATTERNS_PATH) -> TextPatterns:
    """Load and compile one text-patterns file; raise ConfigError listing every problem.

    A run reads its patterns through `pipeline.config.load_config` (its config folder); this
    reads one file for tests and tools that work on texts alone.
    """
    try:
        raw_bytes = path.read_bytes()
        raw = yaml.safe_load(raw_bytes.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read text patterns ({exc})") from exc
    patterns, problems = compile_text_patterns(raw, path, raw_bytes)
    if problems or patterns is None:
        raise ConfigError(f"invalid text patterns in {path}:\n  " + "\n  ".join(problems))
    return patterns


def compile_text_patterns(
    raw: Any, path: Path, raw_bytes: bytes
) -> tuple[TextPatterns | None, list[str]]:
    """Compile parsed YAML into TextPatterns; the problems found (with the file's path)."""
    loader = _Loader(path, raw if isinstance(raw, dict) else {})
    if not isinstance(raw, dict):
        loader.problems.append("expected a mapping at the top level")
    patterns = loader.build(hashlib.sha256(raw_bytes).hexdigest()[:16])
    return patterns, [f"{path}: {p}" for p in loader.problems]


_Rules = TypeVar("_Rules", CaseTextRules, PetitionTextRules)


class _Loader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self, path: Path, raw: dict[str, Any]) -> None:
        self.path = path
        self.raw = raw
        self.problems: list[str] = []
        fragments = self._mapping("fragments", raw.get("fragments"))
        self.fragments = {str(k): str(v) for k, v in fragments.items()}
        units = self._mapping("amount_units", raw.get("amount_units"))
        self.units = MappingProxyType(
            {str(k): self._number(f"amount_units.{k}", v, 1.0) for k, v in units.items()}
        )
        self.pad = int(self._number("snippet_pad", raw.get("snippet_pad", 12), 12))

    def _list(self, raw: Any) -> list[Any]:
        # a lone string or scalar becomes one pattern; _compile reports a non-string
        return list(raw) if isinstance(raw, list | tuple) else [] if raw is None else [raw]

    def _mapping(self, where: str, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.problems.append(f"{where}: expected a mapping, got {type(raw).__name__}")
            return {}
        return raw

    def _number(self, where: str, raw: Any, default: float) -> float:
        if isinstance(raw, int | float) and not isinstance(raw, bool) and raw >= 0:
            return float(raw)
        self.problems.append(f"{where}: expected a non-negative number, got {raw!r}")
        return default

    def build(self, digest: str) -> TextPatterns | None:
        case = self._rules(CaseTextRules, "case_summary")
        petition = self._rules(PetitionTextRules, "petition_text")
        structured = self._structured(case)
        mentions = self._victim_mentions()
        tags = self._mapping("evidence_tags", self.raw.get("evidence_tags"))
        for tag in ("structured", "text"):
            if tag not in tags:
                self.problems.append(f"evidence_tags: missing '{tag}'")
        petition_structured = self._mapping(
            "petition_structured", self.raw.get("petition_structured")
        )
        categories = petition_structured.get("relief_categories") or []
        if not isinstance(categories, list) or not categories:
            self.problems.append("petition_structured.relief_categories: expected a list")
            categories = []
        if case is None or petition is None or structured is None or self.problems:
            return None
        later = self._compile("later_appraisal", self.raw.get("later_appraisal"))
        paid = self._compile("payment_amount", self.raw.get("payment_amount"))
        paid_list = self._compile("payment_list", self.raw.get("payment_list"))
        things = {
            key: self._compile(key, self.raw.get(key))
            for key in (
                "returned_things",
                "returned_all",
                "cash_taken",
                "taking",
                "loss_item",
                "loss_item_stop",
            )
        }
        if mentions is None or later is None or paid is None or paid_list is None:
            return None
        if any(p is None for p in things.values()):
            return None
        return TextPatterns(
            **things,  # type: ignore[arg-type]
            later_appraisal=later,
            payment_amount=paid,
            payment_list=paid_list,
            case=case,
            case_structured=structured,
            victim_mentions=mentions,
            petition=petition,
            relief_categories=tuple(fold_text(str(c)) for c in categories),
            units=self.units,
            evidence_tags=MappingProxyType({str(k): str(v) for k, v in tags.items()}),
            digest=digest,
        )

    def _rules(self, cls: type[_Rules], section: str) -> _Rules | None:
        raw = self._mapping(section, self.raw.get(section))
        names = [f.name for f in fields(cls)]
        for name in sorted(set(raw) - set(names)):
            self.problems.append(f"{section}.{name}: unknown fact (expected one of {names})")
        rules: dict[str, FactRule] = {}
        for name in names:
            if name not in raw:
                self.problems.append(f"{section}.{name}: missing")
                continue
            rule = self._rule(
                f"{section}.{name}", name, self._mapping(f"{section}.{name}", raw[name])
            )
            if rule is not None:
                rules[name] = rule
        labels = [r.label for r in rules.values()]
        for label in sorted({lb for lb in labels if labels.count(lb) > 1}):
            self.problems.append(f"{section}: label '{label}' used by more than one fact")
        return cls(**rules) if len(rules) == len(names) else None

    def _rule(self, where: str, name: str, raw: dict[str, Any]) -> FactRule | None:
        values_raw = self._mapping(f"{where}.values", raw.get("values"))
        if not values_raw:
            self.problems.append(f"{where}.values: no values")
        values = tuple(
            (str(v), tuple(self._compile(f"{where}.values.{v}", p) for p in self._list(pats)))
            for v, pats in values_raw.items()
        )
        masks = tuple(self._compile(f"{where}.masks", p) for p in self._list(raw.get("masks")))
        precedence = tuple(str(v) for v in raw.get("precedence") or values_raw)
        if sorted(precedence) != sorted(str(v) for v in values_raw):
            self.problems.append(f"{where}.precedence: must list each value once, got {precedence}")
        expected = FACT_VALUES.get(name, frozenset({FLAG_VALUE}))
        if {str(v) for v in values_raw} != expected:
            self.problems.append(
                f"{where}.values: expected {sorted(expected)}, got {sorted(map(str, values_raw))}"
            )
        if "label" not in raw:
            self.problems.append(f"{where}.label: missing")
        if any(p is None for _, pats in values for p in pats) or None in masks:
            return None
        compiled = tuple((v, tuple(p for p in pats if p is not None)) for v, pats in values)
        return FactRule(
            name=name,
            label=str(raw.get("label", name)),
            values=compiled,
            masks=tuple(p for p in masks if p is not None),
            precedence=precedence,
            units=self.units,
            pad=self.pad,
            words=MappingProxyType(
                {
                    p: required_word_sets(p.pattern)
                    for p in (*(p for _, pats in compiled for p in pats), *masks)
                    if p is not None
                }
            ),
        )

    def _victim_mentions(self) -> VictimMentionRules | None:
        raw = self._mapping("victim_mentions", self.raw.get("victim_mentions"))
        compiled = {
            key: self._compile(f"victim_mentions.{key}", raw.get(key))
            for key in ("marker", "masked", "full", "not_a_name", "episode", "episode_end")
        }
        if any(p is None for p in compiled.values()):
            return None
        return VictimMentionRules(**compiled)  # type: ignore[arg-type]

    def _structured(self, case: CaseTextRules | None) -> CaseStructuredVocabulary | None:
        raw = self._mapping("case_structured", self.raw.get("case_structured"))
        maps: dict[str, Mapping[str, str]] = {}
        for column in ("injury", "compensation", "forgiveness"):
            allowed = getattr(case, column).precedence if case is not None else None
            maps[column] = self._vocabulary(f"case_structured.{column}", raw.get(column), allowed)
        loss = self._compile("case_structured.loss_amount", raw.get("loss_amount"))
        if loss is None:
            return None
        return CaseStructuredVocabulary(loss_amount=loss, **maps)

    def _vocabulary(
        self, where: str, raw: Any, allowed: tuple[str, ...] | None
    ) -> Mapping[str, str]:
        index: dict[str, str] = {}
        if not isinstance(raw, dict) or not raw:
            self.problems.append(f"{where}: expected a mapping of value -> cell texts")
            return MappingProxyType(index)
        for value, cells in raw.items():
            if allowed is not None and str(value) not in allowed:
                self.problems.append(
                    f"{where}: '{value}' is not a value of the text fact {allowed}"
                )
            for cell in self._list(cells):
                key = fold_text(str(cell))
                if index.setdefault(key, str(value)) != str(value):
                    self.problems.append(f"{where}: '{cell}' maps to both {index[key]} and {value}")
        return MappingProxyType(index)

    def _compile(self, where: str, pattern: Any) -> re.Pattern[str] | None:
        if not isinstance(pattern, str) or not pattern:
            self.problems.append(f"{where}: expected a regex string, got {pattern!r}")
            return None
        expanded = pattern
        for _ in range(10):  # fragments may nest; the bound stops a cycle
            expanded = _FRAGMENT.sub(lambda m: self.fragments.get(m[1], m[0]), expanded)
        unknown = _FRAGMENT.findall(expanded)
        if unknown:
            self.problems.append(f"{where}: unknown or cyclic fragments {sorted(set(unknown))}")
            return None
        try:
            return re.compile(expanded)
        except re.error as exc:
            self.problems.append(f"{where}: bad regex {pattern!r} ({exc})")
            return None
