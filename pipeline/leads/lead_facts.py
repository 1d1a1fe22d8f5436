"""What a lead is scored on: its columns typed, and the derived columns the legal test and
the points read (legal_test.py's `Facts`).

Python formats what polars cannot write as reasons do (amounts with thousands separators,
the monitoring line of a province and year) once per distinct value; the quotes of the case
summary are read with polars, once per distinct `case_evidence`.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipeline.config import Config, ScoringSettings
from pipeline.leads.legal_test import Facts, risk_after_incident
from pipeline.leads.minors import ADULT_AGE, age_on
from pipeline.leads.points import CASE_KEYS, HOUSEHOLD_KEY, PETITION_KEYS, short_keys

# The lead columns scoring reads, by type; a missing one reads as empty (null, false, []).
_TEXT = (
    "person_id", "case_id", "case_name", "charge", "injury", "compensation", "forgiveness",
    "case_evidence", "household_id", "health", "monitor_type", "household_type", "risk_type",
    "risk_cleared", "region", "person_name", "person_sex", "person_id_number", "petition_evidence",
)  # fmt: skip
_FLAGS = (
    "death", "settlement_paid", "offender_unknown", "victim_fault", "compensation_waived",
    "case_hardship", "accused_in_case", "any_disabled_or_ill", "any_no_labour", "pet_hardship",
    "pet_medical", "pet_non_payment", "pet_relief_request", "pet_other_hardship",
)  # fmt: skip
_ROWS = ("case_rows", "household_rows", "petition_rows", "relief_rows", "other_relief_rows")
_LEAD_TYPES: dict[str, pl.DataType] = {
    **dict.fromkeys(_TEXT, pl.Utf8()),
    **dict.fromkeys(_FLAGS, pl.Boolean()),
    **dict.fromkeys(_ROWS, pl.List(pl.Utf8)),
    **dict.fromkeys(("loss", "income_per_capita"), pl.Float64()),
    **dict.fromkeys(("case_accepted", "risk_identified", "person_birth"), pl.Date()),
}


def _lead_columns(leads: pl.DataFrame) -> pl.DataFrame:
    """Every column scoring reads, typed; missing ones empty, flags false when missing."""

    def typed(name: str, dtype: pl.DataType) -> pl.Expr:
        column = pl.col(name).cast(dtype) if name in leads.columns else pl.lit(None, dtype=dtype)
        return column.fill_null(False).alias(name) if name in _FLAGS else column.alias(name)

    return leads.with_columns(typed(name, dtype) for name, dtype in _LEAD_TYPES.items())


def _yuan(frame: pl.DataFrame, column: str) -> pl.Expr:
    """An amount as reasons write it (12,345), formatted once per distinct value."""
    values = frame.get_column(column).drop_nulls().unique()
    written = [f"{value:,.0f}" for value in values]
    return pl.col(column).replace_strict(values, written, default=None, return_dtype=pl.Utf8)


def _monitoring_lines(frame: pl.DataFrame, s: ScoringSettings) -> pl.DataFrame:
    """`frame` with the monitoring line of each lead's province and case year (`Facts.line`)."""
    keys = [
        pl.col("region").fill_null("").str.head(2).alias("_province"),
        pl.col("case_accepted").dt.year().alias("_year"),
    ]
    frame = frame.with_columns(keys)
    pairs = frame.select("_province", "_year").unique()
    lines = pairs.with_columns(
        pl.Series(
            Facts.line, [s.monitoring_line(p, y) for p, y in pairs.iter_rows()], dtype=pl.Float64
        )
    )
    return frame.join(
        lines, on=["_province", "_year"], how="left", nulls_equal=True, maintain_order="left"
    ).drop("_province", "_year")


def _quoted(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with where each fact was read (`Facts.QUOTED`): the case summary's first
    sentence for it (`伤情(摘要): …`), else the structured column's first value
    (`伤情(字段): …` as 伤情栏：…); '' when neither holds it. Read once per case_evidence."""
    said = pl.col("_line").str.extract(r"(?s)^.*?: (.*)$", 1)
    source = pl.col("_line").str.extract(r"(?s)^(.*?): ", 1)
    label = source.str.extract(r"(?s)^([^(]*)\(", 1)
    from_text = source.str.ends_with("(摘要)")  # text_patterns.yaml evidence_tags.text
    lines = (
        frame.select(pl.col("case_evidence").drop_nulls().unique())
        .with_columns(
            pl.col("case_evidence")
            .str.replace_all("；", "; ", literal=True)
            .str.split("; ")
            .alias("_line")
        )
        .explode("_line")
        .select(
            "case_evidence", label.alias("_label"), said.alias("_said"), from_text.alias("_text")
        )
        .filter(pl.col("_label").is_in(list(Facts.QUOTED)) & (pl.col("_said") != ""))
    )
    first = (
        lines.group_by("case_evidence", "_label")
        .agg(pl.col("_said").filter("_text").first().alias("_sentence"), pl.col("_said").first())
        .select(
            "case_evidence",
            "_label",
            pl.when(pl.col("_sentence").is_not_null())
            .then(pl.concat_str([pl.lit("“"), "_sentence", pl.lit("”")]))
            .otherwise(pl.concat_str(["_label", pl.lit("栏："), "_said"]))
            .alias("_quote"),
        )
    )
    table = first.group_by("case_evidence").agg(
        pl.col("_quote").filter(pl.col("_label") == label).first().alias(column)
        for label, column in Facts.QUOTED.items()
    )
    joined = frame.join(table, on="case_evidence", how="left", maintain_order="left")
    return joined.with_columns(pl.col(c).fill_null("") for c in Facts.QUOTED.values())


def lead_flags(leads: pl.DataFrame, s: ScoringSettings, today: date) -> pl.DataFrame:
    """The leads with what the elements' findings test (age, the monitoring line …)."""
    age = age_on(pl.col("person_birth"), pl.col("case_accepted").fill_null(today)).cast(pl.Int64)
    frame = _monitoring_lines(_lead_columns(leads).with_columns(age.alias(Facts.age)), s)
    income = pl.col("income_per_capita")
    return frame.with_columns(
        (pl.col(Facts.age) < ADULT_AGE).fill_null(False).alias(Facts.minor),
        (pl.col(Facts.age) >= s.elderly_age).fill_null(False).alias(Facts.elderly),
        pl.col("charge").fill_null("").alias(Facts.charge),
        (income.is_not_null() & (income < pl.col(Facts.line)))
        .fill_null(False)
        .alias(Facts.income_below_line),
        risk_after_incident(s).alias(Facts.risk_after_incident),
    )


def lead_facts(leads: pl.DataFrame, config: Config, today: date) -> pl.DataFrame:
    """The leads with what the legal test and the points read (legal_test.py's `Facts`)."""
    labels = config.source_labels(short=True)
    frame = _quoted(lead_flags(leads, config.scoring, today))
    return frame.with_columns(
        _yuan(frame, "loss").alias(Facts.loss),
        _yuan(frame, "income_per_capita").alias(Facts.income),
        _yuan(frame, Facts.line).alias(Facts.line_yuan),
        short_keys("case_rows", labels).alias(CASE_KEYS),
        short_keys("household_rows", labels, limit=1).alias(HOUSEHOLD_KEY),
        short_keys("petition_rows", labels).alias(PETITION_KEYS),
        short_keys("other_relief_rows", labels).alias("_other_relief_keys"),
    )
