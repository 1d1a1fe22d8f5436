"""Command line: python -m sample_data.generator --size N --seed S --out DIR."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sample_data.generator import generate
from sample_data.generator.profile import PROFILES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_data.generator", description=__doc__)
    parser.add_argument(
        "--size", type=int, default=3000, help="approximate rows in the poverty export"
    )
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--out", type=Path, default=Path("sample_data"))
    parser.add_argument(
        "--cases", type=int, help="number of cases, ~2.7 party rows each (default 0.1 x size)"
    )
    parser.add_argument(
        "--petitions", type=int, help="about the rows of petitions.csv (default 0.17 x size)"
    )
    parser.add_argument(
        "--poverty-csv",
        action="store_true",
        help="write poverty as one CSV per county even at sizes a workbook holds",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="ordinary",
        help="how hard the county is for linking (hard: more twins, family phones, moves, "
        "petitions without an ID, namesakes)",
    )
    parser.add_argument(
        "--counties",
        type=int,
        help="spread the people over this many counties (default: one per ~60,000 rows)",
    )
    args = parser.parse_args(argv)
    if args.size < 100:
        parser.error("--size must be at least 100")
    started = time.perf_counter()
    counts = generate(
        args.size,
        args.seed,
        args.out,
        args.cases,
        args.petitions,
        args.poverty_csv,
        PROFILES[args.profile],
        args.counties,
    )
    for name, rows in counts.items():
        print(f"{name}: {rows}")
    print(f"written to {args.out} in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
