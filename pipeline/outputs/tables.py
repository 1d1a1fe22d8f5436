"""The tables of the run folder: candidates, the reviewer's list, links, quarantine, referrals.

IO edge of the pipeline (written through outputs/folder.py's RunFolder).
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from pipeline.config import Config
from pipeline.outputs.folder import RunFolder
from pipeline.outputs.reviewer import reviewer_frame
from pipeline.outputs.row_refs import cited_keys, evidence_with_excel_rows, row_references
from pipeline.state import CompletedRun
from pipeline.validate.results import excel_row

CANDIDATE_COLUMNS = (
    "rank",
    "candidate_id",
    "tier",
    "strength",
    "score",
    "person_id",
    "case_id",
    "harm_status",
    "compensation_status",
    "hardship_status",
    "legal_test",
    "reasons",
    "accept_probability",
    "model_reason",
    "is_new",
    "status",
    "harm",
    "compensation",
    "forgiveness",
    "monitor_type",
    "sources",
    "cross_source",
    "has_hardship_evidence",
    "hardship_caused_by_case",
    "is_minor",
    "minor_any_source",
    "age_at_case",
    "evidence",
    "applicants",
    "indicative_range",
    "score_breakdown",
    "evidence_hash",
)


def linked_rows(prepared: dict[str, pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """person_links.csv, a source at a time: every accepted (and kept) input row with its
    person_id. The link's columns are the frame's own (the link stage joined them to every
    row): a join here would copy them, and the hash of every record key, once more."""
    for frame in prepared.values():
        yield frame.select(
            "source", "file", "sheet", "row_number", excel_row().alias("excel_row"),
            "person_id", "link_confidence", "cluster_size",
            *(["linked_by"] if "linked_by" in frame.columns else []),
        )  # fmt: skip


def review_pairs(
    pairs: pl.DataFrame, links: pl.DataFrame, band: tuple[float, float]
) -> pl.DataFrame:
    """link_review.csv: pairs near the link threshold, by record reference, with each level and weight."""
    keys = links.select("idx", "record_key")
    return (
        pairs.filter(pl.col("match_probability").is_between(band[0], band[1]))
        .join(keys.rename({"idx": "idx_l", "record_key": "record_l"}), on="idx_l")
        .join(keys.rename({"idx": "idx_r", "record_key": "record_r"}), on="idx_r")
        .select(
            "record_l",
            "record_r",
            pl.col("match_probability").round(4),
            "match_weight",
            pl.selectors.starts_with("gamma_"),
            pl.selectors.starts_with("w_").round(3),
        )
        .sort("match_probability", descending=True)
    )


def write_tables(folder: RunFolder, run: CompletedRun, config: Config) -> None:
    """Every CSV of the run folder: tools' files verbatim, people's files spreadsheet-safe,
    the rows they cite as Excel shows them."""
    scored, linked = run.scored, run.linked
    candidates = scored.candidates
    present = [c for c in CANDIDATE_COLUMNS if c in candidates.columns]
    folder.write_for_tools(
        "candidates.csv", candidates.select(present) if candidates.height else candidates
    )
    folder.write_parts_for_tools("person_links.csv", linked_rows(linked.frames))
    refs = row_references(linked.frames, cited_keys(candidates, scored.referrals, scored.excluded))
    folder.write_for_people("线索清单.csv", reviewer_frame(candidates, config, refs))
    quarantined = [v.quarantined for v in run.validated.checked.values()]
    if scored.reviews is not None:
        quarantined.append(scored.reviews.quarantined)
    folder.write_for_people(
        "quarantine.csv", pl.concat(quarantined) if quarantined else pl.DataFrame()
    )
    labels = config.source_labels()
    folder.write_for_people("referrals.csv", _cited_as_excel_rows(scored.referrals, refs, labels))
    if scored.excluded.height:
        excluded = scored.excluded.select(
            "candidate_id", "person_id", "case_id", "score", "exclusions", "evidence"
        )
        folder.write_for_people("excluded_leads.csv", _cited_as_excel_rows(excluded, refs, labels))
    band = config.linkage.clustering.review_band
    folder.write_for_people(
        "link_review.csv", review_pairs(linked.result.pairs, linked.result.links, band)
    )


def _cited_as_excel_rows(
    frame: pl.DataFrame, refs: pl.DataFrame, labels: dict[str, str]
) -> pl.DataFrame:
    """`frame` with its evidence keys as the rows Excel shows (a file people open)."""
    if frame.is_empty():
        return frame
    return frame.with_columns(evidence_with_excel_rows(frame, refs, labels).alias("evidence"))
