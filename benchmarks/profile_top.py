"""Top functions of a py-spy raw profile (`py-spy record --format raw`), in seconds.

    .venv/bin/py-spy record --rate 50 --format raw -o bench_data/profile-2m.txt -- \
        .venv/bin/python -m benchmarks.scale --one 2000000 --result /tmp/run.json
    .venv/bin/python benchmarks/profile_top.py bench_data/profile-2m.txt --rate 50

Inclusive seconds count a function once per sample however deep it recurs; `--under`
keeps only samples whose stack passes through a frame containing that text.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter

_LINE = re.compile(r" \(([^:]+):\d+\)$")


def frame_name(frame: str) -> str:
    """`fn (path:line)` -> `path:fn` (line numbers dropped so a function counts once)."""
    match = _LINE.search(frame)
    if not match:
        return frame
    return f"{match.group(1)}:{frame[: match.start()]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profile")
    parser.add_argument("--rate", type=float, default=50.0, help="samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--under", help="only stacks through a frame containing this text")
    parser.add_argument(
        "--prefix", default="pipeline/", help="inclusive list: frames under this path"
    )
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(args.profile, encoding="utf-8") as lines:
        for line in lines:
            stack, _, count = line.rstrip("\n").rpartition(" ")
            frames = stack.split(";")
            if args.under and not any(args.under in f for f in frames):
                continue
            n = int(count)
            total += n
            names = [frame_name(f) for f in frames]
            own[names[-1]] += n
            for name in set(names):
                if name.startswith(args.prefix) or "sample_data/" in name:
                    inclusive[name] += n
    print(f"{total / args.rate:.1f} s sampled")
    print("inclusive (seconds, our code):")
    for name, n in inclusive.most_common(args.top):
        print(f"  {n / args.rate:8.1f}  {name}")
    print("self (seconds, any code):")
    for name, n in own.most_common(args.top):
        print(f"  {n / args.rate:8.1f}  {name}")


if __name__ == "__main__":
    main()
