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
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.signals.patterns import (
    Hit,
    TextPatterns,
    VictimMentionRules,
    amount_of,
    fold_text,
    load_text_patterns,
)

CASE_FACTS_INPUT: dict[str, pl.DataType] = {
    "summary": pl.String(),
    "injury": pl.String(),
    "loss": pl.String(),
    "compensation": pl.String(),
    "forgiveness": pl.String(),
}
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
_SELF = "\x00self"
_CLAUSE = re.compile(r"[^,;。!?]*[,;。!?]?")
_LIST_GLUE = "、和及与,;。!?"
DEATH = "死亡"
# Facts a structured column can override, and the evidence of the others.
_OVERRIDABLE = ("injury", "loss", "compensation", "forgiveness")
_OTHER_EVIDENCE = "other"
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
    summary: str | None, patterns: TextPatterns | None = None, *, name: str | None = None
) -> CaseFacts:
    """Read the facts of one 案情摘要 (None or empty gives empty facts).

    With `name` (the party's name), a summary naming several victims is read only where
    it speaks of this party (see `victim_text`).
    """
    patterns = patterns or load_text_patterns()
    text = fold_text(summary or "")
    spans, _ = victim_spans(text, name, patterns.victim_mentions)
    return _read_summary(text, patterns, folded=True, spans=spans)[0]


# --- which clauses are about which victim ---------------------------------------------


@dataclass(frozen=True)
class _Named:
    """Victims named after a marker in one folded summary."""

    forms: tuple[str, ...]  # distinct names as written: 赵玮, 王某某 ...
    masked: frozenset[str]  # the forms that are masked (王某)
    marker_at: dict[int, int]  # name start -> marker start


_NOBODY = _Named((), frozenset(), {})


def victim_names(text: str, rules: VictimMentionRules) -> _Named:
    """The victims a folded summary names after 被害人 (or 受害人, 死者 ...).

    A summary that writes the same two characters after every marker (被害人王某 …
    被害人王某) names one victim at most, and is not searched further.
    """
    markers = list(rules.marker.finditer(text))
    if len({text[m.end() : m.end() + 2] for m in markers}) < 2:
        return _NOBODY
    marker_at: dict[int, int] = {}
    masked: set[str] = set()
    full: list[tuple[str, ...]] = []  # per mention, candidate names longest first
    for marker in markers:
        at = marker.end()
        found = rules.masked.match(text, at)
        if found is not None:
            masked.add(found.group())
            marker_at[at] = marker.start()
            continue
        found = rules.full.match(text, at)
        if found is None:
            continue
        marker_at[at] = marker.start()
        name = found.group()
        shortest = 3 if "·" in name else 2
        full.append(tuple(name[:n] for n in range(len(name), shortest - 1, -1)))
    chosen: set[str] = set()
    for candidates in set(full):
        # the longest candidate the summary repeats is the name: 胡嘉 in 被害人胡嘉当场死亡
        repeated = [c for c in candidates if text.count(c) >= 2]
        chosen.add(repeated[0] if repeated else candidates[-1])
    # 张富 and 张富经 (被害人张富经济损失 twice) are one person
    forms = {f for f in chosen if not any(o != f and f.startswith(o) for o in chosen)}
    return _Named(tuple(sorted(forms | masked)), frozenset(masked), marker_at)


def _own_forms(name: str, named: _Named, text: str) -> set[str]:
    """How the summary names this party as a victim: its full name, else its one masked
    form; empty when the party is not among the victims (the accused) or ambiguous."""
    if len(name) < 2:
        return set()
    full = {
        f
        for f in named.forms
        if f not in named.masked and (f.startswith(name) or name.startswith(f))
    }
    if full:
        return full | ({name} if name in text else set())
    masked = {f for f in named.masked if name.startswith(f.rstrip("某"))}
    return masked if len(masked) == 1 else set()


def _mentions(
    text: str, keys: dict[str, str], named: _Named
) -> list[tuple[int, int, int, str, bool]]:
    """(segment start, name start, name end, key, marked) of every mention, in order."""
    found: list[tuple[int, int, str]] = []
    for form, key in keys.items():
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            if not (form in named.masked and text.startswith("某", end)):
                found.append((at, end, key))
            at = text.find(form, at + 1)
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    out: list[tuple[int, int, int, str, bool]] = []
    taken = -1
    for start, end, key in found:
        if start < taken:
            continue
        taken = end
        marker = named.marker_at.get(start)
        out.append((start if marker is None else marker, start, end, key, marker is not None))
    return out


def victim_text(
    text: str, name: str | None, rules: VictimMentionRules, named: _Named | None = None
) -> tuple[str, str]:
    """The part of a folded summary about the party `name`, and its scope.

    The whole text with scope "summary" unless the summary names several victims and
    this party unambiguously among them; then the clauses about this party (joined by 。
    where others' clauses were left out) with scope "victim".
    """
    spans, scope = victim_spans(text, name, rules, named)
    return (text if spans is None else _join_spans(text, spans)), scope


def victim_spans(  # noqa: C901  (rewritten with per-victim facts, #12)
    text: str,
    name: str | None,
    rules: VictimMentionRules,
    named: _Named | None = None,
    *,
    name_folded: bool = False,
) -> tuple[tuple[tuple[int, int], ...] | None, str]:
    """(start, end) spans of a folded summary about the party `name` (None: all of it)."""
    if not name or not text:
        return None, SCOPE_SUMMARY
    named = named or victim_names(text, rules)
    if len(named.forms) < 2:
        return None, SCOPE_SUMMARY
    name = name if name_folded else fold_text(name)
    own = _own_forms(name, named, text)
    if not own:
        return None, SCOPE_SUMMARY
    others = [
        f
        for f in named.forms
        if f not in own and not any(f.startswith(o) or o.startswith(f) for o in own)
    ]
    if not others:
        return None, SCOPE_SUMMARY
    keys = {f: _SELF for f in own} | {f: f for f in others}
    mentions = _mentions(text, keys, named)
    spans: list[tuple[int, int]] = []
    current: set[str] | None = None  # None: before any name, shared by all
    for clause in _CLAUSE.finditer(text):
        start, end = clause.span()
        if start == end:
            continue
        here = [m for m in mentions if start <= m[1] < end]
        if any(m[4] for m in here):
            here = [m for m in here if m[4]]  # 被害人李某对刘某表示谅解: 李某's clause
        if not here:
            if current is None or _SELF in current:
                spans.append((start, end))
            continue
        if here[0][0] > start and _SELF in {m[3] for m in here}:
            spans.append((start, here[0][0]))  # 持刀殴打 | 被害人A、被害人B
        listed: set[str] = set()
        listed_spans: list[tuple[int, int]] = []
        for i, (seg_start, _, name_end, key, _) in enumerate(here):
            seg_end = here[i + 1][0] if i + 1 < len(here) else end
            if i + 1 < len(here) and not text[name_end:seg_end].strip(_LIST_GLUE):
                listed.add(key)  # 被害人A、被害人B轻伤: A shares what follows B
                listed_spans.append((seg_start, seg_end))
                continue
            current = listed | {key}
            if _SELF in current:
                spans += [*listed_spans, (seg_start, seg_end)]
            listed, listed_spans = set(), []
    return _merged(spans), SCOPE_VICTIM


def _merged(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def _join_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    parts: list[str] = []
    last = -1
    for start, end in sorted(spans):
        if parts and start != last:
            parts.append("。")
        parts.append(text[start:end])
        last = end
    return "".join(parts)


# --- reading one text ------------------------------------------------------------------


def _paid_against_loss(hits: tuple[Hit, ...], loss: float | None) -> tuple[Hit, ...]:
    """A payment with an amount is full when it covers the loss, else partial."""
    if loss is None or loss <= 0:
        return hits
    return tuple(
        h.with_value("full" if h.amount >= loss - 0.5 else "partial")
        if h.amount is not None and h.value in ("full", "partial")
        else h
        for h in hits
    )


# every case_summary rule, in the order they are read
_SCANNED = (
    "injury", "loss_amount", "compensation", "forgiveness", "settlement", *_TEXT_FLAGS.values()
)  # fmt: skip
Scan = dict[str, tuple[Hit, ...]]
Spans = tuple[tuple[int, int], ...]


def _scan(text: str, patterns: TextPatterns) -> Scan:
    """The hits of every case rule in one folded text."""
    rules = patterns.case
    return {name: getattr(rules, name).find(text) for name in _SCANNED}


def _inside(hits: tuple[Hit, ...], spans: Spans | None) -> tuple[Hit, ...]:
    """The hits that start inside `spans` (all of them when spans is None)."""
    if spans is None:
        return hits
    return tuple(h for h in hits if any(a <= h.start < b for a, b in spans))


def _read_summary(
    summary: str | None,
    patterns: TextPatterns,
    *,
    folded: bool = False,
    scan: Scan | None = None,
    spans: Spans | None = None,
) -> tuple[CaseFacts, dict[str, list[str]]]:
    """Facts plus their evidence grouped by the structured column that can override them.

    `scan` (the hits of `_scan`) may be given to reuse one search of the text for several
    parties; `spans` keeps only the hits starting inside them (one victim's clauses).
    """
    rules, tag = patterns.case, patterns.evidence_tags["text"]
    text = (summary or "") if folded else fold_text(summary or "")
    found = scan if scan is not None else _scan(text, patterns)

    def hits(name: str) -> tuple[Hit, ...]:
        return _inside(found[name], spans)

    evidence: dict[str, list[str]] = {g: [] for g in (*_OVERRIDABLE, _OTHER_EVIDENCE)}

    injury_hit = rules.injury.choose(hits("injury"))
    death = injury_hit is not None and injury_hit.value == DEATH
    if injury_hit is not None:
        # A death also counts when a structured 伤情 wins, so its evidence must stay.
        evidence[_OTHER_EVIDENCE if death else "injury"].append(
            rules.injury.evidence(injury_hit, tag)
        )

    loss_hits = [h for h in hits("loss_amount") if h.amount is not None]
    loss_hit = max(loss_hits, key=lambda h: h.amount or 0.0, default=None)
    if loss_hit is not None:
        evidence["loss"].append(rules.loss_amount.evidence(loss_hit, tag))

    choices = {}
    for name, group in (
        ("compensation", "compensation"),
        ("forgiveness", "forgiveness"),
        ("settlement", _OTHER_EVIDENCE),
    ):
        rule = getattr(rules, name)
        rule_hits = hits(name)
        if name == "compensation":
            rule_hits = _paid_against_loss(rule_hits, loss_hit.amount if loss_hit else None)
        chosen = rule.choose(rule_hits)
        choices[name] = chosen.value if chosen else None
        if chosen is not None:
            evidence[group].extend(rule.evidence_of_choice(chosen, rule_hits, tag))

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
        loss_amount=loss_hit.amount if loss_hit else None,
        compensation=choices["compensation"],
        forgiveness=choices["forgiveness"],
        settlement_paid=None if settlement is None else settlement == "paid",
        evidence=tuple(line for lines in evidence.values() for line in lines),
        text_scope=None if not text else SCOPE_SUMMARY if spans is None else SCOPE_VICTIM,
        **flags,
    )
    return facts, evidence


def case_facts_frame(df: pl.DataFrame, patterns: TextPatterns | None = None) -> pl.DataFrame:
    """Add the `fact_*` columns of CASE_FACTS_OUTPUT to a frame of case-party rows.

    Args:
        df: Utf8 columns `summary, injury, loss, compensation, forgiveness` (nulls allowed),
            and optionally `name` (the party's name): with it, a summary naming several
            victims is read per victim. Other columns pass through untouched, in the
            same row order.
        patterns: compiled text patterns; defaults to schemas/text_patterns.yaml.

    Returns:
        `df` with the facts; `fact_source_<name>` says whether a fact came from the
        structured column ("structured") or the summary ("text"), null if neither;
        `fact_text_scope` whether the summary was read for this party ("victim") or
        whole ("summary").
    """
    patterns = patterns or load_text_patterns()
    df = _checked_input(df)
    names = (
        _map_distinct(df["name"], fold_text, pl.String()).fill_null("")
        if "name" in df.columns
        else pl.repeat("", df.height, dtype=pl.String, eager=True)
    )
    keyed = df.with_columns(names.alias(f"{_TMP}name_key"))
    pairs = keyed.select("summary", f"{_TMP}name_key").drop_nulls("summary").unique()
    text = _summary_facts(pairs, patterns)
    out = keyed.join(
        text,
        left_on=["summary", f"{_TMP}name_key"],
        right_on=[f"{_TMP}summary", f"{_TMP}name"],
        how="left",
        maintain_order="left",
    )
    out = out.with_columns(_structured_columns(out, patterns))
    out = out.with_columns(_fact_columns(patterns))
    return out.select(*df.columns, *CASE_FACTS_OUTPUT)


def _checked_input(df: pl.DataFrame) -> pl.DataFrame:
    optional = ["name"] if "name" in df.columns else []
    problems = [f"missing column '{c}'" for c in CASE_FACTS_INPUT if c not in df.columns]
    problems += [
        f"column '{c}' is {df.schema[c]}, expected String"
        for c in (*CASE_FACTS_INPUT, *optional)
        if c in df.columns and df.schema[c] not in (pl.String(), pl.Null())
    ]
    problems += [f"column '{c}' already present" for c in CASE_FACTS_OUTPUT if c in df.columns]
    if problems:
        raise ValueError("case_facts_frame: " + "; ".join(problems))
    return df.with_columns(pl.col(c).cast(pl.String) for c in (*CASE_FACTS_INPUT, *optional))


def _summary_facts(pairs: pl.DataFrame, patterns: TextPatterns) -> pl.DataFrame:
    """One row per distinct (summary, folded name) with its text facts and grouped evidence.

    Each summary is folded and searched for victims' names once; each distinct text read
    (a whole summary, or one victim's clauses) is read once and its facts built once.
    """
    # a summary's parties side by side: its folding, names and hits are kept only while
    # they are needed, so memory stays flat on large frames
    pairs = pairs.sort("summary")
    summaries: list[str] = pairs.get_column("summary").to_list()
    names: list[str] = pairs.get_column(f"{_TMP}name_key").to_list()
    fields = [f for f in _TEXT_FACTS if f != "text_scope"]
    groups = (*_OVERRIDABLE, _OTHER_EVIDENCE)
    columns: dict[str, list[Any]] = {f"{_TMP}{f}": [] for f in fields}
    columns |= {f"{_TMP}ev_{g}": [] for g in groups}
    reading_of: list[int] = []
    scopes: list[str | None] = []
    mention_rules = patterns.victim_mentions
    current: str | None = None
    text, named, scan = "", None, None
    index: dict[Spans | None, int] = {}  # this summary's spans -> row of its reading
    readings = 0
    for summary, name in zip(summaries, names, strict=True):
        if summary != current:
            current, index, scan = summary, {}, None
            text = fold_text(summary)
            named = victim_names(text, mention_rules)
        spans: Spans | None = None
        scope = SCOPE_SUMMARY
        if named is not None and len(named.forms) >= 2 and name:
            spans, scope = victim_spans(text, name, mention_rules, named, name_folded=True)
        at = index.get(spans)
        if at is None:
            if scan is None:
                scan = _scan(text, patterns)  # once per summary, for every party
            facts, evidence = _read_summary(text, patterns, folded=True, scan=scan, spans=spans)
            for f in fields:
                columns[f"{_TMP}{f}"].append(getattr(facts, f))
            for g in groups:
                columns[f"{_TMP}ev_{g}"].append("; ".join(evidence[g]) or None)
            at = index[spans] = readings
            readings += 1
        reading_of.append(at)
        scopes.append(scope if text else None)
    columns[f"{_TMP}reading"] = list(range(readings))
    schema: dict[str, pl.DataType] = {name: pl.String() for name in columns}
    schema |= {f"{_TMP}{field}": dtype for field, dtype in _TEXT_FACTS.items()}
    schema[f"{_TMP}reading"] = pl.UInt32()
    del schema[f"{_TMP}text_scope"]
    read = pl.DataFrame(columns, schema=schema)
    keys = pl.DataFrame(
        {
            f"{_TMP}summary": summaries,
            f"{_TMP}name": names,
            f"{_TMP}reading": reading_of,
            f"{_TMP}text_scope": scopes,
        },
        schema={
            f"{_TMP}summary": pl.String(),
            f"{_TMP}name": pl.String(),
            f"{_TMP}reading": pl.UInt32(),
            f"{_TMP}text_scope": pl.String(),
        },
    )
    return keys.join(read, on=f"{_TMP}reading", how="left").drop(f"{_TMP}reading")


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
