"""`relief-leads bench reviews`: does deciding the first N leads improve the rest of the list?

On a generated county: run the pipeline once with no decision history; let simulated
reviewers decide the first N leads of its 线索清单.csv from the ground truth; pass that file
back with --reviews and run again (a fresh runs folder per N). Average precision is computed
over the leads the reviewers did not decide, in the order of the first run and of the second.

The reviewers decide as the county does (`--reviewers county`, the default): the national
legal test adjusted by the county's own practice (truth/leads.csv `county_accepts`,
truth/county_practice.csv; sample_data/generator/practice.py). `--reviewers national`
decides by the national test alone (`qualifies`), which the tiers already implement.
AP is reported against the reviewers' truth and, for reference, against the national test.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import polars as pl

from benchmarks.evaluate import person_truth_map, read_truth_records
from pipeline.state import PROJECT_ROOT, RunInputs

BENCH_DIR = PROJECT_ROOT / "bench_data"


def add_reviews_parser(which: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    reviews = which.add_parser(
        "reviews", help="decide the first N leads from the truth, re-run, AP of the rest"
    )
    reviews.add_argument("--size", type=int, default=40000, help="poverty rows (default 40000)")
    reviews.add_argument("--seed", type=int, default=41, help="a county not tuned on (default 41)")
    reviews.add_argument("--decide", default="50,150,300", help="the N to try (default 50,150,300)")
    reviews.add_argument(
        "--data-dir", type=Path, default=BENCH_DIR, help="cache of generated counties"
    )
    reviews.add_argument(
        "--config-dir", type=Path, help="folder of YAML config (default: schemas/)"
    )
    reviews.add_argument(
        "--profile",
        choices=("ordinary", "hard"),
        default="ordinary",
        help="the generator's profile (hard: harder to link)",
    )
    reviews.add_argument(
        "--reviewers",
        choices=("county", "national"),
        default="county",
        help="decide by the county's practice (default) or by the national test alone",
    )


_TRUTH_COLUMN = {"county": "county_accepts", "national": "qualifies"}


def _qualifying_by_candidate(
    result_folder: Path, truth_dir: Path, column: str = "qualifies"
) -> dict[str, bool]:
    """candidate_id -> whether its (true person, case) pair truly qualifies (`column` of
    truth/leads.csv: `qualifies`, the national test, or `county_accepts`)."""
    links = pl.read_csv(result_folder / "person_links.csv", infer_schema=False).with_columns(
        pl.col("row_number").cast(pl.Int64)
    )
    truth = read_truth_records(truth_dir)
    leads = pl.read_csv(truth_dir / "leads.csv", infer_schema=False)
    candidates = pl.read_csv(result_folder / "candidates.csv", infer_schema=False)
    joined = (
        candidates.select("candidate_id", "person_id", "case_id")
        .join(person_truth_map(links, truth), on="person_id", how="left")
        .join(
            leads.select("true_person_id", "case_id", column),
            on=["true_person_id", "case_id"],
            how="left",
        )
    )
    return {c: q == "1" for c, q in joined.select("candidate_id", column).iter_rows()}


def average_precision(order: list[str], hits: dict[str, bool], total: int) -> float:
    found, precision_sum = 0, 0.0
    for position, candidate in enumerate(order, start=1):
        if hits.get(candidate):
            found += 1
            precision_sum += found / position
    return precision_sum / total if total else 0.0


def _decide_first(reviewer_file: Path, out: Path, n: int, hits: dict[str, bool]) -> set[str]:
    """Fill 审核结论 of the first n rows as a reviewer who knows the truth would."""
    with reviewer_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    decided = set()
    for row in rows[:n]:
        row["审核结论"] = "采纳" if hits.get(row["线索编号"]) else "不采纳"
        decided.add(row["线索编号"])
    with out.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return decided


def _ranked_ids(folder: Path) -> list[str]:
    frame = pl.read_csv(folder / "candidates.csv", infer_schema=False)
    return frame.sort(pl.col("rank").cast(pl.Int64))["candidate_id"].to_list()


def _undecided_ap(order: list[str], hits: dict[str, bool], decided: set[str]) -> float:
    undecided = {c: h for c, h in hits.items() if c not in decided}
    return average_precision(
        [c for c in order if c in undecided], undecided, sum(undecided.values())
    )


def bench_reviews(
    size: int,
    seed: int,
    decide: list[int],
    root: Path,
    config_dir: Path | None = None,
    profile: str = "ordinary",
    reviewers: str = "county",
) -> int:
    from benchmarks.bench import generated_county
    from pipeline.config import load_config
    from pipeline.run import run

    config = load_config(config_dir)
    folder = generated_county(size, seed, root, profile)
    inputs = RunInputs.sample(folder)
    practice = pl.read_csv(folder / "truth" / "county_practice.csv")["practice"].to_list()
    print(f"reviews size={size} seed={seed} profile={profile} reviewers={reviewers}")
    print(f"county practice: {', '.join(practice)}")
    with tempfile.TemporaryDirectory() as tmp:
        first = run(inputs, out=Path(tmp) / "first", config=config)
        hits = _qualifying_by_candidate(first.folder, folder / "truth", _TRUTH_COLUMN[reviewers])
        national = _qualifying_by_candidate(first.folder, folder / "truth")
        before = _ranked_ids(first.folder)
        for n in decide:
            started = time.perf_counter()
            reviews = Path(tmp) / f"reviewed-{n}.csv"
            decided = _decide_first(first.folder / "线索清单.csv", reviews, n, hits)
            out = Path(tmp) / f"runs-{n}"
            second = run(replace(inputs, reviews=reviews), out=out, config=config)
            after = _ranked_ids(second.folder)
            ap = [_undecided_ap(order, hits, decided) for order in (before, after)]
            ap_national = [_undecided_ap(order, national, decided) for order in (before, after)]
            carried = second.candidates.filter(pl.col("decision") != "").height
            model = second.manifest["review_model"]
            auc = (model.get("holdout") or {}).get("auc")
            print(
                f"N={n}: decided {len(decided)} ({sum(hits[c] for c in decided)} 采纳), carried "
                f"{carried}; undecided {len(hits) - len(decided)} "
                f"({sum(h for c, h in hits.items() if c not in decided)} accepted by the "
                f"reviewers' truth); AP before {ap[0]:.4f} after {ap[1]:.4f} "
                f"(Δ {ap[1] - ap[0]:+.4f}); against the national test {ap_national[0]:.4f} → "
                f"{ap_national[1]:.4f} (Δ {ap_national[1] - ap_national[0]:+.4f}); model "
                f"{'on' if model['active'] else 'off'}, held-out AUC {auc}; "
                f"{time.perf_counter() - started:.0f} s"
            )
    return 0
