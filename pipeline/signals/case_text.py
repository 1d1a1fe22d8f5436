"""Case facts from 案情摘要 and the structured columns of a case-party row.

Structured cells win where they hold a known value; the summary fills the gaps.
Each distinct summary is read once and joined back, so repeated summaries cost nothing.

Several victims: when the frame has a `name` column (the party's name) and the summary
names more than one victim (被害人赵玮、被害人胡嘉), each row is read from the clauses
about its own person (see `victim_text`): a clause naming a victim is that victim's, a
clause naming nobody belongs to the victim named last, and the clauses before the first
name are shared. A summary naming one victim, or a row whose name the summary does not
use unambiguously (王某 and 王某某 both present), is read whole, as before;
`fact_text_scope` says which ("victim" or "summary").

Limitations: a clause naming two victims gives both the facts in it, unless the names
split it (致A重伤、B轻伤); a masked name shared with the offender (刘某 beats 被害人刘某)
is resolved by preferring names written after 被害人 in that clause.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from pipeline.signals.patterns import (
    Hit,
    TextPatterns,
    amount_of,
    fold_text,
    load_text_patterns,
)
from pipeline.signals.readers import Pending, TextReaders
from pipeline.signals.victims import (
    CLAUSE_BREAK,
    CLAUSE_BREAK_CHARS,
    OTHER,
    OWN,
    SENTENCE_BREAK,
    SHARED,
    VictimView,
    episode_starts,
    victim_view,
)

CASE_FACTS_INPUT: dict[str, pl.DataType] = {
    "summary": pl.String(),
    "injury": pl.String(),
    "loss": pl.String(),
    "compensation": pl.String(),
    "forgiveness": pl.String(),
}
# what `CaseFactsReading.facts` reads of the rows: the structured columns (not the summary)
_STRUCTURED_INPUT = {c: t for c, t in CASE_FACTS_INPUT.items() if c != "summary"}
CASE_FACTS_OUTPUT: dict[str, pl.DataType] = {
    "fact_injury": pl.String(),
    "fact_injury_detail": pl.String(),
    "fact_death": pl.Boolean(),
    "fact_loss": pl.Float64(),
    "fact_compensation": pl.String(),
    "fact_forgiveness": pl.String(),
    "fact_settlement_paid": pl.Boolean(),
    "fact_hit_and_run": pl.Boolean(),
    "fact_offender_unknown": pl.Boolean(),
    "fact_offender_dead": pl.Boolean(),
    "fact_victim_fault": pl.Boolean(),
    "fact_compensation_waived": pl.Boolean(),
    "fact_case_hardship": pl.Boolean(),
    "fact_text_scope": pl.String(),
    "fact_evidence": pl.String(),
    "fact_source_injury": pl.String(),
    "fact_source_loss": pl.String(),
    "fact_source_compensation": pl.String(),
    "fact_source_forgiveness": pl.String(),
}
# CaseFacts fields (but evidence) and their column types in the distinct-summary frame.
_TEXT_FACTS: dict[str, pl.DataType] = {
    "injury": pl.String(),
    "injury_detail": pl.String(),
    "death": pl.Boolean(),
    "loss_amount": pl.Float64(),
    "compensation": pl.String(),
    "forgiveness": pl.String(),
    "settlement_paid": pl.Boolean(),
    "hit_and_run": pl.Boolean(),
    "offender_unknown": pl.Boolean(),
    "offender_dead": pl.Boolean(),
    "victim_fault": pl.Boolean(),
    "compensation_waived": pl.Boolean(),
    "case_hardship": pl.Boolean(),
    "text_scope": pl.String(),
}
# CaseFacts flag -> the case_summary rule that sets it
_TEXT_FLAGS = {
    "hit_and_run": "hit_and_run",
    "offender_unknown": "offender_unknown",
    "offender_dead": "offender_dead",
    "victim_fault": "victim_fault",
    "compensation_waived": "compensation_waived",
    "case_hardship": "hardship",
}
SCOPE_VICTIM = "victim"  # facts read from the clauses about this party
SCOPE_SUMMARY = "summary"  # facts read from the whole summary
DEATH = "死亡"
# Facts a structured column can override, and the evidence of the others.
_OVERRIDABLE = ("injury", "loss", "compensation", "forgiveness")
_OTHER_EVIDENCE = "other"
# what `_read_pairs` gives per party: these facts, then the evidence of each group, then the scope
_READ_FIELDS = tuple(f for f in _TEXT_FACTS if f != "text_scope")
_EVIDENCE_GROUPS = (*_OVERRIDABLE, _OTHER_EVIDENCE)
_TMP = "__case_text_"


@dataclass(frozen=True)
class CaseFacts:
    """Facts read from one case summary; `evidence` holds the snippets behind them."""

    injury: str | None = None  # 死亡 | 重伤 | 轻伤 | 轻微伤, the most severe mentioned
    injury_detail: str | None = None  # e.g. 重伤二级 where the grade is written
    death: bool = False
    loss_amount: float | None = None  # yuan, the largest loss mentioned
    compensation: str | None = None  # full | partial | none | unable
    forgiveness: str | None = None  # forgiven | not_forgiven
    settlement_paid: bool | None = None
    hit_and_run: bool = False
    offender_unknown: bool = False
    offender_dead: bool = False  # the offender died: nobody left to pay
    victim_fault: bool = False
    compensation_waived: bool = False  # 放弃赔偿 / 不要求赔偿
    case_hardship: bool = False  # the victim's household hardship, stated in the summary
    text_scope: str | None = None  # "victim" | "summary"; None for an empty summary
    evidence: tuple[str, ...] = ()


def extract_case_facts(
    summary: str | None,
    patterns: TextPatterns | None = None,
    *,
    name: str | None = None,
    others: Sequence[str] = (),
) -> CaseFacts:
    """Read the facts of one 案情摘要 (None or empty gives empty facts).

    With `name` (the party's name) and a summary naming other victims too (`others`, the
    case's other victims, or names after 被害人 in the text), each fact is this party's
    only where the summary says so (pipeline/signals/victims.py).
    """
    patterns = patterns or load_text_patterns()
    text = fold_text(summary or "")
    view = _view(text, name, others, patterns)
    return _read_summary(text, patterns, folded=True, view=view)[0]


def _view(
    text: str, name: str | None, others: Sequence[str], patterns: TextPatterns
) -> VictimView | None:
    if not name:
        return None
    return victim_view(
        text,
        fold_text(name),
        [fold_text(o) for o in others],
        patterns.victim_mentions,
        known_victim=bool(others),
    )


# --- reading one text ------------------------------------------------------------------


# a payment said to be whole (退赔全部赃款, 履行完毕) stays full whatever amount is near it
_WHOLE = re.compile(r"全额|全部|足额|如数|完毕|付清|还清|退清|均已|剩余|其余|余下")
# a clause that continues the one before it (扣押了54615元赃款,并返还给了被害人; 退回赃款5000元,
# 发还被害人; 扣押花生款60000元,2014年4月1日发还给被害人)
_CONTINUING = re.compile(
    r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?)?(?:并|后|随后|现|已|发还|返还|退还|归还|交还)"
)


def _with_amounts(
    hits: tuple[Hit, ...], patterns: TextPatterns, incidents: tuple[int, ...] = ()
) -> tuple[Hit, ...]:
    """Payments whose pattern names no amount, given the nearest amount of their clause (or
    of the clause they continue, never past the start of the next incident), so that they are
    compared with the loss. A return of named things (以200元的价格卖出,现该手机已追回并发还)
    takes no amount from the clause before it: that is the goods' price, not the return."""
    amount, units = patterns.payment_amount, patterns.units
    out = []
    for hit in hits:
        if (
            hit.amount is None
            and hit.value == "full"
            and not _WHOLE.search(hit.text, hit.start, hit.end)
        ):
            # the goods themselves returned (该手机已追回并发还): no amount from the clause before
            things = patterns.returned_things.search(hit.text, _clause_bounds(hit)[0], hit.end)
            found = _nearest_amount(hit, amount, incidents, borrow=things is None)
            if found is not None:
                end = max(hit.end, found.end())  # a list of payments may go on after it
                hit = replace(hit, value="paid", amount=amount_of(found, units), end=end)
        out.append(hit)
    return tuple(out)


def _nearest_amount(
    hit: Hit, amount: re.Pattern[str], incidents: tuple[int, ...] = (), borrow: bool = True
) -> re.Match[str] | None:
    text = hit.text
    start, end = _clause_bounds(hit)
    later = [at for at in incidents if at > hit.start]
    if later:  # a clause that runs on into the next incident ((赃款已退还)二、…) stops there
        end = max(min(end, later[0]), hit.end)
    matches = list(amount.finditer(text, start, end))
    continues = start > 0 and text[start - 1] == "," and _CONTINUING.match(text, start)
    if not matches and borrow and continues:
        before = max((m.end() for m in CLAUSE_BREAK.finditer(text, 0, start - 1)), default=0)
        matches = list(amount.finditer(text, before, start - 1))
    if not matches:
        return None
    return min(matches, key=lambda m: min(abs(m.start() - hit.end), abs(hit.start - m.end())))


def _paid_against_loss(hits: tuple[Hit, ...], loss: float | None) -> tuple[Hit, ...]:
    """The largest payment with an amount is compared with the loss (a text repeats one
    payment in its evidence, so amounts are not added up): full when it covers the loss, else
    partial; with no loss stated, or beside a return of goods or a payment said to be whole
    (no amount), payments are full (paid, and nothing said to be outstanding)."""
    amounts = [h.amount for h in hits if h.amount is not None and h.value in _PAID]
    whole = any(h.value == "full" and h.amount is None for h in hits)
    covers = loss is None or loss <= 0 or whole or max(amounts, default=0.0) >= loss - 0.5
    out = []
    for hit in hits:
        if hit.value == "paid" or (hit.amount is not None and hit.value in _PAID):
            hit = hit.with_value("full" if covers or hit.amount is None else "partial")
        out.append(hit)
    return tuple(out)


_PAID = ("full", "partial", "paid")
SPENT = "spent"  # the loot was spent: the rest of a return or a payment is not coming back


Scan = dict[str, tuple[Hit, ...]]
# facts about the case, not one victim: every victim of the case has them
_CASE_WIDE = frozenset({"hit_and_run", "offender_unknown", "offender_dead"})


def _scan(text: str, patterns: TextPatterns) -> Scan:
    """The hits of every case rule in one folded text."""
    found = patterns.case.find_all(text)
    incidents = episode_starts(text, patterns.victim_mentions)
    starts = incidents[0] if incidents else ()
    paid = _with_amounts(found["compensation"], patterns, starts)
    found["compensation"] = _listed(paid, patterns, "paid")
    found["loss_amount"] = _listed(found["loss_amount"], patterns, "amount")
    return found


# a further amount of a list that names nobody (、30万元): the same victim's
_UNNAMED = re.compile(r"[、和及,](?:人民币)?\d")


def _listed(hits: tuple[Hit, ...], patterns: TextPatterns, value: str) -> tuple[Hit, ...]:
    """Each further (victim, amount) of a list after one verb, as a hit of its own where that
    victim is named: payments (退还给包某甲13万元、包某乙16万元) and losses (骗取被害人于某某人民币
    130万元、被害人邵某某人民币130万元)."""
    out: list[Hit] = []
    taken = {h.start for h in hits}
    for hit in hits:
        out.append(hit)
        at = hit.end
        while hit.value == value and hit.amount is not None:
            if hit.text.startswith("人民币", at):
                at += len("人民币")  # 10万元人民币、30万元人民币
            match = patterns.payment_list.match(hit.text, at)
            if match is None or any(match.start() <= t < match.end() for t in taken):
                break
            amount = amount_of(match, patterns.units)
            if _UNNAMED.match(hit.text, match.start()) and amount is not None:
                # 归还了张某10万元、30万元: more of the same victim's, added up
                hit = replace(hit, end=match.end(), amount=(hit.amount or 0.0) + amount)
                out[-1] = hit
            else:
                out.append(replace(hit, start=match.start() + 1, end=match.end(), amount=amount))
            at = match.end()
    return tuple(out)


def _latest_appraisal(hits: tuple[Hit, ...], text: str, patterns: TextPatterns) -> tuple[Hit, ...]:
    """Grades stated in the last sentence reporting a later appraisal, else every grade."""
    later = []
    for hit in hits:
        start = max(text.rfind(c, 0, hit.start) for c in "。;") + 1
        if patterns.later_appraisal.search(text, start, hit.start):
            later.append(hit)
    if not later:
        return hits
    last_sentence = max(text.rfind("。", 0, h.start) for h in later)
    return tuple(h for h in later if text.rfind("。", 0, h.start) == last_sentence)


def _own_hits(hits: tuple[Hit, ...], view: VictimView | None, rule: str) -> tuple[Hit, ...]:
    """The hits about this party: its own, else those about nobody named (case-wide facts
    such as hit-and-run are every victim's)."""
    if view is None or rule in _CASE_WIDE or not hits:
        return hits
    owners = [view.owner(h.start, h.end) for h in hits]
    for i, owner in view.respective([(h.start, h.end) for h in hits]).items():
        owners[i] = owner
    unnamed = [i for i, o in enumerate(owners) if o == SHARED]
    episodes = {view.episode(hits[i].start) for i in unnamed}
    # A fact stated in several incidents of a numbered list is each incident's; stated once,
    # at the end of the last incident (现赃物已追回并返还给被害人), it sums up the case.
    if episodes and episodes != {view.last_episode()}:
        for i in unnamed:
            owners[i] = view.episode_owner(hits[i].start)
    own = tuple(h for h, o in zip(hits, owners, strict=True) if o == OWN)
    shared = tuple(h for h, o in zip(hits, owners, strict=True) if o == SHARED)
    # loot said to be spent is no statement of what this victim got back: shared ones still count
    if all(h.value == SPENT for h in own):
        return own + shared
    # a whole payment naming nobody after the victim's own story (其家属已将骗取各被害人的款项全部
    # 还清) sums up the case: it still counts (`_settled_after` weighs it against the story)
    last = max(h.start for h in own)
    return own + tuple(h for h in shared if h.start > last and _is_whole(h))


def _is_whole(hit: Hit) -> bool:
    """A payment said to be whole in its clause (赔偿全部损失, 将全部的诈骗款退还, 全部还清)."""
    if hit.value != "full":
        return False  # (every rule's shared hits pass here: only a payment can be whole)
    start, end = _clause_bounds(hit)
    return _WHOLE.search(hit.text, start, max(end, hit.end)) is not None


Evidence = dict[str, list[str]]


def _read_summary(
    summary: str | None,
    patterns: TextPatterns,
    *,
    folded: bool = False,
    scan: Scan | None = None,
    view: VictimView | None = None,
) -> tuple[CaseFacts, Evidence]:
    """Facts plus their evidence grouped by the structured column that can override them.

    `scan` (the hits of `_scan`) may be given to reuse one search of the text for several
    parties; `view` keeps only the hits about one victim of several.
    """
    rules, tag = patterns.case, patterns.evidence_tags["text"]
    text = (summary or "") if folded else fold_text(summary or "")
    found = scan if scan is not None else _scan(text, patterns)

    hits = _VictimHits(found, view)
    evidence: Evidence = {g: [] for g in _EVIDENCE_GROUPS}
    injury_hit = rules.injury.choose(_latest_appraisal(hits("injury"), text, patterns))
    death = injury_hit is not None and injury_hit.value == DEATH
    hits.kin_are_others = _others_died(found, view, death)
    if injury_hit is not None:
        # A death also counts when a structured 伤情 wins, so its evidence must stay.
        group = _OTHER_EVIDENCE if death else "injury"
        evidence[group].append(rules.injury.evidence(injury_hit, tag))
    loss_hits, own_loss = _own_losses(hits("loss_amount"), view)
    loss_hits = [_with_items(h, view, patterns) for h in loss_hits]
    if own_loss:
        loss_hits = _cash_and_goods(_taken_again(loss_hits), patterns)
    loss_hit = max(loss_hits, key=lambda h: h.amount or 0.0, default=None)
    if loss_hit is not None and own_loss:
        evidence["loss"].append(rules.loss_amount.evidence(loss_hit, tag))
    loss = loss_hit.amount if loss_hit else None
    cash_lost = _lost_cash(loss_hits, patterns, view)
    choices = _choices(hits, loss, cash_lost, patterns, evidence, view)
    flags = {}
    for name, rule_name in _TEXT_FLAGS.items():
        rule_hits = hits(rule_name)
        flags[name] = bool(rule_hits)
        if rule_hits:
            evidence[_OTHER_EVIDENCE].append(getattr(rules, rule_name).evidence(rule_hits[0], tag))
    settlement = choices["settlement"]
    facts = CaseFacts(
        injury=injury_hit.value if injury_hit else None,
        injury_detail=(injury_hit.detail or injury_hit.value) if injury_hit else None,
        death=death,
        loss_amount=loss if own_loss else None,
        compensation=choices["compensation"],
        forgiveness=choices["forgiveness"],
        settlement_paid=None if settlement is None else settlement == "paid",
        evidence=tuple(line for lines in evidence.values() for line in lines),
        text_scope=None if not text else SCOPE_SUMMARY if view is None else SCOPE_VICTIM,
        **flags,
    )
    return facts, evidence


_KIN = re.compile(r"近亲属|家属|亲属|家人|遗属")
_TO_KIN = frozenset({"compensation", "forgiveness", "settlement"})


@dataclass
class _VictimHits:
    """The hits of each rule about the victim of `view` (every hit without one)."""

    found: Scan
    view: VictimView | None
    kin_are_others: bool = False  # another victim died and this one did not

    def __call__(self, name: str) -> tuple[Hit, ...]:
        view = self.view
        own = _own_hits(self.found[name], view, name)
        if view is None:
            return own
        if name == "compensation":
            own = tuple(h for h in own if not _paid_by_a_victim(view, h))
        if self.kin_are_others and name in _TO_KIN:
            # 赔偿了被害人近亲属24万元 naming nobody: the dead victim's family, not this victim
            own = tuple(h for h in own if not (_to_kin(h) and view.owner(h.start, h.end) != OWN))
        return own


def _others_died(found: Scan, view: VictimView | None, death: bool) -> bool:
    """Another victim of the text died, and this one did not."""
    return (
        view is not None
        and not death
        and any(h.value == DEATH and view.owner(h.start, h.end) == OTHER for h in found["injury"])
    )


def _own_losses(hits: tuple[Hit, ...], view: VictimView | None) -> tuple[list[Hit], bool]:
    """The loss amounts to measure this victim's payments against, and whether they are the
    victim's own. With other victims named, an amount stated for several at once (骗取甘某、
    柯某共计12000元) is theirs together, no one's own; one naming nobody (诈骗数额共计7万元) is
    the case's total: beside the victim's own amounts it is left out, and alone it is what a
    payment is measured against but not the victim's loss (the labelling guide: a loss shared
    by several victims is nobody's)."""
    losses = [h for h in hits if h.amount is not None]
    if view is not None and any(not m.own for m in view.mentions):
        # (an amount from each of a list, 骗取王某、李某各1万元, is each one's own)
        losses = [h for h in losses if not _names_others(view, h.start, h.end) or _from_each(h)]
        # its own: named, or stated in its incident (经认定：被盗车辆价值2701.51元)
        # (taken from the victim and another together, it is measured against, not its own)
        own = [
            h
            for h in losses
            if OWN in (view.owner(h.start, h.end), view.episode_owner(h.start))
            and (_from_each(h) or not _taken_jointly(view, h))
        ]
        return (own, True) if own else (losses, False)
    return losses, True


def _with_items(hit: Hit, view: VictimView | None, patterns: TextPatterns) -> Hit:
    """A loss whose clause names several things taken, each valued (内有现金50元及价值770元的
    手机; 骗取人民币4000元及价值450元的皮鞋), is their sum, its evidence the clause from the
    first to the last; a clause with a total, a breakdown or money coming back is as read."""
    start, end = _clause_bounds(hit)
    if patterns.loss_item_stop.search(hit.text, start, end):
        return hit
    items = [
        m
        for m in patterns.loss_item.finditer(hit.text, start, end)
        if view is None or view.owner(m.start(), m.end()) != OTHER
    ]
    if len(items) < 2 or not any(m.start() < hit.end and m.end() > hit.start for m in items):
        return hit
    total = round(sum(amount_of(m, patterns.units) or 0.0 for m in items), 2)
    if total <= (hit.amount or 0.0):
        return hit
    first, last = min(hit.start, items[0].start()), max(hit.end, items[-1].end())
    return replace(hit, amount=total, start=first, end=last)


# a further taking from the same victim in the same sentence (骗取王某现金600元，之后又谎称…
# 骗取王某现金1400元): the loss is both; a total (共计) after it already counts the first
_AGAIN = re.compile(r"又|再次")
_TOTAL = re.compile(r"共|合计|总计|累计|总额|其中")
_SENTENCE_END = re.compile(r"[;。!?]")


def _taken_again(losses: list[Hit]) -> list[Hit]:
    """The victim's own losses with each run of takings told one after another in one
    sentence (the later with 又 / 再次 before it, neither a total) added up into one."""
    out: list[Hit] = []
    for hit in sorted(losses, key=lambda h: h.start):
        last = out[-1] if out else None
        if (
            last is not None
            and last.amount is not None
            and hit.amount is not None
            and hit.start >= last.end
            and not _SENTENCE_END.search(hit.text, last.end, hit.start)
            and _AGAIN.search(hit.text, last.end, hit.start)
            and not _TOTAL.search(hit.text, _clause_bounds(hit)[0], hit.end)
        ):
            out[-1] = replace(last, amount=round(last.amount + hit.amount, 2), end=hit.end)
            continue
        out.append(hit)
    return out


# cash taken with things, then the things valued in the same sentence (盗走…手提包一个及现金人民币
# 600余元，经鉴定，被盗笔记本电脑价值人民币2700元): an appraisal values goods, never the cash
_APPRAISED = re.compile(r"鉴定|认定|评估")
_WITH_CASH = re.compile(r"含|包括|共计|合计|总计|累计|总价值")


def _cash_and_goods(losses: list[Hit], patterns: TextPatterns) -> list[Hit]:
    """The victim's own losses where an appraisal values the things taken and the cash taken
    with them is stated earlier in the same sentence: the two added up (unless the appraisal
    states a total or counts the cash)."""
    out = []
    for hit in losses:
        sentence = max(hit.text.rfind(c, 0, hit.start) for c in "。;!?") + 1
        clause_start = _clause_bounds(hit)[0]
        taken = list(patterns.taking.finditer(hit.text, sentence, clause_start))
        if (
            hit.amount is not None
            and taken
            and _APPRAISED.search(hit.text, taken[-1].end(), hit.start)
            and not _WITH_CASH.search(hit.text, clause_start, hit.end)
        ):
            cash = [
                m
                for m in patterns.loss_item.finditer(hit.text, taken[-1].end(), clause_start)
                if _CASH.match(hit.text, m.start())  # 现金600元, not 价值1200元
            ]
            if len(cash) == 1 and cash[0].end() <= clause_start:
                amount = amount_of(cash[0], patterns.units) or 0.0
                hit = replace(hit, amount=round(hit.amount + amount, 2), start=taken[-1].start())
        out.append(hit)
    return out


def _to_kin(hit: Hit) -> bool:
    return _KIN.search(hit.text, hit.start, hit.end) is not None


# what may stand between a payer and the verb: 李某个人给付陈某22000元, 王某又向其支付
_PAYER_FILLER = re.compile(r"(?:个人|本人|又|先后|也|再|多次|分别|另|还)*")
_PAYING = ("向", "给", "支付", "付给", "交给", "汇给", "转给")


def _paid_by_a_victim(view: VictimView, hit: Hit) -> bool:
    """A victim paying (孙某某向李某支付了200000元, 李某4个人给付陈2某22000元): the fraud's or
    the extortion's story, not compensation."""
    if not hit.text.startswith(_PAYING, hit.start):
        return False
    return any(
        m.end <= hit.start and _PAYER_FILLER.fullmatch(hit.text, m.end, hit.start)
        for m in view.mentions
    )


_SEVERAL_VICTIMS = re.compile(r"[二两三四五六七八九十]名?(?:被害人|受害人)")


_EACH_AMOUNT = re.compile(r"(?:各|每人)(?:人民币)?(?=\d|[一二两三四五六七八九十])")


def _from_each(hit: Hit) -> bool:
    """The amount is said of each victim of a list (骗取王某、李某、赵某各1万元)."""
    return _EACH_AMOUNT.search(hit.text, hit.start, hit.end) is not None


def _taken_jointly(view: VictimView, hit: Hit) -> bool:
    """The clause before the amount names this victim in one list with another (××王某丙和王某乙
    价值300元的手机): what was taken from them together is no one's own."""
    start = _clause_bounds(hit)[0]
    if _SEVERAL_VICTIMS.search(hit.text, start, hit.end):
        return True  # 骗取二被害人的定金人民币50万元
    named = [m for m in view.mentions if start <= m.start and m.end <= hit.end]
    groups = {m.group for m in named if m.own}
    return any(not m.own and m.group in groups for m in named)


def _names_others(view: VictimView | None, start: int, end: int) -> bool:
    """Another victim of the case is named in the text [start, end)."""
    return view is not None and any(
        not m.own and m.start < end and m.end > start for m in view.mentions
    )


_UP_TO_LAST_CLAUSE_BREAK = re.compile(f".*[{CLAUSE_BREAK_CHARS}]", re.DOTALL)


def _clause_bounds(hit: Hit) -> tuple[int, int]:
    text = hit.text
    # just after the last break before the hit: one greedy match (0.3 µs), not a list of
    # every break from the text's start (1.7 µs), for most hits of every summary
    last = _UP_TO_LAST_CLAUSE_BREAK.match(text, 0, hit.start)
    start = last.end() if last else 0
    end_break = CLAUSE_BREAK.search(text, hit.end)
    return start, end_break.start() if end_break else len(text)


def _things_returned(
    hits: tuple[Hit, ...], cash_lost: bool, patterns: TextPatterns, view: VictimView | None
) -> tuple[Hit, ...]:
    """Returns of named things only (涉案手机已被缴回并发还; 赃物手机已发还) to a victim who
    also lost cash, or when the sentence telling what was taken names a thing the return does
    not (`_taken_things`): the rest is not said to be returned, so partial. (Things are
    compared by the words of `returned_things` only: one is written many ways, 车辆/摩托车.)"""
    out = []
    for hit in hits:
        if hit.value == "full" and hit.amount is None:
            start, _ = _clause_bounds(hit)
            clause = hit.text[start : hit.end]
            returned = set(patterns.returned_things.findall(clause))
            if (
                returned
                and not _returns_all(clause, patterns)
                and (cash_lost or any(not g & returned for g in _taken_things(hit, patterns, view)))
            ):
                hit = hit.with_value("partial")
        out.append(hit)
    return tuple(out)


def _taken_things(
    hit: Hit, patterns: TextPatterns, view: VictimView | None
) -> list[frozenset[str]]:
    """The things (and cash) named after the last taking verb (盗走, 窃得, 抢走 …) of the
    sentence before the return's (of the return's own when it is the text's first):
    偷走钱包一个，内有现金800元和身份证。身份证已发还 (the cash is not said to be).
    Words of one thing (笔记本电脑: 笔记本, 电脑) are one group: any of them names it.
    None when what it tells names another victim (盗窃孙某手机一部: 孙某's, not this party's)."""
    text = hit.text
    own_start = max((m.end() for m in SENTENCE_BREAK.finditer(text, 0, hit.start)), default=0)
    before = max(
        (m.end() for m in SENTENCE_BREAK.finditer(text, 0, max(own_start - 1, 0))), default=0
    )
    takes = list(patterns.taking.finditer(text, before, own_start or hit.start))
    if not takes:
        return []
    told_at = (takes[-1].end(), own_start or hit.start)
    told = text[told_at[0] : told_at[1]]
    if _NEXT_VICTIM.search(told) or _names_others(view, *told_at):
        return []  # several victims' things (盗窃被害人张某现金…、被害人李某手机…)
    groups: list[set[str]] = []
    end = -1
    for m in patterns.returned_things.finditer(told):
        if m.start() == end:
            groups[-1].add(m.group())
        else:
            groups.append({m.group()})
        end = m.end()
    cash = [frozenset({"现金"})] if _has_cash(told, patterns) else []
    return [frozenset(g) for g in groups] + cash


def _returns_all(clause: str, patterns: TextPatterns) -> bool:
    """The clause returns the loot, cash or an amount (`returned_all`); the loot named by its
    thing (赃物手机, 财物手机) is that thing only, not all the loot."""
    return any(
        not (m.group() in _LOOT and patterns.returned_things.match(clause, m.end()))
        for m in patterns.returned_all.finditer(clause)
    )


_LOOT = frozenset({"赃物", "财物"})
_CASH = re.compile(r"现金|现款")


def _has_cash(text: str, patterns: TextPatterns) -> bool:
    """Cash named in `text`: 现金 (装有200余元现金的钱包) or an amount of money (人民币300元)."""
    return bool(_CASH.search(text) or patterns.cash_taken.search(text))


def _lost_cash(losses: list[Hit], patterns: TextPatterns, view: VictimView | None) -> bool:
    """Cash among the victim's own losses, in the part of the clause that states each (a
    list 盗窃被害人张某现金3000元、被害人李某手机一部 gives 李某 the phone only)."""
    return any(_has_cash(_victim_item(h, view), patterns) for h in losses)


_NEXT_VICTIM = re.compile(r"、(?=被害人|受害人)")


def _victim_item(hit: Hit, view: VictimView | None = None) -> str:
    """The hit's clause, cut to the item of a list of victims (、被害人…, or 、 before a
    victim's name: 窃得王某现金3000元、李某金项链一条) that holds the hit's end (its amount);
    the whole clause where it lists no victims."""
    start, end = _clause_bounds(hit)
    at = max(start, min(hit.end, end) - 1)
    cuts = [m.end() for m in _NEXT_VICTIM.finditer(hit.text, start, end)]
    if view is not None:
        cuts += [
            m.start
            for m in view.mentions
            if start < m.start < end and hit.text[m.start - 1] == "、"
        ]
    item_start = max((c for c in cuts if c <= at), default=start)
    item_end = min((c - 1 for c in cuts if c > at), default=end)
    return hit.text[item_start:item_end]


def _spent_after(spent: tuple[Hit, ...], hits: tuple[Hit, ...]) -> bool:
    """The loot said to be spent after the last return or payment (该手机已返还失主，赃款已被
    挥霍): the rest is not coming back. Spent before it (赃款挥霍…亲属已将赃款返还) says nothing."""
    paid = [h.start for h in hits if h.value in _PAID]
    return bool(spent) and bool(paid) and max(h.start for h in spent) > max(paid)


def _settled_after(chosen: Hit, hits: tuple[Hit, ...]) -> Hit:
    """A debt told in the story (尚欠赵某10.9万元; 案发前未予偿还), then said to be paid in full
    after it (将所欠赵某的309000元全部还清): the later whole payment is the outcome."""
    last_told = max(h.start for h in hits if h.value == chosen.value)
    whole = [h for h in hits if h.start > last_told and _is_whole(h)]
    if chosen.value == "none" and not whole:
        # refused in the story (拒不归还), returned after the case broke (案发后，被抢手机已追回，
        # 并返还给被害人): the return is the outcome
        whole = [h for h in hits if h.start > last_told and _after_the_case(h)]
    return whole[-1] if whole else chosen


_AFTER_THE_CASE = re.compile(r"案发后|归案后|破案后|到案后|审理期间|审理过程中|庭审中|判决前")


def _after_the_case(hit: Hit) -> bool:
    """A return said to come after the case broke (案发后 …), in the hit's sentence."""
    start = max((m.end() for m in SENTENCE_BREAK.finditer(hit.text, 0, hit.start)), default=0)
    return hit.value == "full" and _AFTER_THE_CASE.search(hit.text, start, hit.start) is not None


def _some_returned(chosen: Hit, hits: tuple[Hit, ...], patterns: TextPatterns) -> Hit:
    """One thing got back and another not (自行找回被盗电动车，手机未找回): partial, when the
    return names a thing, is not said to be whole, and what is missing is a thing or cash."""
    start, end = _clause_bounds(chosen)
    missing = patterns.returned_things.search(chosen.text, start, end) or _has_cash(
        chosen.text[start:end], patterns
    )
    returned = [
        h
        for h in hits
        if h.value == "full"
        and not _is_whole(h)
        and patterns.returned_things.search(h.text, *_clause_bounds(h))
    ]
    return chosen.with_value("partial") if missing and returned else chosen


def _choices(
    hits: Callable[[str], tuple[Hit, ...]],
    loss: float | None,
    cash_lost: bool,
    patterns: TextPatterns,
    evidence: Evidence,
    view: VictimView | None,
) -> dict[str, str | None]:
    """Compensation, forgiveness and settlement: the chosen value of each, evidence added."""
    rules, tag = patterns.case, patterns.evidence_tags["text"]
    choices: dict[str, str | None] = {}
    for name, group in (
        ("compensation", "compensation"),
        ("forgiveness", "forgiveness"),
        ("settlement", _OTHER_EVIDENCE),
    ):
        rule = getattr(rules, name)
        rule_hits = hits(name)
        spent: tuple[Hit, ...] = ()
        if name == "compensation":
            spent = tuple(h for h in rule_hits if h.value == SPENT)
            rule_hits = tuple(h for h in rule_hits if h.value != SPENT)
            rule_hits = _things_returned(rule_hits, cash_lost, patterns, view)
            rule_hits = _paid_against_loss(rule_hits, loss)
        chosen = rule.choose(rule_hits)
        if chosen is not None and chosen.value in ("partial", "none"):
            chosen = _settled_after(chosen, rule_hits)
        if chosen is not None and chosen.value == "none":
            chosen = _some_returned(chosen, rule_hits, patterns)
        if chosen is not None and chosen.value == "full" and _spent_after(spent, rule_hits):
            chosen = spent[-1].with_value("partial")  # returned, and the rest spent
            rule_hits = (*rule_hits, chosen)
        choices[name] = chosen.value if chosen else None
        if chosen is not None:
            evidence[group].extend(rule.evidence_of_choice(chosen, rule_hits, tag))
        if name == "settlement" and choices["compensation"] is None and chosen is not None:
            # an agreement carried out is a payment, one left unpaid is none: with its sentence
            choices["compensation"] = "full" if chosen.value == "paid" else "none"
            evidence["compensation"].append(rule.evidence(chosen, tag))
    return choices


def case_facts_frame(
    df: pl.DataFrame,
    patterns: TextPatterns | None = None,
    victim_roles: Sequence[str] = (),
    readers: TextReaders | None = None,
) -> pl.DataFrame:
    """Add the `fact_*` columns of CASE_FACTS_OUTPUT to a frame of case-party rows.

    Args:
        df: Utf8 columns `summary, injury, loss, compensation, forgiveness` (nulls allowed),
            and optionally `name` (the party's name): with it, a summary naming several
            victims is read per victim. Other columns pass through untouched, in the
            same row order.
        patterns: compiled text patterns; defaults to schemas/text_patterns.yaml.
        victim_roles: 诉讼地位 values of victims (scoring.yaml `roles.victim`); with a
            `role` column, the victims of rows sharing a summary (one case) are each
            other's "others" when the summary is read per victim, and the summary is read
            for victims' rows only: other parties' facts come from their structured
            columns alone.
        readers: where the summaries are read (`TextReaders`: worker processes for a
            large run); None reads them here. The readings are the same.

    Returns:
        `df` with the facts; `fact_source_<name>` says whether a fact came from the
        structured column ("structured") or the summary ("text"), null if neither;
        `fact_text_scope` whether the summary was read for this party ("victim") or
        whole ("summary").
    """
    return case_facts_reading(df, patterns, victim_roles, readers).facts(df)


class CaseFactsReading:
    """The summaries of a case-party frame on their way through the readers
    (`case_facts_reading`); `facts(df)` adds them to that frame's rows — the same frame, or
    the same rows read back from a spill without their summaries — once they are read (it
    waits for them). Only which reading is each row's waits here."""

    def __init__(
        self,
        reading_of_row: pl.Series,
        patterns: TextPatterns,
        readings: Pending[pl.DataFrame] | None,
    ) -> None:
        self._reading_of_row: pl.Series | None = reading_of_row
        self._patterns = patterns
        self._readings: Pending[pl.DataFrame] | None = readings

    def facts(self, df: pl.DataFrame) -> pl.DataFrame:
        """`df` (the rows read from, in their order) with the `fact_*` columns. Once: the
        readings go with the frame they make (the run holds this object to its end)."""
        reading_of_row, pending = self._reading_of_row, self._readings
        if reading_of_row is None:
            raise ValueError("case_facts_frame: the facts were added already")
        if df.height != reading_of_row.len():
            raise ValueError("case_facts_frame: the frame is not the one read from")
        df = _checked_input(df, _STRUCTURED_INPUT)
        parts = pending.result() if pending is not None else []
        self._readings = self._reading_of_row = None
        text = pl.concat(parts) if parts else _readings_frame([])
        out = df.hstack(text.select(pl.all().gather(reading_of_row)).get_columns())
        out = out.with_columns(_structured_columns(out, self._patterns))
        out = out.with_columns(_fact_columns(self._patterns))
        return out.select(*df.columns, *CASE_FACTS_OUTPUT)


def case_facts_reading(
    df: pl.DataFrame,
    patterns: TextPatterns | None = None,
    victim_roles: Sequence[str] = (),
    readers: TextReaders | None = None,
) -> CaseFactsReading:
    """`case_facts_frame` in two steps: the summaries of `df` are handed to `readers` now
    (read in its workers while this process goes on, or here when `facts` asks), and the
    returned reading's `facts(df)` adds them to `df`'s rows (which need not keep their
    summaries meanwhile)."""
    patterns = patterns or load_text_patterns()
    df = _checked_input(df, CASE_FACTS_INPUT)
    names = (
        _map_distinct(df["name"], fold_text, pl.String()).fill_null("")
        if "name" in df.columns
        else pl.repeat("", df.height, dtype=pl.String, eager=True)
    )
    keyed = df.select("summary", *(["role"] if "role" in df.columns else [])).with_columns(
        names.alias(f"{_TMP}name_key")
    )
    read = keyed
    if "role" in keyed.columns and victim_roles:
        # facts are about victims: an offender's or a witness's row keeps its structured
        # columns only (nothing downstream reads their facts), and its reading is saved
        read = keyed.filter(pl.col("role").str.strip_chars().is_in(list(victim_roles)))
    pairs = read.select("summary", f"{_TMP}name_key").drop_nulls("summary").unique()
    pairs = pairs.join(_victims_by_summary(keyed, victim_roles), on="summary", how="left")
    # sorted by summary: each is folded and searched once for every party that shares it
    pairs = pairs.sort("summary", f"{_TMP}name_key").with_row_index(f"{_TMP}reading")
    reading_of_row = keyed.join(
        pairs, on=["summary", f"{_TMP}name_key"], how="left", maintain_order="left"
    )[f"{_TMP}reading"]
    rows = list(pairs.select("summary", f"{_TMP}name_key", f"{_TMP}victims").iter_rows())
    readers = readers or TextReaders(patterns, workers=1)
    pending = readers.submit(_read_pairs_frame, rows) if rows else None
    return CaseFactsReading(reading_of_row, patterns, pending)


def _victims_by_summary(keyed: pl.DataFrame, victim_roles: Sequence[str]) -> pl.DataFrame:
    """Per summary, the folded names of the victim rows that share it (one case)."""
    victims = pl.col(f"{_TMP}name_key").filter(pl.col(f"{_TMP}name_key") != "")
    if "role" in keyed.columns and victim_roles:
        victims = victims.filter(pl.col("role").str.strip_chars().is_in(list(victim_roles)))
    else:
        victims = victims.filter(pl.lit(False))
    return (
        keyed.drop_nulls("summary")
        .group_by("summary")
        .agg(victims.unique().sort().alias(f"{_TMP}victims"))
    )


def _checked_input(df: pl.DataFrame, needed: dict[str, pl.DataType]) -> pl.DataFrame:
    optional = ["name"] if "name" in df.columns else []
    problems = [f"missing column '{c}'" for c in needed if c not in df.columns]
    problems += [
        f"column '{c}' is {df.schema[c]}, expected String"
        for c in (*needed, *optional)
        if c in df.columns and df.schema[c] not in (pl.String(), pl.Null())
    ]
    problems += [f"column '{c}' already present" for c in CASE_FACTS_OUTPUT if c in df.columns]
    if problems:
        raise ValueError("case_facts_frame: " + "; ".join(problems))
    return df.with_columns(
        pl.col(c).cast(pl.String) for c in (*needed, *optional) if c in df.columns
    )


def _readings_frame(readings: list[tuple[Any, ...]]) -> pl.DataFrame:
    """The text facts and grouped evidence of `_read_pairs`' readings, one row each."""
    # the order of `_read_pairs`' tuples
    schema: dict[str, pl.DataType] = {f"{_TMP}{f}": _TEXT_FACTS[f] for f in _READ_FIELDS}
    schema |= {f"{_TMP}ev_{g}": pl.String() for g in _EVIDENCE_GROUPS}
    schema[f"{_TMP}text_scope"] = pl.String()
    return pl.DataFrame(readings, schema=schema, orient="row")


def _read_pairs_frame(
    rows: Sequence[tuple[str, str, list[str] | None]], patterns: TextPatterns
) -> list[pl.DataFrame]:
    """`_read_pairs` of `rows` as one frame (in a list: one reading per slice of rows). A
    worker sends it back as Arrow columns, and it waits as such, not as Python tuples,
    until the facts are joined (the 2 M province's 86,163 readings: 26 MB of Arrow)."""
    return [_readings_frame(_read_pairs(rows, patterns))]


def _read_pairs(
    rows: Sequence[tuple[str, str, list[str] | None]], patterns: TextPatterns
) -> list[tuple[Any, ...]]:
    """Per (summary, folded name, victims) row, sorted by summary: the facts of
    `_READ_FIELDS`, the evidence of each of `_EVIDENCE_GROUPS`, then the scope."""
    readings: list[tuple[Any, ...]] = []
    current: str | None = None
    text, scan = "", None
    for summary, name, victims in rows:
        if summary != current:
            current, scan = summary, None
            text = fold_text(summary)
        victims = victims or []
        view = (
            victim_view(text, name, victims, patterns.victim_mentions, known_victim=name in victims)
            if name
            else None
        )
        if scan is None:
            scan = _scan(text, patterns)  # once per summary, for every party
        facts, evidence = _read_summary(text, patterns, folded=True, scan=scan, view=view)
        readings.append(
            (
                *(getattr(facts, f) for f in _READ_FIELDS),
                *("; ".join(evidence[g]) or None for g in _EVIDENCE_GROUPS),
                facts.text_scope,
            )
        )
    return readings


def _map_distinct(series: pl.Series, fn: Callable[[str], Any], dtype: pl.DataType) -> pl.Series:
    """Apply `fn` once per distinct non-null value of `series`."""
    distinct = series.drop_nulls().unique()
    mapped = pl.Series([fn(v) for v in distinct], dtype=dtype)
    return series.replace_strict(distinct, mapped, default=None, return_dtype=dtype)


def _structured_columns(df: pl.DataFrame, patterns: TextPatterns) -> list[pl.Series]:
    vocab = patterns.case_structured
    units = patterns.units

    def loss_of(cell: str) -> float | None:
        match = vocab.loss_amount.match(fold_text(cell))
        return None if match is None else amount_of(match, units)

    def injury_detail_of(cell: str) -> str | None:
        folded = fold_text(cell)
        return folded if folded in vocab.injury else None

    return [
        _map_distinct(df["injury"], lambda v: vocab.injury.get(fold_text(v)), pl.String()).alias(
            f"{_TMP}s_injury"
        ),
        _map_distinct(df["injury"], injury_detail_of, pl.String()).alias(f"{_TMP}s_injury_detail"),
        _map_distinct(df["loss"], loss_of, pl.Float64()).alias(f"{_TMP}s_loss"),
        _map_distinct(
            df["compensation"], lambda v: vocab.compensation.get(fold_text(v)), pl.String()
        ).alias(f"{_TMP}s_compensation"),
        _map_distinct(
            df["forgiveness"], lambda v: vocab.forgiveness.get(fold_text(v)), pl.String()
        ).alias(f"{_TMP}s_forgiveness"),
    ]


def _fact_columns(patterns: TextPatterns) -> list[pl.Expr]:
    rules, tag = patterns.case, patterns.evidence_tags["structured"]
    labels = {
        "injury": rules.injury.label,
        "loss": rules.loss_amount.label,
        "compensation": rules.compensation.label,
        "forgiveness": rules.forgiveness.label,
    }
    text_names = {
        "injury": "injury",
        "loss": "loss_amount",
        "compensation": "compensation",
        "forgiveness": "forgiveness",
    }
    exprs: list[pl.Expr] = []
    evidence: list[pl.Expr] = []
    for fact in _OVERRIDABLE:
        structured = pl.col(f"{_TMP}s_{fact}")
        from_text = pl.col(f"{_TMP}{text_names[fact]}")
        has_structured = structured.is_not_null()
        exprs.append(pl.coalesce(structured, from_text).alias(f"fact_{fact}"))
        exprs.append(
            pl.when(has_structured)
            .then(pl.lit("structured"))
            .when(from_text.is_not_null())
            .then(pl.lit("text"))
            .alias(f"fact_source_{fact}")
        )
        raw_cell = pl.col(fact)
        evidence.append(
            pl.when(has_structured)
            .then(pl.lit(f"{labels[fact]}({tag}): ") + raw_cell)
            .otherwise(pl.col(f"{_TMP}ev_{fact}"))
        )
    evidence.append(pl.col(f"{_TMP}ev_{_OTHER_EVIDENCE}"))
    exprs += [
        pl.coalesce(f"{_TMP}s_injury_detail", f"{_TMP}injury_detail").alias("fact_injury_detail"),
        (
            (pl.col(f"{_TMP}s_injury") == DEATH).fill_null(False)
            | pl.col(f"{_TMP}death").fill_null(False)
        ).alias("fact_death"),
        pl.col(f"{_TMP}settlement_paid").alias("fact_settlement_paid"),
        *(pl.col(f"{_TMP}{f}").fill_null(False).alias(f"fact_{f}") for f in _TEXT_FLAGS),
        pl.col(f"{_TMP}text_scope").alias("fact_text_scope"),
        pl.concat_str(evidence, separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("fact_evidence"),
    ]
    return exprs
