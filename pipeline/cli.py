"""Command line: `relief-leads run` (the main job) and `relief-leads bench …`.

Expected errors (bad input, bad config) print one line and exit non-zero; no traceback.
Output carries counts and paths only, never an ID number, phone or name.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.bench import add_bench_parser, run_bench
from pipeline.bench_scale import add_scale_parser, run_bench_scale
from pipeline.errors import ReliefLeadsError

if TYPE_CHECKING:
    from pipeline.run import StageEvent

EXIT_BAD_INPUT = 2


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


def _show_progress(event: StageEvent) -> None:
    """In a terminal: one line per stage with its time, rows and the time so far."""
    if event.done:
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
    from pipeline.filters import RunFilters
    from pipeline.run import RunInputs, run

    sample = RunInputs.sample()
    given = (args.poverty, args.petitions, args.cases)
    if any(given) and not all(given):
        raise ReliefLeadsError(
            "--poverty, --petitions and --cases go together (or give none to use sample_data/)"
        )
    inputs = RunInputs(
        poverty=args.poverty or sample.poverty,
        petitions=args.petitions or sample.petitions,
        cases=args.cases or sample.cases,
        relief_history=args.relief_history
        if any(given)
        else (args.relief_history or sample.relief_history),
        reviews=args.reviews,
    )
    filters = RunFilters(county=args.county, since=args.since, until=args.until)
    # A terminal gets a line per stage; a pipe or a scheduler stays quiet unless -v asks for
    # structured lines (one JSON object per finished stage).
    if args.quiet:
        progress = None
    elif sys.stderr.isatty():
        progress = _show_progress
    else:
        progress = _log_progress if args.verbose else None
    result = run(
        inputs,
        out=args.out,
        config=load_config(args.config_dir),
        filters=filters,
        progress=progress,
    )
    counts = result.manifest["counts"]
    by_tier = counts["leads_by_tier"]
    tiers = ", ".join(f"{k} {by_tier[k]}" for k in ("高", "中", "低") if k in by_tier)
    print(
        f"run {result.run_id}: {counts['leads']} leads ({tiers}); "
        f"{counts['leads_new']} new; {counts['leads_excluded']} excluded; "
        f"{sum(counts['rows_quarantined'].values())} rows quarantined; "
        f"{counts['linkage']['persons']} persons from {counts['linkage']['records']} rows"
    )
    print(f"written to {result.folder} (and {args.out / 'latest'})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="relief-leads", description="司法救助线索模型 — judicial relief leads"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each stage to stderr")
    commands = parser.add_subparsers(dest="command", required=True)
    _add_run_parser(commands)
    add_bench_parser(commands)
    add_scale_parser(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "bench":
            return run_bench(args)
        if args.command == "bench-scale":
            return run_bench_scale(args)
    except ReliefLeadsError as exc:
        print(f"relief-leads: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # output piped into `head` and closed early: the run itself finished; no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    parser.error(f"unknown command {args.command}")
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
