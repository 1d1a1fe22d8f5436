"""Row references a reviewer can follow: the row Excel or WPS shows, not the data row.

The scorer cites rows briefly (案件#456: the 456th data row of the case-party file) and the
evidence column by record key (cases:cases.csv:456). A reviewer who opens the file lands on
row 456, which is the row above (the header is row 1), or further off when title rows sit
above the header. For people, both are rewritten here to the row a spreadsheet shows
(ingest's `excel_row`): 案件#457 and 案件当事人 cases.csv#457. candidates.csv, a tools' file,
keeps the record keys as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from pipeline.coded import decoded

EVIDENCE_SEPARATOR = "；"
_REF_COLUMNS = ("record_key", "source", "file", "sheet", "row_number", "excel_row")


def row_references(
    frames: Mapping[str, pl.DataFrame], cited: pl.Series | None = None
) -> pl.DataFrame:
    """record_key -> source, file, sheet, row_number, excel_row of every row of `frames`.

    With `cited` (`cited_keys`), only the rows it names and one row per source and distinct
    `excel_row - row_number`: all that the evidence and the reasons read (a reason's row
    that no evidence cites is placed by its source's single offset, `_source_offsets`),
    without a copy of every row's reference (~0.4 GB at 2 M rows).
    """
    parts = [
        f.select(
            *(c for c in _REF_COLUMNS if c != "excel_row"),
            pl.coalesce(pl.col("^excel_row$"), pl.col("row_number") + 1).alias("excel_row"),
        )
        for f in frames.values()
        if f is not None and "record_key" in f.columns
    ]
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(_REF_COLUMNS, pl.Utf8))
    if cited is not None:
        offset = pl.struct("source", pl.col("excel_row") - pl.col("row_number"))
        keep = pl.col("record_key").is_in(cited.implode()) | offset.is_first_distinct()
        parts = [part.filter(keep) for part in parts]
    return pl.concat([decoded(part) for part in parts]).unique("record_key")


def cited_keys(*frames: pl.DataFrame) -> pl.Series:
    """The record keys the `evidence` column of `frames` cites (each once)."""
    keys = [
        f.select(pl.col("evidence").fill_null("").str.split(EVIDENCE_SEPARATOR).explode())
        for f in frames
        if "evidence" in f.columns
    ]
    every = (
        pl.concat(keys) if keys else pl.DataFrame({"evidence": []}, schema={"evidence": pl.Utf8})
    )
    return every.filter(pl.col("evidence") != "").unique()["evidence"].rename("record_key")


def _cited_rows(frame: pl.DataFrame, refs: pl.DataFrame) -> pl.DataFrame:
    """(candidate_id, position, record_key, source, file, sheet, row_number, excel_row) per
    evidence key of each lead, in the order the evidence lists them."""
    keys = frame.select(
        "candidate_id", pl.col("evidence").fill_null("").str.split(EVIDENCE_SEPARATOR)
    ).explode("evidence")
    keys = keys.filter(pl.col("evidence") != "").with_columns(
        pl.int_range(pl.len()).over("candidate_id").alias("position")
    )
    return keys.rename({"evidence": "record_key"}).join(refs, on="record_key", how="left")


def evidence_with_excel_rows(
    frame: pl.DataFrame, refs: pl.DataFrame, labels: Mapping[str, str]
) -> pl.Expr:
    """The evidence column as people read it: `案件当事人 cases.csv#457；…` (label, file,
    [sheet], Excel row); a key no row explains is left as it is."""
    cited = _cited_rows(frame, refs)
    where = pl.col("file") + pl.when(pl.col("sheet").is_not_null()).then(
        pl.format("[{}]", "sheet")
    ).otherwise(pl.lit(""))
    shown = pl.when(pl.col("excel_row").is_not_null()).then(
        pl.format(
            "{} {}#{}",
            pl.col("source").replace_strict(dict(labels), default=pl.col("source")),
            where,
            "excel_row",
        )
    )
    texts = (
        cited.with_columns(pl.coalesce(shown, pl.col("record_key")).alias("_shown"))
        .sort("candidate_id", "position")
        .group_by("candidate_id", maintain_order=True)
        .agg(pl.col("_shown").str.join(EVIDENCE_SEPARATOR))
    )
    lookup = dict(texts.iter_rows())
    return pl.col("candidate_id").replace_strict(lookup, default=pl.col("evidence"))


def _source_offsets(refs: pl.DataFrame, short_labels: Mapping[str, str]) -> dict[str, int]:
    """Per short label, excel_row - row_number when it is the same for every row of the source
    (one file, or files with their header in the same row): a row no lead cites directly."""
    offsets = (
        refs.group_by("source")
        .agg((pl.col("excel_row") - pl.col("row_number")).unique().alias("offsets"))
        .filter(pl.col("offsets").list.len() == 1)
    )
    return {short_labels.get(s, s): int(o[0]) for s, o in offsets.iter_rows()}


def reasons_with_excel_rows(
    frame: pl.DataFrame, refs: pl.DataFrame, short_labels: Mapping[str, str]
) -> pl.Expr:
    """The reasons column with each short reference (案件#456) naming the Excel row (案件#457).

    A reference is resolved among the lead's own evidence rows first, then by its source's
    single offset; one that neither resolves says it is a data row (案件数据行456).
    """
    labels = sorted(set(short_labels.values()), key=len, reverse=True)
    pattern = re.compile("(" + "|".join(re.escape(label) for label in labels) + r")#(\d+)")
    cited = _cited_rows(frame, refs).drop_nulls("excel_row")
    per_lead: dict[str, dict[tuple[str, int], int]] = {}
    for cid, source, number, excel in cited.select(
        "candidate_id", "source", "row_number", "excel_row"
    ).iter_rows():
        per_lead.setdefault(cid, {})[(short_labels.get(source, source), int(number))] = int(excel)
    offsets = _source_offsets(refs.drop_nulls("excel_row"), short_labels)

    def rewrite(lead: dict[str, str | None]) -> str | None:
        rows = per_lead.get(lead["candidate_id"] or "", {})

        def swap(match: re.Match[str]) -> str:
            label, number = match.group(1), int(match.group(2))
            excel = rows.get((label, number))
            if excel is None and label in offsets:
                excel = number + offsets[label]
            return f"{label}#{excel}" if excel is not None else f"{label}数据行{number}"

        text = lead["reasons"]
        return pattern.sub(swap, text) if text else text

    return pl.struct("candidate_id", "reasons").map_elements(rewrite, return_dtype=pl.Utf8)
