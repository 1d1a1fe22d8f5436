"""Case facts from 案情摘要 and the structured columns of a case-party row.

Structured cells win where they hold a known value; the summary fills the gaps.
Each distinct summary is read once and joined back, so repeated summaries cost nothing.

Limitation: a summary often names several people (被告人王某…致被害人李某重伤,
张某轻伤). Facts are not attributed to a person: every party row of the case gets the
facts of the whole summary (the most severe injury, the largest loss). A death is read
as the victim's, although a summary may report the offender's death.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from pipeline.signals.patterns import TextPatterns, amount_of, fold_text, load_text_patterns

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
}
_TEXT_FLAGS = ("hit_and_run", "offender_unknown", "offender_dead", "victim_fault")
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
    evidence: tuple[str, ...] = ()


def extract_case_facts(summary: str | None, patterns: TextPatterns | None = None) -> CaseFacts:
    """Read the facts of one 案情摘要 (None or empty gives empty facts)."""
    return _read_summary(summary, patterns or load_text_patterns())[0]


def _read_summary(
    summary: str | None, patterns: TextPatterns
) -> tuple[CaseFacts, dict[str, list[str]]]:
    """Facts plus their evidence grouped by the structured column that can override them."""
    rules, tag = patterns.case, patterns.evidence_tags["text"]
    text = fold_text(summary or "")
    evidence: dict[str, list[str]] = {g: [] for g in (*_OVERRIDABLE, _OTHER_EVIDENCE)}

    injury_hit = rules.injury.choose(rules.injury.find(text))
    death = injury_hit is not None and injury_hit.value == DEATH
    if injury_hit is not None:
        # A death also counts when a structured 伤情 wins, so its evidence must stay.
        evidence[_OTHER_EVIDENCE if death else "injury"].append(
            rules.injury.evidence(injury_hit, tag)
        )

    loss_hits = [h for h in rules.loss_amount.find(text) if h.amount is not None]
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
        hits = rule.find(text)
        chosen = rule.choose(hits)
        choices[name] = chosen.value if chosen else None
        if chosen is not None:
            evidence[group].extend(rule.evidence_of_choice(chosen, hits, tag))

    flags = {}
    for name in _TEXT_FLAGS:
        rule = getattr(rules, name)
        hits = rule.find(text)
        flags[name] = bool(hits)
        if hits:
            evidence[_OTHER_EVIDENCE].append(rule.evidence(hits[0], tag))

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
        **flags,
    )
    return facts, evidence


def case_facts_frame(df: pl.DataFrame, patterns: TextPatterns | None = None) -> pl.DataFrame:
    """Add the `fact_*` columns of CASE_FACTS_OUTPUT to a frame of case-party rows.

    Args:
        df: Utf8 columns `summary, injury, loss, compensation, forgiveness` (nulls allowed);
            other columns pass through untouched, in the same row order.
        patterns: compiled text patterns; defaults to schemas/text_patterns.yaml.

    Returns:
        `df` with the facts; `fact_source_<name>` says whether a fact came from the
        structured column ("structured") or the summary ("text"), null if neither.
    """
    patterns = patterns or load_text_patterns()
    df = _checked_input(df)
    text = _summary_facts(df.get_column("summary"), patterns)
    out = df.join(
        text, left_on="summary", right_on=f"{_TMP}summary", how="left", maintain_order="left"
    )
    out = out.with_columns(_structured_columns(out, patterns))
    out = out.with_columns(_fact_columns(patterns))
    return out.select(*df.columns, *CASE_FACTS_OUTPUT)


def _checked_input(df: pl.DataFrame) -> pl.DataFrame:
    problems = [f"missing column '{c}'" for c in CASE_FACTS_INPUT if c not in df.columns]
    problems += [
        f"column '{c}' is {df.schema[c]}, expected String"
        for c in CASE_FACTS_INPUT
        if c in df.columns and df.schema[c] not in (pl.String(), pl.Null())
    ]
    problems += [f"column '{c}' already present" for c in CASE_FACTS_OUTPUT if c in df.columns]
    if problems:
        raise ValueError("case_facts_frame: " + "; ".join(problems))
    return df.with_columns(pl.col(c).cast(pl.String) for c in CASE_FACTS_INPUT)


def _summary_facts(summaries: pl.Series, patterns: TextPatterns) -> pl.DataFrame:
    """One row per distinct non-null summary with its text facts and grouped evidence."""
    distinct = summaries.drop_nulls().unique()
    readings = [_read_summary(s, patterns) for s in distinct]
    columns: dict[str, list[Any]] = {f"{_TMP}summary": distinct.to_list()}
    for field in _TEXT_FACTS:
        columns[f"{_TMP}{field}"] = [getattr(facts, field) for facts, _ in readings]
    for group in (*_OVERRIDABLE, _OTHER_EVIDENCE):
        columns[f"{_TMP}ev_{group}"] = ["; ".join(ev[group]) or None for _, ev in readings]
    schema: dict[str, pl.DataType] = {name: pl.String() for name in columns}
    schema |= {f"{_TMP}{field}": dtype for field, dtype in _TEXT_FACTS.items()}
    return pl.DataFrame(columns, schema=schema)


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
        pl.concat_str(evidence, separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("fact_evidence"),
    ]
    return exprs
