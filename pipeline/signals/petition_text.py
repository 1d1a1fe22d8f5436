"""Petition facts from 信访事项 / 诉求内容 and the 信访类别 of a petition row.

Hardship, medical bills, non-payment and a relief request are only visible in the free
text; a category such as 国家司法救助类 is itself a relief request. `case_related` says
the petition is about a criminal case or its compensation (被撞, 打伤, 被告人, 赔偿 ...)
rather than land, wages or 低保; an optional `case_ref` column (涉及案件) naming a
criminal case sets it too. Each distinct text is read once and joined back.

Limitation: the facts say what the text asserts, not whose hardship or which case it is
about; linking the petitioner to the victim and the case is the job of link/ and leads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import polars as pl

from pipeline.signals.patterns import FactRule, TextPatterns, fold_text, load_text_patterns
from pipeline.signals.readers import TextReaders

PETITION_FACTS_INPUT: dict[str, pl.DataType] = {"text": pl.String(), "category": pl.String()}
PETITION_FACTS_OUTPUT: dict[str, pl.DataType] = {
    "fact_hardship": pl.Boolean(),
    "fact_medical_costs": pl.Boolean(),
    "fact_non_payment": pl.Boolean(),
    "fact_relief_request": pl.Boolean(),
    "fact_case_related": pl.Boolean(),
    "fact_evidence": pl.String(),
}
_FLAGS = ("hardship", "medical_costs", "non_payment", "relief_request", "case_related")
# 涉及案件 naming a criminal case: a procuratorate or criminal case number, or a case name
# (张某某交通肇事案); a civil number (（2024）陕1055民初126号) or 无 does not
_CRIMINAL_CASE_REF = re.compile(r"检|刑|[^无]案$|案件$")
_TMP = "__petition_text_"


@dataclass(frozen=True)
class PetitionFacts:
    """Facts read from one petition; `evidence` holds the snippets behind them."""

    hardship: bool = False
    medical_costs: bool = False
    non_payment: bool = False
    relief_request: bool = False
    case_related: bool = False  # about a criminal case or its compensation
    evidence: tuple[str, ...] = ()


def extract_petition_facts(
    text: str | None,
    category: str | None = None,
    patterns: TextPatterns | None = None,
    *,
    case_ref: str | None = None,
) -> PetitionFacts:
    """Read the facts of one petition text; a relief category also sets `relief_request`,
    a `case_ref` (涉及案件) naming a criminal case also sets `case_related`."""
    patterns = patterns or load_text_patterns()
    facts = _read_text(text, patterns)
    category_line = _relief_category_evidence(category, patterns)
    case_line = _case_ref_evidence(case_ref, patterns)
    return PetitionFacts(
        hardship=facts.hardship,
        medical_costs=facts.medical_costs,
        non_payment=facts.non_payment,
        relief_request=facts.relief_request or category_line is not None,
        case_related=facts.case_related or case_line is not None,
        evidence=tuple(
            line for line in (*facts.evidence, category_line, case_line) if line is not None
        ),
    )


def _read_text(text: str | None, patterns: TextPatterns) -> PetitionFacts:
    folded = fold_text(text or "")
    tag = patterns.evidence_tags["text"]
    flags: dict[str, bool] = {}
    evidence: list[str] = []
    found = patterns.petition.find_all(folded)
    for name in _FLAGS:
        rule: FactRule = getattr(patterns.petition, name)
        hits = found[name]
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


def _case_ref_evidence(case_ref: str | None, patterns: TextPatterns) -> str | None:
    """Evidence line when 涉及案件 names a criminal case, else None."""
    folded = fold_text(case_ref or "")
    if not _CRIMINAL_CASE_REF.search(folded):
        return None
    label = patterns.petition.case_related.label
    return f"{label}({patterns.evidence_tags['structured']}): {folded}"


def petition_facts_frame(
    df: pl.DataFrame, patterns: TextPatterns | None = None, readers: TextReaders | None = None
) -> pl.DataFrame:
    """Add the `fact_*` columns of PETITION_FACTS_OUTPUT to a frame of petition rows.

    Args:
        df: Utf8 columns `text, category` (nulls allowed), optionally `case_ref`
            (涉及案件); other columns pass through untouched, in the same row order.
        patterns: compiled text patterns; defaults to schemas/text_patterns.yaml.
        readers: where the texts are read (worker processes for a large run); None reads
            them here. The readings are the same.
    """
    patterns = patterns or load_text_patterns()
    df = _checked_input(df)
    read = _text_readings(df.get_column("text"), patterns, readers)
    category_evidence = _evidence_per_row(
        df.get_column("category"), partial(_relief_category_evidence, patterns=patterns)
    )
    if "case_ref" in df.columns:
        case_evidence = _evidence_per_row(
            df.get_column("case_ref").cast(pl.String),
            partial(_case_ref_evidence, patterns=patterns),
        )
    else:
        case_evidence = pl.repeat(None, df.height, dtype=pl.String, eager=True)
    out = df.join(
        read, left_on="text", right_on=f"{_TMP}text", how="left", maintain_order="left"
    ).with_columns(
        category_evidence.alias(f"{_TMP}category"), case_evidence.alias(f"{_TMP}case_ref")
    )
    return out.with_columns(
        *(
            pl.col(f"{_TMP}{f}").fill_null(False).alias(f"fact_{f}")
            for f in _FLAGS
            if f not in ("relief_request", "case_related")
        ),
        (
            pl.col(f"{_TMP}relief_request").fill_null(False)
            | pl.col(f"{_TMP}category").is_not_null()
        ).alias("fact_relief_request"),
        (
            pl.col(f"{_TMP}case_related").fill_null(False) | pl.col(f"{_TMP}case_ref").is_not_null()
        ).alias("fact_case_related"),
        pl.concat_str(
            [f"{_TMP}evidence", f"{_TMP}category", f"{_TMP}case_ref"],
            separator="; ",
            ignore_nulls=True,
        )
        .replace("", None)
        .alias("fact_evidence"),
    ).select(*df.columns, *PETITION_FACTS_OUTPUT)


def _text_readings(
    text: pl.Series, patterns: TextPatterns, readers: TextReaders | None
) -> pl.DataFrame:
    """One row per distinct petition text: its flags and evidence (columns prefixed `_TMP`)."""
    texts = text.drop_nulls().unique()
    values = texts.to_list()
    readings = (
        _read_texts(values, patterns) if readers is None else readers.map(_read_texts, values)
    )
    return pl.DataFrame(
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


def _read_texts(texts: Sequence[str], patterns: TextPatterns) -> list[PetitionFacts]:
    return [_read_text(t, patterns) for t in texts]


def _evidence_per_row(values: pl.Series, evidence: Callable[[str], str | None]) -> pl.Series:
    """`evidence` of each row's value (null stays null), read once per distinct value."""
    distinct = values.drop_nulls().unique()
    return values.replace_strict(
        distinct,
        pl.Series([evidence(v) for v in distinct], dtype=pl.String),
        default=None,
        return_dtype=pl.String,
    )


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
