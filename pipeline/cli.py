"""Command line: `relief-leads run` (the main job) and `relief-leads bench …`.

Expected errors (bad input, bad config) print one line and exit non-zero; no traceback.
Output carries counts and paths only, never an ID number, phone or name.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, ReconciliationError, ReliefLeadsError

if TYPE_CHECKING:
    from pipeline.config import Config
    from pipeline.state import RunInputs, RunResult, StageEvent
    from pipeline.validate.filters import RunFilters

EXIT_BAD_INPUT = 2
EXIT_BUG = 3
BENCH_MISSING = (
    "the benchmarks are not installed: pip install -e '.[bench]' "
    "(or `make bench`, which installs them)"
)


def _add_run_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run = commands.add_parser("run", help="run the pipeline; with no options, on sample_data/")
    run.add_argument(
        "--poverty", type=Path, help="monitoring export (防返贫监测): .xlsx/.csv or folder"
    )
    run.add_argument("--petitions", type=Path, help="petition records (信访): .xlsx/.csv or folder")
    run.add_argument(
        "--cases", type=Path, help="case parties (统一业务应用系统): .xlsx/.csv or folder"
    )
    run.add_argument(
        "--relief-history", type=Path, help="judicial relief already granted (optional)"
    )
    run.add_argument(
        "--reviews", type=Path, help="an earlier 线索清单.csv with 审核结论 filled in (optional)"
    )
    run.add_argument(
        "--out", type=Path, default=Path("runs"), help="output folder (default: runs/)"
    )
    run.add_argument("--config-dir", type=Path, help="folder of YAML config (default: schemas/)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    run.add_argument("--county", help="only rows of this county (e.g. 商南县) — for ad-hoc runs")
    run.add_argument(
        "--since",
        type=date.fromisoformat,
        help="cases accepted / petitions received on or after (YYYY-MM-DD)",
    )
    run.add_argument("--until", type=date.fromisoformat, help="… on or before (YYYY-MM-DD)")
    cluster = run.add_argument_group("on a Dask cluster (docs/distributed.md)")
    cluster.add_argument(
        "--cluster",
        metavar="tcp://HOST:8786 | local:N",
        help="run every stage part by part on a Dask cluster: a scheduler's address, or "
        "local:N for N worker processes on this machine",
    )
    cluster.add_argument(
        "--work",
        type=Path,
        help="folder for the parts, seen by every worker at the same path (needed with a "
        "scheduler address; default for local:N: <out>/.work)",
    )
    cluster.add_argument(
        "--worker-memory", metavar="4GB", help="memory limit of each local:N worker process"
    )
    cluster.add_argument(
        "--partitioned",
        action="store_true",
        help="one process, linking county by county as the cluster does (its results equal "
        "--cluster's)",
    )


_BAR = 24


def _show_progress(event: StageEvent) -> None:
    """In a terminal: one line per stage with its time, rows and the time so far; a bar
    while a stage runs part by part (on a cluster)."""
    if event.parts_total:
        done = event.parts_done or 0
        filled = _BAR * done // event.parts_total
        bar = "█" * filled + "░" * (_BAR - filled)
        print(
            f"\r\x1b[K[{event.index}/{event.total}] {event.stage:<12} {bar} "
            f"{done}/{event.parts_total} parts  (elapsed {event.elapsed:.1f} s)",
            file=sys.stderr,
            end="",
            flush=True,
        )
    elif event.done:
        rows = f", {event.rows:,} rows" if event.rows is not None else ""
        step = f"[{event.index}/{event.total}] " if event.index else "      "
        print(
            f"\r\x1b[K{step}{event.stage:<12} {event.seconds:7.2f} s{rows}  (elapsed {event.elapsed:.1f} s)",
            file=sys.stderr,
        )
    elif event.index:
        print(
            f"[{event.index}/{event.total}] {event.stage} …", file=sys.stderr, end="\r", flush=True
        )


def _log_progress(event: StageEvent) -> None:
    """Not in a terminal: one structured line per finished stage (counts and seconds only)."""
    if event.done:
        record = {
            "stage": event.stage,
            "seconds": event.seconds,
            "rows": event.rows,
            "elapsed": round(event.elapsed, 3),
        }
        print(json.dumps(record), file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    from pipeline.config import load_config
    from pipeline.link.people import link_people
    from pipeline.run import run
    from pipeline.state import RunInputs
    from pipeline.validate.filters import RunFilters

    inputs = RunInputs.resolve(
        args.poverty, args.petitions, args.cases, args.relief_history, args.reviews
    )
    filters = RunFilters(county=args.county, since=args.since, until=args.until)
    config = load_config(args.config_dir)
    if args.cluster:
        result = _run_on_cluster(args, inputs, config, filters)
    else:
        if args.work or args.worker_memory:
            raise ConfigError("--work and --worker-memory go with --cluster")
        link = _partitioned_linker(config) if args.partitioned else link_people
        result = run(inputs, args.out, config, filters, _progress(args), link)
    counts = result.manifest["counts"]
    by_tier = counts["leads_by_tier"]
    tiers = ", ".join(f"{k} {by_tier[k]}" for k in config.scoring.tiers if k in by_tier)
    print(
        f"run {result.run_id}: {counts['leads']} leads ({tiers}); "
        f"{counts['leads_new']} new; {counts['leads_excluded']} excluded; "
        f"{sum(counts['rows_quarantined'].values())} rows quarantined; "
        f"{counts['linkage']['persons']} persons from {counts['linkage']['records']} rows"
    )
    place = result.manifest["run_folder"]
    print(f"written to {result.folder} (and {args.out / place['moves_latest']})")
    if place["scope"] == "adhoc":
        print(
            f"filtered run: {args.out / place['new_against']} (the full list, and what "
            "--reviews should read) is unchanged"
        )
    return 0


def _partitioned_linker(config: Config) -> Callable[..., Any]:
    from pipeline.link.partition import link_people_partitioned

    return partial(link_people_partitioned, partitioning=config.partitioning)


def _run_on_cluster(
    args: argparse.Namespace, inputs: RunInputs, config: Config, filters: RunFilters
) -> RunResult:
    """`run_partitioned` with a Dask client's map (flows/cluster.py: Dask only, no Prefect)."""
    from pipeline.partitioned.run import run_partitioned

    cluster = importlib.import_module("flows.cluster")
    is_local = cluster.local_workers(args.cluster) is not None
    if not is_local and args.work is None:
        raise ConfigError(
            "--cluster with a scheduler address needs --work DIR on a file system every worker sees"
        )
    if args.worker_memory and not is_local:
        raise ConfigError(
            "--worker-memory applies to --cluster local:N (set it on your own workers)"
        )
    work = args.work or args.out / ".work"
    try:
        with cluster.dask_client(args.cluster, args.worker_memory) as client:
            return run_partitioned(
                inputs, args.out, work, cluster.client_map(client), config, filters, _progress(args)
            )
    finally:
        if args.work is None and work.is_dir() and not any(work.iterdir()):
            work.rmdir()  # the default folder, empty once the run's parts are deleted


def _progress(args: argparse.Namespace) -> Callable[[StageEvent], None] | None:
    """A terminal gets a line per stage; a pipe or a scheduler stays quiet unless -v asks
    for structured lines (one JSON object per finished stage)."""
    if args.quiet:
        return None
    if sys.stderr.isatty():
        return _show_progress
    return _log_progress if args.verbose else None


def _add_bench_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> bool:
    """The `bench` commands, when the benchmarks (an extra) are installed."""
    try:
        from benchmarks.bench import add_bench_parser
        from benchmarks.scale import add_scale_parser
    except ImportError:
        for name in ("bench", "bench-scale"):
            commands.add_parser(name, help="benchmarks (not installed)", add_help=False)
        return False
    add_bench_parser(commands)
    add_scale_parser(commands)
    return True


def _run_bench(args: argparse.Namespace) -> int:
    from benchmarks.bench import run_bench
    from benchmarks.scale import run_bench_scale

    code: int = run_bench(args) if args.command == "bench" else run_bench_scale(args)
    return code


def _report_bug(exc: Exception, out: Path) -> int:
    """A bug (counts that do not reconcile): one line on the console, the trace in a file."""
    out.mkdir(parents=True, exist_ok=True)
    trace = out / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.txt"
    trace.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    print(
        f"relief-leads: internal error (a bug, please report it): {exc}; trace in {trace}",
        file=sys.stderr,
    )
    return EXIT_BUG


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="relief-leads", description="司法救助线索模型 — judicial relief leads"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage to stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run_parser(commands)
    bench_installed = _add_bench_parsers(commands)
    args, rest = parser.parse_known_args(argv)
    if args.command in ("bench", "bench-scale") and not bench_installed:
        print(f"relief-leads: {BENCH_MISSING}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "run":
            return _run(args)
        return _run_bench(args)
    except ReconciliationError as exc:
        return _report_bug(exc, getattr(args, "out", Path("runs")))
    except ReliefLeadsError as exc:
        print(f"relief-leads: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # output piped into `head` and closed early: the run itself finished; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
