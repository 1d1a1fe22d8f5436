"""`bench scale`: the whole pipeline at several sizes, per stage, on generated provinces.

    python -m benchmarks.scale --sizes 200000,600000,2000000 [--splink]

Each size runs in a child process of its own (`--one`), so its peak memory is its own:

- seconds: wall time of each stage (the `progress` events of `pipeline.run.run`);
- peak RSS: the highest resident set size sampled every 20 ms while the stage ran (a spike
  shorter than that can be missed); the total is the kernel's high-water mark of the child
  (`getrusage(RUSAGE_SELF).ru_maxrss`), exact; start RSS is the RSS when the stage began;
- rows/s: rows read from the exports divided by the stage's seconds;
- candidate pairs and pairwise precision/recall/F1 of person_links.csv against truth/.

With `--splink`, `benchmarks/splink_linkage.py` links the same linkage table with Splink 5
on DuckDB in another child process, and its time, memory and F1 are set beside ours.
Output carries counts, seconds and scores only, never a name or an ID number.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import psutil

from benchmarks.evaluate import linkage_scores, read_truth_records
from pipeline.config import Config, LinkageSettings, load_config
from pipeline.link.people import LinkResult, link_people
from pipeline.run import PROJECT_ROOT, RunInputs, StageEvent, run

__all__ = ["MB", "StageEvent", "StageMemory", "linkage_input", "main"]

BENCH_DIR = PROJECT_ROOT / "bench_data"
SPLINK_SCRIPT = PROJECT_ROOT / "benchmarks" / "splink_linkage.py"
DEFAULT_SEED = 20261129
DEFAULT_SIZES = (200_000, 600_000, 2_000_000, 9_000_000)
# The provincial data set of issue 7: 2,000,000 monitoring rows, 200,000 case-party rows
# (~2.63 per case at this size) and 100,000 petitions; smaller sizes keep these ratios.
CASES_PER_POVERTY_ROW = 76_000 / 2_000_000
PETITIONS_PER_POVERTY_ROW = 100_000 / 2_000_000
# The largest provinces (issue 16): 9 M monitoring rows, ~700,000 case-party rows (266,000
# cases at ~2.63 rows each) and 350,000 petitions: fewer cases per monitored person.
PROVINCE_SHAPES = {9_000_000: (266_000, 350_000)}
# Splink on DuckDB is run beside ours up to this size (`--splink-max-size`).
SPLINK_MAX_SIZE = 2_000_000
SAMPLE_SECONDS = 0.02
_REF = ["source", "file", "sheet", "row_number"]
MB = 1024 * 1024


def add_scale_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`relief-leads bench-scale …` (or `python -m benchmarks.scale …`)."""
    _add_arguments(commands.add_parser("bench-scale", help="whole pipeline at several sizes"))


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="generator sizes (≈ monitoring rows), comma-separated",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR, help="cache of generated data")
    parser.add_argument("--config-dir", type=Path, help="folder of YAML config (default: schemas/)")
    parser.add_argument("--splink", action="store_true", help="also link with Splink 5 (DuckDB)")
    parser.add_argument(
        "--splink-max-size",
        type=int,
        default=SPLINK_MAX_SIZE,
        help="with --splink, only at sizes up to this (default %(default)s)",
    )
    parser.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: one size
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)


# --- data ---------------------------------------------------------------------------------


def provincial_data(size: int, seed: int, root: Path) -> tuple[Path, dict[str, float]]:
    """The generator's province for (size, seed), generated once and then reused."""
    folder = root / f"province-{size}-s{seed}"
    if (folder / "truth" / "records.csv").exists():
        return folder, {}
    cases, petitions = PROVINCE_SHAPES.get(
        size, (round(size * CASES_PER_POVERTY_ROW), round(size * PETITIONS_PER_POVERTY_ROW))
    )
    command = [
        sys.executable, "-m", "sample_data.generator", "--size", str(size), "--seed", str(seed),
        "--cases", str(cases), "--petitions", str(petitions),
        "--poverty-csv", "--out", str(folder),
    ]  # fmt: skip
    seconds, peak = _run_child(command)
    print(f"generated {folder.name} in {seconds:.1f} s, peak RSS {peak / MB:.0f} MB")
    return folder, {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / MB)}


def province_inputs(folder: Path) -> RunInputs:
    poverty = folder / "poverty" if (folder / "poverty").is_dir() else folder / "poverty.xlsx"
    relief = folder / "relief_history.csv"
    return RunInputs(
        poverty=poverty,
        petitions=folder / "petitions.csv",
        cases=folder / "cases.csv",
        relief_history=relief if relief.exists() else None,
    )


def _run_child(command: list[str]) -> tuple[float, int]:
    """Run a child to the end; its wall seconds and its own peak RSS in bytes (wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, command)
    return time.perf_counter() - started, usage.ru_maxrss * 1024


# --- measuring one run --------------------------------------------------------------------


@dataclass
class StageFigures:
    seconds: float = 0.0
    start_rss: int = 0
    peak_rss: int = 0


@dataclass
class StageMemory:
    """Samples this process's RSS in a thread; keeps the peak of every stage still open."""

    stages: dict[str, StageFigures] = field(default_factory=dict)
    _open: set[str] = field(default_factory=set)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._process = psutil.Process()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._note(self._process.memory_info().rss)

    def _note(self, rss: int) -> None:
        for name in list(self._open):
            figures = self.stages[name]
            figures.peak_rss = max(figures.peak_rss, rss)

    def on_event(self, event: StageEvent) -> None:
        rss = self._process.memory_info().rss
        if not event.done:
            self.stages[event.stage] = StageFigures(start_rss=rss, peak_rss=rss)
            self._open.add(event.stage)
        else:
            self._note(rss)
            self._open.discard(event.stage)
            self.stages[event.stage].seconds = event.seconds

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def measure_run(folder: Path, config: Config) -> dict[str, Any]:
    """Run the whole pipeline on one province into a temp folder; figures per stage.

    The link stage builds the linkage table and then links it; the linking alone (the
    part Splink does on the same table) is timed as well, as `linking_seconds`.
    """
    memory = StageMemory()
    linking: list[float] = []

    def timed_link(records: pl.DataFrame, settings: LinkageSettings) -> LinkResult:
        began = time.perf_counter()
        result = link_people(records, settings)
        linking.append(time.perf_counter() - began)
        return result

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as out:
        result = run(
            province_inputs(folder),
            out=Path(out),
            config=config,
            progress=memory.on_event,
            link=timed_link,
        )
        total = time.perf_counter() - started
        memory.stop()
        links = pl.read_csv(result.folder / "person_links.csv", infer_schema=False).with_columns(
            pl.col("row_number").cast(pl.Int64), pl.col("sheet").replace("", None)
        )
    truth = read_truth_records(folder / "truth")
    rows_read = sum(result.manifest["counts"]["rows_read"].values())
    stages = {
        name: {
            "seconds": f.seconds,
            "start_rss_mb": round(f.start_rss / MB),
            "peak_rss_mb": round(f.peak_rss / MB),
            "rows_per_second": round(rows_read / f.seconds) if f.seconds else None,
        }
        for name, f in memory.stages.items()
    }
    return {
        "rows_read": rows_read,
        "rows_by_source": result.manifest["counts"]["rows_read"],
        "stages": stages,
        "total_seconds": round(total, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "candidate_pairs": result.links.blocking.candidate_pairs,
        "linking_seconds": round(sum(linking), 2),
        "all": linkage_scores(links, truth).as_dict(),
        "cross_source": linkage_scores(links, truth, cross_source=True).as_dict(),
    }


def linkage_input(folder: Path, config: Config) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The linkage table our link stage reads (ingest -> prepare -> validate), and row refs."""
    from pipeline.ingest.read import read_source
    from pipeline.link.records import linkage_records
    from pipeline.normalise.prepare import prepare_source
    from pipeline.validate.rows import validate_rows

    prepared: dict[str, pl.DataFrame] = {}
    for name, path in province_inputs(folder).by_source().items():
        frame = prepare_source(name, read_source(name, path, config).frame)
        prepared[name] = validate_rows(name, frame, config.source(name)).accepted
    refs = pl.concat([f.select(*_REF, "record_key") for f in prepared.values()])
    records = linkage_records(prepared, config.vocabulary)
    del prepared
    gc.collect()
    return records, refs


# --- the report ---------------------------------------------------------------------------


def _alone_lines(alone: dict[str, Any] | None, splink: dict[str, Any]) -> list[str]:
    """Our linker alone on the same table, measured as Splink is (`splink_linkage --ours`)."""
    if not alone:
        return []
    return [
        f"| ours alone (same table, as Splink) | {alone['seconds']:.2f} | {alone['peak_rss_mb']:,} "
        f"| {alone['peak_rss_mb'] - alone['start_rss_mb']:,} | {alone['predicted_pairs']:,} "
        f"| {alone['all']['precision']:.4f} | {alone['all']['recall']:.4f} "
        f"| {alone['all']['f1']:.4f} |",
        f"Splink / ours alone: time {splink['seconds'] / alone['seconds']:.2f}× on the same "
        "table, each in a process of its own with nothing else running; below, ours as timed "
        "inside the run (the text workers reading beside it)",
    ]


def report_lines(size: int, figures: dict[str, Any]) -> list[str]:
    """Per-stage table of one size, then its totals and linkage scores."""
    lines = [
        f"size {size}: {figures['rows_read']:,} rows read "
        + "(" + ", ".join(f"{k} {v:,}" for k, v in figures["rows_by_source"].items()) + ")",
        "| stage | seconds | start RSS MB | peak RSS MB | rows/s |",
        "|---|---:|---:|---:|---:|",
    ]  # fmt: skip
    for name, s in figures["stages"].items():
        rate = f"{s['rows_per_second']:,}" if s["rows_per_second"] else "–"
        label = f"  {name}" if name == "expectations" else name  # runs inside validate
        lines.append(
            f"| {label} | {s['seconds']:.2f} | {s['start_rss_mb']:,} | {s['peak_rss_mb']:,} | {rate} |"
        )
    every, cross = figures["all"], figures["cross_source"]
    lines += [
        f"| **total** | {figures['total_seconds']:.2f} | | {figures['peak_rss_mb']:,} (ru_maxrss) "
        f"| {figures['rows_read'] / figures['total_seconds']:,.0f} |",
        f"candidate pairs {figures['candidate_pairs']:,}; all pairs P {every['precision']:.4f} "
        f"R {every['recall']:.4f} F1 {every['f1']:.4f}; cross-source P {cross['precision']:.4f} "
        f"R {cross['recall']:.4f} F1 {cross['f1']:.4f}",
        f"peak RSS per 1M rows read: {figures['peak_rss_mb'] / figures['rows_read'] * 1e6 / 1024:.2f} GB",
    ]
    splink = figures.get("splink")
    if splink:
        ours = figures["stages"]["link"]
        linking = figures.get("linking_seconds") or ours["seconds"]
        table = ours["seconds"] - linking
        lines += [
            "",
            "| linker | link seconds | peak RSS MB | RSS added MB | pairs | P | R | F1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| ours (linking the table) | {linking:.2f} | {ours['peak_rss_mb']:,} "
            f"| {ours['peak_rss_mb'] - ours['start_rss_mb']:,} | {figures['candidate_pairs']:,} "
            f"| {every['precision']:.4f} | {every['recall']:.4f} | {every['f1']:.4f} |",
            f"| Splink 5 / DuckDB (same table) | {splink['seconds']:.2f} | {splink['peak_rss_mb']:,} "
            f"| {splink['peak_rss_mb'] - splink['start_rss_mb']:,} | {splink['predicted_pairs']:,} "
            f"| {splink['all']['precision']:.4f} | {splink['all']['recall']:.4f} "
            f"| {splink['all']['f1']:.4f} |",
            *_alone_lines(figures.get("ours_alone"), splink),
            f"Splink / ours in the run: time {splink['seconds'] / linking:.2f}× "
            f"({splink['seconds'] / ours['seconds']:.2f}× counting our whole link stage, "
            f"{table:.2f} s of it building the table Splink is given), RSS added "
            f"{(splink['peak_rss_mb'] - splink['start_rss_mb']) / max(1, ours['peak_rss_mb'] - ours['start_rss_mb']):.2f}×, "
            f"F1 ours − Splink {every['f1'] - splink['all']['f1']:+.4f}",
        ]
    return lines


def growth_lines(results: dict[int, dict[str, Any]]) -> list[str]:
    """Seconds per million rows read, per stage and size: flat means linear growth."""
    sizes = sorted(results)
    stages = list(results[sizes[-1]]["stages"])
    lines = [
        "seconds per 1M rows read (flat across sizes = linear growth)",
        "| stage | " + " | ".join(f"{results[s]['rows_read']:,} rows" for s in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    for name in [*stages, "total"]:
        cells = []
        for s in sizes:
            r = results[s]
            seconds = (
                r["total_seconds"] if name == "total" else r["stages"].get(name, {}).get("seconds")
            )
            cells.append(f"{seconds / r['rows_read'] * 1e6:.2f}" if seconds is not None else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def bench_scale(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    results: dict[int, dict[str, Any]] = {}
    for size in sizes:
        folder, generation = provincial_data(size, args.seed, args.data_dir)
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            child = [sys.executable, "-m", "benchmarks.scale", "--one", str(size)]
            child += ["--seed", str(args.seed), "--data-dir", str(args.data_dir)]
            child += ["--config-dir", str(args.config_dir)] if args.config_dir else []
            child += ["--result", str(Path(tmp) / "run.json")]
            subprocess.run(child, check=True, cwd=PROJECT_ROOT)
            figures = json.loads((Path(tmp) / "run.json").read_text())
            if args.splink and size <= args.splink_max_size:
                command = [sys.executable, str(SPLINK_SCRIPT), "--data", str(folder)]
                command += ["--result", str(Path(tmp) / "splink.json")]
                subprocess.run(command, check=True, cwd=PROJECT_ROOT)
                figures["splink"] = json.loads((Path(tmp) / "splink.json").read_text())
                # ours on the same table the same way: alone, in a process of its own
                command = [sys.executable, str(SPLINK_SCRIPT), "--data", str(folder), "--ours"]
                command += ["--result", str(Path(tmp) / "ours.json")]
                subprocess.run(command, check=True, cwd=PROJECT_ROOT)
                figures["ours_alone"] = json.loads((Path(tmp) / "ours.json").read_text())
        figures["generation"] = generation
        results[size] = figures
        print("\n".join(report_lines(size, figures)) + "\n", flush=True)
    if len(results) > 1:
        print("\n".join(growth_lines(results)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def run_bench_scale(args: argparse.Namespace) -> int:
    if args.one is None:
        return bench_scale(args)
    folder = args.data_dir / f"province-{args.one}-s{args.seed}"
    figures = measure_run(folder, load_config(args.config_dir))
    args.result.write_text(json.dumps(figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__)
    _add_arguments(parser)
    return run_bench_scale(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
