"""Which victim a fact in a summary is about, when the summary names several.

Real summaries (起诉书 and judgment wording) state each victim's harm, loss, payment and
forgiveness next to that victim's name: 致王某甲轻伤、王某乙轻微伤; 经鉴定，被害人甘某的损伤
为轻伤二级，被害人柯某的损伤为轻微伤; 赔偿被害人陈某30000元. A fact is given
to the victim named nearest before it in its clause (a list 王某甲、王某乙 shares it), else
the first named after it in the clause, else the last named earlier in its sentence. A fact
with no victim in its sentence is shared by every victim that has none of its own, unless
it counts people (致一人死亡、一人轻伤): that is a case total, nobody's own.

The victims are the party's own name, the other victims of the case (the case-party list
names them), and names written after a marker (被害人, 受害人, 死者 …) in the summary.
A masked name (王某, 李×1, 张某甲) stands for one person only where no longer masked name
continues it (王某 is not a mention of 王某甲).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.signals.patterns import VictimMentionRules

OWN = "own"  # about this party
OTHER = "other"  # about another victim
SHARED = "shared"  # about nobody named: every victim's, unless they have their own
TOTAL = "total"  # a case total (一人死亡、二人轻伤): nobody's own

CLAUSE_BREAK_CHARS = ",;。!?:"  # also case_text.py: where a clause ends
CLAUSE_BREAK = re.compile(f"[{CLAUSE_BREAK_CHARS}]")
SENTENCE_BREAK = re.compile(r"[。;!?]")  # also case_text.py: where a sentence ends
_EPISODE_BREAK = re.compile(r"[。;!?:,)]")  # ) too: 骗取高×4万元。(赃款已退还)二、…
# a count of people or a sum over several (致一人死亡, 共计骗取…): a case total
# a fact said of each victim alike (均, 分别): every victim's
_EACH = re.compile(r"均|都|分别|皆")
_RESPECTIVE = re.compile(r"分别")
_BARE = re.compile(
    r"(?P<several>[两二三四五六七八九十各多众诸]名?|全体|上述|以上|所有)?(?:被害人|受害人|被害方)"
)
_COUNT_REACH = 6  # a count this close before a fact (致一人死亡, 共计骗取) makes it a total
_COUNT = re.compile(r"(?:[一二两三四五六七八九十\d]+|多|数)(?:人|名)|共计|合计|总计|累计")
# a count that names the victims themselves (对两名被害人进行了赔偿): each of them, no total
_NAMES_VICTIMS = re.compile(r"(?:的)?(?:被害人|受害人|被害方)")
# a clause that sums up the amounts the clauses before it list per victim (,共计250118元)
_SUMS_UP = re.compile(r"(?:以上|上述|总)?(?:共计|合计|总计|累计)")
_AMOUNTS = re.compile(r"\d[\d.,]*(?:万|千)?(?:余|多)?元")
# the victims the sentence has not named (其余被害人的损失未退赔, 其他被害人): not those it has
_REST = re.compile(
    r"(?:其余|其他|其它|剩余|另外)(?:的)?(?:[两二三四五六七八九十\d]+名?)?(?:被害人|受害人)"
)


def _several(mentions: list[Mention]) -> bool:
    """The mentions name this party and another (a list of victims, each with its own)."""
    return len({m.own for m in mentions}) == 2


_LIST_GLUE = re.compile(r"(?:[、和及与跟同]|被害人|受害人|死者|伤者)*")
# a masked name continues when one of these follows: 王某 -> 王某某, 王某甲, 李× -> 李×1
# (a digit continues it unless it starts an amount: 王某1 is a name, 王某10万元 is not)
_CONTINUES = frozenset("某甲乙丙丁戊己庚辛壬癸×Xx")
_NAME_DIGITS = re.compile(r"\d{1,2}(?![\d万千元.,人名])")
_MASK_CHARS = frozenset("某×")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    own: bool
    group: int  # mentions listed together (王某甲、王某乙) share a group


@dataclass(frozen=True)
class VictimView:
    """The mentions of the victims in one folded summary, from one party's side."""

    text: str
    mentions: tuple[Mention, ...]
    clause_breaks: tuple[int, ...]
    sentence_breaks: tuple[int, ...]
    episode_starts: tuple[int, ...] = ()  # where each incident of a numbered list starts
    incidents: int = 0  # how many of the episodes are incidents (the rest close the list)

    def owner(self, start: int, end: int) -> str:
        """Whose fact the text [start, end) states: OWN, OTHER, SHARED or TOTAL."""
        inside = [m for m in self.mentions if m.start < end and m.end > start]
        if inside:
            return OWN if any(m.own for m in inside) else OTHER
        clause_start, clause_end = _bounds(self.clause_breaks, start, len(self.text))
        if self.episode_starts:
            # a clause runs on into the next incident ((赃款已退还)二、…骗取柯某): not past it
            i = bisect_right(self.episode_starts, start)
            if i < len(self.episode_starts):
                clause_end = min(clause_end, self.episode_starts[i])
        before = [m for m in self.mentions if clause_start <= m.start and m.end <= start]
        if before:
            return self._group_owner(before[-1])
        after = [m for m in self.mentions if end <= m.start < clause_end]
        if after:
            return self._group_owner(after[0])
        if _EACH.search(self.text, clause_start, end):
            return SHARED  # 以上三名被害人的损伤均构成轻微伤: each of them
        return self._sentence_owner(start, end, clause_start)

    def _sentence_owner(self, start: int, end: int, clause_start: int) -> str:
        """Whose fact a clause naming nobody states, by the victims named earlier in its
        sentence; a count of people with none named is a case total."""
        sentence_start, _ = _bounds(self.sentence_breaks, start, len(self.text))
        earlier = [m for m in self.mentions if sentence_start <= m.start and m.end <= clause_start]
        if earlier and _REST.search(self.text, clause_start, end):
            return OTHER if any(m.own for m in earlier) else OWN  # 其余被害人: not those named
        bare = self._bare_marker(clause_start, end) if earlier else None
        if bare is False:
            # 其中甘某15000元、柯某6000元，并取得被害人的谅解: every victim the clause before names
            previous, _ = _bounds(self.clause_breaks, clause_start - 1, len(self.text))
            named = [m for m in earlier if m.start >= previous]
            earlier = named or earlier
            bare = bool(named)
        if bare:
            # 取得了两被害人的谅解: every victim the sentence names
            return OWN if any(m.own for m in earlier) else OTHER
        if (
            earlier
            and _SUMS_UP.match(self.text, clause_start)
            and _several(earlier)
            and len(_AMOUNTS.findall(self.text, earlier[0].start, clause_start)) > 1
        ):
            return TOTAL  # 骗取白某65000元、王某二37196元，共计250118元: the list's sum
        if earlier:
            return self._item_owner(earlier, clause_start) or self._group_owner(earlier[-1])
        count = _COUNT.search(self.text, max(clause_start, start - _COUNT_REACH), end)
        if count is not None and not _NAMES_VICTIMS.match(self.text, count.end()):
            return TOTAL
        return SHARED  # (三名被害人的全部钱款: each of those victims)

    def respective(self, spans: list[tuple[int, int]]) -> dict[int, str]:
        """Facts paired in order with a list of victims by 分别 (被害人李某某、胡某的伤势分别
        构成轻伤、轻微伤): index of the span -> OWN or OTHER, where the counts agree."""
        owners: dict[int, str] = {}
        for word in _RESPECTIVE.finditer(self.text):
            start, end = _bounds(self.sentence_breaks, word.start(), len(self.text))
            after = [i for i, (a, _) in enumerate(spans) if word.end() <= a < end]
            before = [m for m in self.mentions if start <= m.start and m.end <= word.start()]
            if not before or len(after) < 2:
                continue
            listed = [m for m in self.mentions if m.group == before[-1].group]
            if len(listed) == len(after):
                owners |= {i: OWN if m.own else OTHER for i, m in zip(after, listed, strict=True)}
        return owners

    def episode(self, at: int) -> int:
        """The incident (0, 1, …) that holds position `at`; -1 before the first or with none."""
        return bisect_right(self.episode_starts, at) - 1

    def last_episode(self) -> int:
        """The last incident (a closing 综上 … after it is no incident)."""
        return self.incidents - 1

    def episode_owner(self, at: int) -> str:
        """Whose fact a sentence naming nobody states, by its incident: the victims its
        incident names before the sentence, when they are all this party or all others."""
        i = self.episode(at)
        if i < 0 or i >= self.incidents:
            return SHARED
        sentence_start, _ = _bounds(self.sentence_breaks, at, len(self.text))
        owners = {
            self._group_owner(m)
            for m in self.mentions
            if self.episode_starts[i] <= m.start and m.end <= sentence_start
        }
        return owners.pop() if len(owners) == 1 else SHARED

    def _item_owner(self, earlier: list[Mention], clause_start: int) -> str | None:
        """A clause naming nobody after a list whose items each start with a victim
        (靳某1头部损伤、靳某2头部损伤，经鉴定为轻微伤): every victim of the list's."""
        previous, _ = _bounds(self.clause_breaks, clause_start - 1, len(self.text))
        listed = [m for m in earlier if m.start >= previous]
        if len(listed) < 2 or len({m.group for m in listed}) < 2:
            return None  # one victim, or one list of names (a group) the rules already share
        if not all(m.start == previous or self.text[m.start - 1] == "、" for m in listed):
            return None
        return OWN if any(m.own for m in listed) else OTHER

    def _bare_marker(self, start: int, end: int) -> bool | None:
        """A 被害人 with no name after it in [start, end): True when it counts several
        (两被害人, 各被害人), False for a plain one, None when there is none."""
        starts = {m.start for m in self.mentions}
        bare = [b for b in _BARE.finditer(self.text, start, end) if b.end() not in starts]
        if not bare:
            return None
        return any(b.group("several") for b in bare)

    def _group_owner(self, mention: Mention) -> str:
        group = [m for m in self.mentions if m.group == mention.group]
        return OWN if any(m.own for m in group) else OTHER


def _bounds(breaks: tuple[int, ...], at: int, length: int) -> tuple[int, int]:
    """The [start, end) of the piece of text between breaks that holds position `at`."""
    i = bisect_right(breaks, at - 1)
    start = breaks[i - 1] + 1 if i > 0 else 0
    end = breaks[i] if i < len(breaks) else length
    return start, end


@lru_cache(maxsize=256)  # every party of one summary asks again
def episode_starts(text: str, rules: VictimMentionRules) -> tuple[tuple[int, ...], int] | tuple[()]:
    """Where the incidents of a summary that tells several start (1、… 2、…), then where the
    part after them starts (综上, 上述事实, or a new list such as the evidence 1、2、…) if it
    has one; and how many incidents. () for a summary that numbers none."""
    starts = [0, *(m.end() for m in _EPISODE_BREAK.finditer(text))]
    found: list[int] = []
    seen: set[str] = set()
    end = None
    for at in starts:
        match = rules.episode.match(text, at)
        if match is None:
            continue
        kind = _marker_kind(match.group())
        if kind == "digit" and match.group().strip("(").startswith("1") and kind in seen:
            # 1、 again with no 一、/二、 heading since: a new list (the evidence), not an incident
            end = at
            break
        if kind != "digit":
            seen.discard("digit")
        seen.add(kind)
        found.append(at)
    if len(found) < 2:
        return ()
    # the closing part (综上) after the last incident, unless a new list (the evidence) ends it
    closing = (at for at in starts if at > found[-1] and rules.episode_end.match(text, at))
    end = min((at for at in (end, next(closing, None)) if at is not None), default=None)
    return (*found, *([end] if end is not None else [])), len(found)


def _implicit_episodes(
    text: str, mentions: list[Mention], rules: VictimMentionRules
) -> tuple[tuple[int, ...], int]:
    """Incidents of a summary that tells them one after another without numbers: each
    sentence that names a victim not named before starts one (被告人…骗取被害人陶某某…。
    被告人…骗取被害人王某甲…), when there are two or more; then the closing part (综上)."""
    starts: list[int] = []
    seen: set[str] = set()
    for mention in mentions:
        name = text[mention.start : mention.end]
        if name in seen:
            continue
        seen.add(name)
        start = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, mention.start)), default=0)
        if not starts or start > starts[-1]:
            starts.append(start)
    if len(starts) < 2:
        return (), 0
    breaks = [m.end() for m in SENTENCE_BREAK.finditer(text, starts[-1])]
    end = next((at for at in breaks if rules.episode_end.match(text, at)), None)
    return (*starts, *([end] if end is not None else [])), len(starts)


def _marker_kind(marker: str) -> str:
    return "digit" if marker.strip("(")[:1].isdigit() else "other"


@lru_cache(maxsize=256)  # every party of one summary asks again
def marked_names(text: str, rules: VictimMentionRules) -> frozenset[str]:
    """Names written right after a victim marker (被害人王某甲, 死者李×1)."""
    names: set[str] = set()
    for marker in rules.marker.finditer(text):
        if rules.not_a_name.match(text, marker.end()):
            continue
        masked = rules.masked.match(text, marker.end())
        if masked is not None:
            names.add(masked.group())
            continue
        full = rules.full.match(text, marker.end())
        if full is not None:
            names.add(_full_name(full.group(), text))
    return frozenset(names)


def _full_name(candidate: str, text: str) -> str:
    """The longest start of `candidate` the text repeats (胡嘉 in 被害人胡嘉当场死亡 … 胡嘉),
    else its shortest form: a full name after a marker runs on into the next word."""
    shortest = 3 if "·" in candidate else 2
    forms = [candidate[:n] for n in range(len(candidate), shortest - 1, -1)]
    repeated = [f for f in forms if text.count(f) >= 2]
    return repeated[0] if repeated else forms[-1]


def _is_masked(name: str) -> bool:
    # (a set's isdisjoint walks the name in C: a third of the time of any(), and this is
    # asked of every name form of every party)
    return not _MASK_CHARS.isdisjoint(name)


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int, str]]:
    """Every occurrence of every name, longest first at a position, overlaps dropped."""
    found: list[tuple[int, int, str]] = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            end = at + len(name)
            continued = end < len(text) and (
                text[end] in _CONTINUES or _NAME_DIGITS.match(text, end) is not None
            )
            if not (_is_masked(name) and continued):
                found.append((at, end, name))
            at = text.find(name, at + 1)
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    kept: list[tuple[int, int, str]] = []
    for start, end, name in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, name))
    return kept


def _masked_form(name: str, marked: frozenset[str]) -> set[str]:
    """The one masked form a full name goes by in the text (方彬贵 -> 方某某), if unambiguous."""
    if _is_masked(name):
        return set()
    forms = {m for m in marked if _is_masked(m) and name.startswith(m.rstrip("某×"))}
    return forms if len(forms) == 1 else set()


def _shortened(name: str, marked: frozenset[str], listed: set[str]) -> set[str]:
    """A masked name written after a victim marker that is the party's own cut short (被害人
    胡某 for 胡某某), when no other victim's name starts the same way: theirs, not another
    victim's."""
    return {
        m
        for m in marked
        if _is_masked(m)
        and len(m) < len(name)
        and name.startswith(m)
        and not any(o.startswith(m) for o in listed)
    }


def victim_view(
    text: str,
    name: str,
    others: Iterable[str],
    rules: VictimMentionRules,
    *,
    known_victim: bool = False,
) -> VictimView | None:
    """How a folded summary names this party and the other victims; None when every fact
    in it is this party's: it names no other victim, or it does not name this party.

    `known_victim`: the case-party list says this party is a victim. Without it, a party
    the summary never writes after a marker while it marks others (the accused) reads the
    whole summary.
    """
    if not name or not text:
        return None
    marked = marked_names(text, rules)
    own_forms = ({name} if name in text else set()) | _masked_form(name, marked)
    if not own_forms or not (known_victim or own_forms & marked):
        return None
    listed = {o for o in others if o and o != name}
    own_forms |= _shortened(name, marked, listed)
    other_forms = (
        listed | marked | {f for o in listed for f in _masked_form(o, marked)}
    ) - own_forms
    # a marked form that is the party's name run on or cut short (被害人张富经济损失) is theirs
    other_forms = {
        o
        for o in other_forms
        if _is_masked(o) or not any(o.startswith(f) or f.startswith(o) for f in own_forms)
    }
    if not other_forms:
        return None  # (as below, where no other victim's name occurs: without the search)
    ambiguous = {m for m in marked if _is_masked(m) and m not in own_forms}
    if (
        not _is_masked(name)
        and name not in text
        and any(name.startswith(m.rstrip("某×")) for m in ambiguous)
    ):
        return None  # 王小明 could be 王某 or 王某某
    occurrences = _occurrences(text, own_forms | other_forms)
    if not any(n in other_forms for _, _, n in occurrences):
        return None
    mentions: list[Mention] = []
    group = 0
    for i, (start, end, form) in enumerate(occurrences):
        if i and not _LIST_GLUE.fullmatch(text, occurrences[i - 1][1], start):
            group += 1
        mentions.append(Mention(start, end, form in own_forms, group))
    return VictimView(
        text,
        tuple(mentions),
        tuple(m.start() for m in CLAUSE_BREAK.finditer(text)),
        tuple(m.start() for m in SENTENCE_BREAK.finditer(text)),
        *(episode_starts(text, rules) or _implicit_episodes(text, mentions, rules)),
    )
