"""What one county costs a worker: each part of the distributed run, timed and measured alone.

    python -m benchmarks.partition_cost --sizes 20000,60000,200000 [--json FILE]

For each size, a province of ONE county (generator size = its monitoring rows; cases and
petitions at the generator's default ratios) is generated once under `bench_data/` and run
by `run_partitioned` with one text slice and one lead slice, so every part is the county's
whole share of its stage. Each part runs in a fresh child process (spawn, one part per
child), as a part runs on a worker:

- seconds: the part's own work inside the child (`fn(item)`), not the child's start;
- peak RSS: the child's high-water mark (VmHWM) after the part, which includes the
  imported code; `base` is the same for a child that only imported it and did no part.

The driver's side is printed too: its own seconds per stage (the stage's time less the
time spent waiting for its parts, child start included) and its peak RSS. Counts,
seconds and megabytes only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cloudpickle

from benchmarks.scale import BENCH_DIR, DEFAULT_SEED, province_inputs
from pipeline.config import load_config
from pipeline.partitioned.run import run_partitioned
from pipeline.state import StageEvent

KB_PER_MB = 1024


def county_data(size: int, seed: int, root: Path) -> Path:
    """A one-county province of `size` monitoring rows, generated once."""
    folder = root / f"county1-{size}-s{seed}"
    if (folder / "truth" / "records.csv").exists():
        return folder
    # imported by name: the generator is not type-checked (mypy would follow an import)
    world = importlib.import_module("sample_data.generator.world")
    generator = importlib.import_module("sample_data.generator")
    setattr(world, "counties_for_size", lambda _size: 1)  # noqa: B010  # one county, whatever the size
    generator.generate(size, seed, folder, per_county_csv=True)
    return folder


def _measured(payload: bytes) -> tuple[Any, float, int]:
    """In the child: the part's result, its seconds, and the child's peak RSS in MB.

    The part arrives cloudpickled, as Dask ships it (the config holds mapping proxies,
    which the standard pickle refuses)."""
    fn, item = cloudpickle.loads(payload)
    began = time.perf_counter()
    result = fn(item)
    seconds = time.perf_counter() - began
    return result, seconds, peak_rss_mb()


def peak_rss_mb() -> int:
    """This process's RSS high-water mark (VmHWM). Not ru_maxrss: that survives execve, so a
    spawned child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // KB_PER_MB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // KB_PER_MB


def _idle_peak() -> int:
    import pipeline.partitioned.run  # noqa: F401  # what a worker imports before a part

    return peak_rss_mb()


def _label(item: Any) -> str:
    """What a part is about, without data: its source, partition and row count."""
    if hasattr(item, "file") and hasattr(item.file, "source"):
        return f"{item.file.source}"
    if hasattr(item, "source"):
        return f"{item.source}"
    if hasattr(item, "name") and hasattr(item, "rows"):
        return f"{item.name} {item.rows:,} records"
    if hasattr(item, "leads"):
        return f"{item.leads:,} leads"
    return ""


class PartRecorder:
    """A `map_fn` running every part in a fresh spawned child, one after the other."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []
        self.wall: dict[str, float] = {}  # per part kind: child start + part, seen by the driver
        self.context = multiprocessing.get_context("spawn")

    def __call__(self, fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        name = getattr(getattr(fn, "func", fn), "__name__", "part")
        for item in items:
            began = time.perf_counter()
            with ProcessPoolExecutor(1, mp_context=self.context, max_tasks_per_child=1) as pool:
                result, seconds, peak = pool.submit(
                    _measured, cloudpickle.dumps((fn, item))
                ).result()
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - began
            self.parts.append(
                {
                    "part": name,
                    "of": _label(item),
                    "seconds": round(seconds, 2),
                    "peak_rss_mb": peak,
                }
            )
            yield result

    def base_peak(self) -> int:
        with ProcessPoolExecutor(1, mp_context=self.context) as pool:
            return int(pool.submit(_idle_peak).result())


def measure_county(folder: Path) -> dict[str, Any]:
    recorder = PartRecorder()
    stages: dict[str, float] = {}

    def on_event(event: StageEvent) -> None:
        if event.done:
            stages[event.stage] = round(event.seconds, 2)

    with tempfile.TemporaryDirectory() as tmp:
        result = run_partitioned(
            province_inputs(folder),
            Path(tmp) / "runs",
            Path(tmp) / "work",
            recorder,
            load_config(),
            progress=on_event,
            slices=1,
        )
    counts = result.manifest["counts"]
    stage_of = {"check_file": "ingest", "read_facts": "signals", "link_partition_file": "link",
                "score_slice": "score"}  # fmt: skip
    for part, wall in recorder.wall.items():
        stages[stage_of[part]] = round(stages[stage_of[part]] - wall, 2)
    return {
        "rows_read": sum(counts["rows_read"].values()),
        "linkage_records": counts["linkage"]["records"],
        "partitions": counts["linkage"]["partitions"],
        "parts": recorder.parts,
        "worker_base_rss_mb": recorder.base_peak(),
        "driver_stage_seconds": stages,
        "driver_peak_rss_mb": peak_rss_mb(),
    }


def report_lines(size: int, figures: dict[str, Any]) -> list[str]:
    lines = [
        f"county of {size:,} monitoring rows: {figures['rows_read']:,} rows read, "
        f"{figures['linkage_records']:,} linkage records, partitions {figures['partitions']}",
        f"  worker base RSS (code imported, no part): {figures['worker_base_rss_mb']} MB",
        "  part                  of                       seconds   peak RSS MB",
    ]
    lines += [
        f"  {p['part']:<20}  {p.get('of', ''):<22} {p['seconds']:>8.2f}   {p['peak_rss_mb']:>10,}"
        for p in figures["parts"]
    ]
    lines.append(
        f"  driver's own seconds per stage (parts excluded): {figures['driver_stage_seconds']}"
    )
    lines.append(f"  driver peak RSS: {figures['driver_peak_rss_mb']:,} MB")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,60000,200000")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, default=BENCH_DIR)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, this process
    args = parser.parse_args(argv)
    if args.one:
        figures = measure_county(county_data(args.one, args.seed, args.data_dir))
        print(json.dumps(figures))
        return 0
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        # each size in a child of its own, so the driver's peak RSS is that size's
        import subprocess

        command = [sys.executable, "-m", "benchmarks.partition_cost", "--one", str(size)]
        command += ["--seed", str(args.seed), "--data-dir", str(args.data_dir)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
        print("\n".join(report_lines(size, results[size])), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
