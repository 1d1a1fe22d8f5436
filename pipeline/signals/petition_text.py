"""Petition facts from 信访事项 / 诉求内容 and the 信访类别 of a petition row.

Hardship, medical bills, non-payment and a relief request are only visible in the free
text; a category such as 国家司法救助类 is itself a relief request. Each distinct text
is read once and joined back.

Limitation: the facts say what the text asserts, not whose hardship or which case it is
about; linking the petitioner to the victim and the case is the job of link/ and leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipeline.signals.patterns import FactRule, TextPatterns, fold_text, load_text_patterns

PETITION_FACTS_INPUT: dict[str, pl.DataType] = {"text": pl.String(), "category": pl.String()}
PETITION_FACTS_OUTPUT: dict[str, pl.DataType] = {
    "fact_hardship": pl.Boolean(),
    "fact_medical_costs": pl.Boolean(),
    "fact_non_payment": pl.Boolean(),
    "fact_relief_request": pl.Boolean(),
    "fact_evidence": pl.String(),
}
_FLAGS = ("hardship", "medical_costs", "non_payment", "relief_request")
_TMP = "__petition_text_"


@dataclass(frozen=True)
class PetitionFacts:
    """Facts read from one petition; `evidence` holds the snippets behind them."""

    hardship: bool = False
    medical_costs: bool = False
    non_payment: bool = False
    relief_request: bool = False
    evidence: tuple[str, ...] = ()


def extract_petition_facts(
    text: str | None, category: str | None = None, patterns: TextPatterns | None = None
) -> PetitionFacts:
    """Read the facts of one petition text; a relief category also sets `relief_request`."""
    patterns = patterns or load_text_patterns()
    facts = _read_text(text, patterns)
    category_line = _relief_category_evidence(category, patterns)
    if category_line is None:
        return facts
    return PetitionFacts(
        hardship=facts.hardship,
        medical_costs=facts.medical_costs,
        non_payment=facts.non_payment,
        relief_request=True,
        evidence=(*facts.evidence, category_line),
    )


def _read_text(text: str | None, patterns: TextPatterns) -> PetitionFacts:
    folded = fold_text(text or "")
    tag = patterns.evidence_tags["text"]
    flags: dict[str, bool] = {}
    evidence: list[str] = []
    for name in _FLAGS:
        rule: FactRule = getattr(patterns.petition, name)
        hits = rule.find(folded)
        flags[name] = bool(hits)
        if hits:
            evidence.append(rule.evidence(hits[0], tag))
    return PetitionFacts(**flags, evidence=tuple(evidence))


def _relief_category_evidence(category: str | None, patterns: TextPatterns) -> str | None:
    """Evidence line when the category is a relief category, else None."""
    folded = fold_text(category or "")
    if not any(c in folded for c in patterns.relief_categories):
        return None
    label = patterns.petition.relief_request.label
    return f"{label}({patterns.evidence_tags['structured']}): {folded}"


def petition_facts_frame(df: pl.DataFrame, patterns: TextPatterns | None = None) -> pl.DataFrame:
    """Add the `fact_*` columns of PETITION_FACTS_OUTPUT to a frame of petition rows.

    Args:
        df: Utf8 columns `text, category` (nulls allowed); other columns pass through
            untouched, in the same row order.
        patterns: compiled text patterns; defaults to schemas/text_patterns.yaml.
    """
    patterns = patterns or load_text_patterns()
    df = _checked_input(df)
    texts = df.get_column("text").drop_nulls().unique()
    readings = [_read_text(t, patterns) for t in texts]
    read = pl.DataFrame(
        {
            f"{_TMP}text": texts,
            **{f"{_TMP}{f}": [getattr(r, f) for r in readings] for f in _FLAGS},
            f"{_TMP}evidence": ["; ".join(r.evidence) or None for r in readings],
        },
        schema={
            f"{_TMP}text": pl.String(),
            **{f"{_TMP}{f}": pl.Boolean() for f in _FLAGS},
            f"{_TMP}evidence": pl.String(),
        },
    )
    categories = df.get_column("category").drop_nulls().unique()
    category_evidence = df.get_column("category").replace_strict(
        categories,
        pl.Series([_relief_category_evidence(c, patterns) for c in categories], dtype=pl.String),
        default=None,
        return_dtype=pl.String,
    )
    out = df.join(
        read, left_on="text", right_on=f"{_TMP}text", how="left", maintain_order="left"
    ).with_columns(category_evidence.alias(f"{_TMP}category"))
    return out.with_columns(
        *(pl.col(f"{_TMP}{f}").fill_null(False).alias(f"fact_{f}") for f in _FLAGS[:-1]),
        (
            pl.col(f"{_TMP}relief_request").fill_null(False)
            | pl.col(f"{_TMP}category").is_not_null()
        ).alias("fact_relief_request"),
        pl.concat_str([f"{_TMP}evidence", f"{_TMP}category"], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("fact_evidence"),
    ).select(*df.columns, *PETITION_FACTS_OUTPUT)


def _checked_input(df: pl.DataFrame) -> pl.DataFrame:
    problems = [f"missing column '{c}'" for c in PETITION_FACTS_INPUT if c not in df.columns]
    problems += [
        f"column '{c}' is {df.schema[c]}, expected String"
        for c in PETITION_FACTS_INPUT
        if c in df.columns and df.schema[c] not in (pl.String(), pl.Null())
    ]
    problems += [f"column '{c}' already present" for c in PETITION_FACTS_OUTPUT if c in df.columns]
    if problems:
        raise ValueError("petition_facts_frame: " + "; ".join(problems))
    return df.with_columns(pl.col(c).cast(pl.String) for c in PETITION_FACTS_INPUT)
