"""Golden end-to-end run on sample_data/: the output contract and accuracy floors vs ground truth."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path

import polars as pl
import pytest

from benchmarks.evaluate import PairScores, linkage_scores, ranking_scores, read_truth_records
from pipeline.run import SAMPLE_DIR, RunInputs, RunResult, run

TRUTH = SAMPLE_DIR / "truth"
pytestmark = pytest.mark.e2e

# Floors a little under the figures measured on the committed sample (see the issue notes):
# a change that makes linking or ranking worse fails here. Measured on the sample of
# issue 15 (same IDs under typed-over names, renamed people, children petitioning by
# their own ID, namesakes of one village, villages of one name): all pairs precision
# 0.99894, recall 0.99788; cross-source F1 0.99793; AP 0.878, P@20 0.95, lead recall 0.988.
# (The linking before issue 15 gets recall 0.980 and cross-source F1 0.987 on it.)
MIN_LINK_PRECISION = 0.998
MIN_LINK_RECALL = 0.997
MIN_CROSS_SOURCE_F1 = 0.997
MIN_LEAD_RECALL = 0.98
MIN_AVERAGE_PRECISION = 0.85
MIN_PRECISION_AT_20 = 0.95
# The people truth tags as typed over, renamed or petitioning as a child by their own ID:
# 38 of their 40 true pairs linked (one renamed petitioner gives no ID; one child's
# petition has both a typo in the name and two digits swapped in the ID). Before: 21.
MIN_HARD_CASE_RECALL = 0.9
HARD_CASES = ("name_typo", "renamed", "child_petition_own_id")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run(RunInputs.sample(), out=tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def links(result: RunResult) -> pl.DataFrame:
    return pl.read_csv(result.folder / "person_links.csv", infer_schema=False).with_columns(
        pl.col("row_number").cast(pl.Int64)
    )


def test_run_folder_has_every_output_and_latest_points_at_it(result: RunResult) -> None:
    for name in (
        "candidates.csv",
        "线索清单.csv",
        "person_links.csv",
        "referrals.csv",
        "quarantine.csv",
        "manifest.json",
        "validation/summary.md",
        "link_review.csv",
    ):
        assert (result.folder / name).is_file(), name
    latest = result.folder.parent / "latest"
    assert latest.resolve() == result.folder.resolve()
    assert not list(result.folder.parent.glob(".*partial"))


def test_candidates_columns_and_order(result: RunResult) -> None:
    frame = pl.read_csv(result.folder / "candidates.csv", infer_schema=False)
    assert frame.columns[:12] == [
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
    ]
    ranks = frame["rank"].cast(pl.Int64).to_list()
    assert ranks == list(range(1, len(ranks) + 1))
    # tier first, then the strength of the evidence, then the points
    order = {"高": 0, "中": 1, "低": 2}
    keys = [
        (order[t], -float(g), -float(s))
        for t, g, s in zip(frame["tier"], frame["strength"], frame["score"], strict=True)
    ]
    assert keys == sorted(keys)
    assert set(frame["tier"]) <= {"高", "中", "低"}
    # 高 only when every element of the legal test is met
    high = frame.filter(pl.col("tier") == "高")
    assert (
        high["harm_status"] + high["compensation_status"] + high["hardship_status"] == "✓✓✓"
    ).all()
    assert set(frame["forgiveness"]) <= {"forgiven", "not_forgiven", "unknown"}
    assert frame["candidate_id"].n_unique() == frame.height
    assert frame["reasons"].str.len_chars().min() > 0


def test_reviewer_file_opens_in_excel_and_hides_ids(result: RunResult) -> None:
    raw = (result.folder / "线索清单.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["排名", "线索编号", "线索等级"]
    assert "审核结论" in header and "审核备注" in header
    assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text), "a full ID number leaked"
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), "a phone number leaked"


def test_minors_names_are_masked_for_reviewers(result: RunResult) -> None:
    reviewer = pl.read_csv(result.folder / "线索清单.csv", infer_schema=False)
    minors = result.candidates.filter(pl.col("is_minor"))
    assert minors.height > 0
    shown = dict(zip(reviewer["线索编号"], reviewer["被害人"], strict=True))
    for cid, name in minors.select("candidate_id", "victim_name").iter_rows():
        assert shown[cid] != name
        assert shown[cid].startswith(name[0]) and "*" in shown[cid]


def test_manifest_names_every_input_with_sha256_and_counts_reconcile(result: RunResult) -> None:
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    for source, files in manifest["inputs"].items():
        for entry in files:
            assert entry["sha256"] == hashlib.sha256(Path(entry["path"]).read_bytes()).hexdigest()
            assert entry["rows_read"] == entry["rows_accepted"] + entry["rows_quarantined"], source
    assert manifest["inputs"]["petitions"][0]["encoding"] == "gb18030"
    assert manifest["inputs"]["cases"][0]["encoding"] == "utf-8-sig"
    assert manifest["config_hash"] and manifest["code_version"]


def test_every_input_row_is_linked_or_quarantined(result: RunResult, links: pl.DataFrame) -> None:
    truth = read_truth_records(TRUTH)
    quarantine = pl.read_csv(result.folder / "quarantine.csv", infer_schema=False)
    assert links.height + quarantine.height == truth.height
    assert links["person_id"].null_count() == 0
    expected_quarantine = truth.filter(pl.col("expected_quarantine").is_not_null()).height
    assert quarantine.height == expected_quarantine


def test_linkage_accuracy_floors(links: pl.DataFrame) -> None:
    truth = read_truth_records(TRUTH)
    every = linkage_scores(links, truth)
    cross = linkage_scores(links, truth, cross_source=True)
    assert every.precision >= MIN_LINK_PRECISION, every
    assert every.recall >= MIN_LINK_RECALL, every
    assert cross.f1 >= MIN_CROSS_SOURCE_F1, cross


def test_hard_cases_link_and_twins_stay_apart(links: pl.DataFrame) -> None:
    truth = read_truth_records(TRUTH)
    people = pl.read_csv(TRUTH / "people.csv", infer_schema=False)

    def scores_of(tags: str) -> PairScores:
        who = people.filter(pl.col("hard_case").str.contains(tags))["true_person_id"]
        return linkage_scores(links, truth.filter(pl.col("true_person_id").is_in(who.implode())))

    hard = scores_of("|".join(HARD_CASES))
    assert hard.true_pairs >= 30, hard
    assert hard.recall >= MIN_HARD_CASE_RECALL, hard
    assert hard.precision == 1.0, hard
    twins = scores_of("twin")
    assert twins.precision == 1.0, twins


def test_lead_ranking_floors(result: RunResult, links: pl.DataFrame) -> None:
    scores = ranking_scores(result.candidates, links, TRUTH)
    assert scores.recall >= MIN_LEAD_RECALL, scores
    assert scores.average_precision >= MIN_AVERAGE_PRECISION, scores
    assert scores.precision_at_20 >= MIN_PRECISION_AT_20, scores


def test_same_inputs_give_the_same_ids_and_no_new_leads(result: RunResult) -> None:
    again = run(RunInputs.sample(), out=result.folder.parent)
    assert again.candidates["candidate_id"].to_list() == result.candidates["candidate_id"].to_list()
    assert not again.candidates["is_new"].any()
    assert set(again.candidates["status"]) == {"unchanged"}
