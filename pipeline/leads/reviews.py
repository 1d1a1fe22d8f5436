"""Leads across runs: new or changed since the last run, and reviewers' decisions carried over.

Decisions come from an earlier 线索清单.csv (its 审核结论 and notes) and follow each lead by
线索编号, which is stable for the same person and case. The decision words are data
(schemas/vocabulary.yaml `review_decisions`: 采纳 / 不采纳 / 待核实 and what reviewers also
write for them, 同意, 驳回, 核实中 …). A word listed nowhere is not dropped: it stays in
审核结论 as written, its note is carried, and its row is reported; every row of the file is
either used or quarantined, and the manifest counts what was read and carried.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.config import ReviewDecisions, decision_key
from pipeline.ingest.read import JUNK_COLUMN, SourceFrame
from pipeline.leads.decisions import latest_decisions
from pipeline.outputs.masking import mask_digit_runs
from pipeline.outputs.spreadsheet import restore_formulas
from pipeline.validate.rows import JUNK_REASONS, QUARANTINE_SCHEMA, ValidatedSource, count_per_file

_REVIEWED = ("candidate_id", "decision", "note", "evidence_hash")
_NO_LEAD_ID = "审核文件该行没有线索编号，无法对应到线索"
# How much of an unknown decision word the report quotes.
_SHOWN_CHARS = 20


@dataclass(frozen=True)
class ReviewsRead:
    """A reviews file read: its rows with a 线索编号 (`rows`) and those without (quarantine).

    `rows`: candidate_id, `written` (审核结论 as written), `decision` (the decision's word,
    null when blank or unknown), note, evidence_hash (the lead's fingerprint when reviewed)
    and the row reference (file, sheet, row_number, excel_row).
    """

    source: SourceFrame
    rows: pl.DataFrame
    quarantined: pl.DataFrame

    def unknown_words(self) -> pl.DataFrame:
        """Rows whose 审核结论 is in no decision's words: file, sheet, excel_row, word."""
        unknown = self.rows.filter(pl.col("written").is_not_null() & pl.col("decision").is_null())
        return unknown.select("file", "sheet", "excel_row", pl.col("written").alias("word"))


def review_rows(frame: pl.DataFrame, decisions: ReviewDecisions) -> pl.DataFrame:
    """Reviewers' cells as they were written (the spreadsheet-safe apostrophe undone, spaces
    trimmed, blank as null), with `written` and `decision`, the decision's word or null."""
    words = decisions.words()
    present = [c for c in _REVIEWED if c in frame.columns]
    cells = restore_formulas(frame.select(pl.col(c).cast(pl.Utf8) for c in present))
    cells = cells.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in present)
    missing = [pl.lit(None, dtype=pl.Utf8).alias(c) for c in _REVIEWED if c not in present]
    return (
        frame.drop(present)
        .hstack(cells)
        .with_columns(*missing)
        .with_columns(
            pl.col("decision").alias("written"),
            pl.col("decision")
            .map_elements(lambda w: words.get(decision_key(w)), return_dtype=pl.Utf8)
            .alias("decision"),
        )
    )


def read_reviews(source: SourceFrame, decisions: ReviewDecisions) -> ReviewsRead:
    """The rows of a reviews file with a 线索编号; the others (blank, repeated header, total,
    no 线索编号) quarantined with a reason, and each file's counts reconciled."""
    rows = review_rows(source.frame, decisions)
    junk = pl.col(JUNK_COLUMN) if JUNK_COLUMN in rows.columns else pl.lit(None, dtype=pl.Utf8)
    usable = junk.is_null() & pl.col("candidate_id").is_not_null()
    reason = junk.replace_strict(JUNK_REASONS, default=None, return_dtype=pl.Utf8)
    quarantined = rows.filter(~usable).select(
        "source",
        "file",
        "sheet",
        "row_number",
        "excel_row",
        pl.coalesce(junk, pl.lit("reviews_no_lead_id")).alias("rule"),
        pl.coalesce(reason, pl.lit(_NO_LEAD_ID)).alias("reason"),
    )
    kept = ValidatedSource(rows.filter(usable), quarantined.cast(QUARANTINE_SCHEMA))
    count_per_file(source.files, kept)
    return ReviewsRead(source, kept.accepted, kept.quarantined)


def rows_to_carry(
    history: pl.DataFrame, reviews: ReviewsRead | None, decisions: ReviewDecisions
) -> pl.DataFrame:
    """What decisions carry over from, in order: the history's latest decision per lead (so a
    decision outlives the reviews file it came in), then the reviews file's rows, which win
    where they decide (`carry_over_reviews` takes a lead's last recognised decision)."""
    words = decisions.words()
    earlier = latest_decisions(history).select(
        "candidate_id",
        pl.col("decision")
        .map_elements(lambda w: words.get(decision_key(w)), return_dtype=pl.Utf8)
        .alias("decision"),
        pl.col("decision").alias("written"),
        pl.col("note").replace("", None),
        "evidence_hash",
    )
    if reviews is None:
        return earlier
    return pl.concat([earlier, reviews.rows.select(earlier.columns)])


def _latest_review(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per lead: its last recognised decision, else its last row with anything
    written; its note, or the lead's last note when that row has none (never lost)."""
    written = rows.filter(pl.col("written").is_not_null() | pl.col("note").is_not_null())
    last_note = written.group_by("candidate_id", maintain_order=True).agg(
        pl.col("note").drop_nulls().last().alias("_last_note")
    )
    return (
        written.with_columns(pl.col("decision").is_not_null().alias("_known"))
        .sort("_known", maintain_order=True)
        .unique("candidate_id", keep="last", maintain_order=True)
        .join(last_note, on="candidate_id", how="left")
        .select(
            "candidate_id",
            "decision",
            "written",
            pl.coalesce("note", "_last_note").alias("note"),
            pl.col("evidence_hash").alias("_reviewed_hash"),
        )
    )


def carry_over_reviews(
    candidates: pl.DataFrame, rows: pl.DataFrame, decisions: ReviewDecisions
) -> pl.DataFrame:
    """Attach decision and note (`review_rows`); a decided lead is not new, and its status says
    whether its evidence changed since the review (changed_since_review) or not.

    An unknown word stays in `decision` as written (with `decision_known` false) and changes
    nothing else, so a reviewer sees it again and can correct it.
    """
    if candidates.is_empty():
        return candidates
    out = candidates.drop("decision", "note", strict=False).join(
        _latest_review(rows), on="candidate_id", how="left"
    )
    decided = pl.col("decision").is_not_null()
    evidence_same = pl.col("_reviewed_hash").is_null() | (
        pl.col("_reviewed_hash") == pl.col("evidence_hash")
    )
    rejected_unchanged = (pl.col("decision") == decisions.rejected.word) & evidence_same
    return out.with_columns(
        pl.when(decided).then(pl.lit(False)).otherwise(pl.col("is_new")).alias("is_new"),
        pl.when(rejected_unchanged)
        .then(pl.lit("rejected_unchanged"))
        .when(decided & ~evidence_same)
        .then(pl.lit("changed_since_review"))
        .when(decided)
        .then(pl.lit("reviewed"))
        .otherwise(pl.col("status"))
        .alias("status"),
        decided.alias("decision_known"),
        pl.coalesce("decision", "written", pl.lit("")).alias("decision"),
        pl.col("note").fill_null(""),
    ).drop("_reviewed_hash", "written")


def review_counts(reviews: ReviewsRead, candidates: pl.DataFrame) -> dict[str, Any]:
    """What the manifest says of the reviews: rows read, decisions read, recognised (by word and
    through a synonym), unknown (with their rows), carried, and for leads not in this run."""
    rows = reviews.rows
    known = rows.filter(pl.col("decision").is_not_null())
    decided_ids = set(known["candidate_id"])
    in_run = set(candidates["candidate_id"]) if candidates.height else set()
    carried = candidates.filter(pl.col("decision_known")) if candidates.height else candidates
    by_word = dict(known["decision"].value_counts().iter_rows()) if known.height else {}
    return {
        "rows_read": sum(f.rows_read for f in reviews.source.files),
        "rows_with_lead_id": rows.height,
        "decisions_read": int(rows["written"].is_not_null().sum()),
        "decisions_recognised": known.height,
        "decisions_by_word": {word: int(n) for word, n in sorted(by_word.items())},
        "decisions_through_synonyms": int((known["written"] != known["decision"]).sum()),
        "decisions_unknown": [
            _unknown_entry(r) for r in reviews.unknown_words().iter_rows(named=True)
        ],
        "decisions_carried": carried.height,
        "notes_carried": int((candidates["note"] != "").sum()) if candidates.height else 0,
        "decided_leads_not_in_this_run": len(decided_ids - in_run),
        "changed_since_review": int((candidates["status"] == "changed_since_review").sum())
        if candidates.height
        else 0,
    }


def _unknown_entry(row: dict[str, Any]) -> dict[str, Any]:
    """An unknown word's row (as Excel shows it) and the word, cut short, long digits hidden."""
    where = row["file"] + (f"[{row['sheet']}]" if row["sheet"] else "")
    return {
        "row": f"{where}#{row['excel_row']}",
        "word": mask_digit_runs(row["word"][:_SHOWN_CHARS]),
    }


def evidence_hash() -> pl.Expr:
    """Fingerprint of what a lead rests on: a change means a reviewer should look again."""
    return (pl.col("evidence") + "|" + pl.col("score_breakdown")).map_elements(
        lambda s: hashlib.sha256(s.encode()).hexdigest()[:10], return_dtype=pl.Utf8
    )


def previous_candidates(baseline: Path) -> pl.DataFrame | None:
    """candidate_id and evidence_hash of the run folder `baseline` (`<out>/latest`), if any."""
    previous = baseline / "candidates.csv"
    if not previous.exists():
        return None
    return pl.read_csv(previous, infer_schema=False, columns=["candidate_id", "evidence_hash"])


def mark_new(candidates: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Add evidence_hash, is_new and status (new / changed / unchanged) against the previous run."""
    if candidates.is_empty():
        return candidates
    candidates = candidates.with_columns(evidence_hash().alias("evidence_hash"))
    if previous is None:
        return candidates.with_columns(pl.lit(True).alias("is_new"), pl.lit("new").alias("status"))
    prev = previous.rename({"evidence_hash": "_prev_hash"})
    return (
        candidates.join(prev, on="candidate_id", how="left")
        .with_columns(
            pl.col("_prev_hash").is_null().alias("is_new"),
            pl.when(pl.col("_prev_hash").is_null())
            .then(pl.lit("new"))
            .when(pl.col("_prev_hash") != pl.col("evidence_hash"))
            .then(pl.lit("changed"))
            .otherwise(pl.lit("unchanged"))
            .alias("status"),
        )
        .drop("_prev_hash")
        .sort("rank")
    )
