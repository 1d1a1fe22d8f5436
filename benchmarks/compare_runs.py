"""Compare two run folders: the same outputs, apart from what names the run itself.

Used to check that a refactoring changes no result (`python -m benchmarks.compare_runs A B`)
and by the distributed-vs-single-process test. Every CSV is compared cell by cell after
sorting its rows; the manifest is compared without run ids, times, code version, config
hash, the input files' modification times and where the run folder went; the HTML pages
(GX's Data Docs, report.html, validation/report.html: timestamps and run ids in them) are
not compared.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import polars as pl

# manifest keys that differ between two runs of the same inputs by design
_VOLATILE = frozenset(
    {"run_id", "started", "finished", "code_version", "config_hash", "config_files",
     "timings_seconds", "modified", "path", "run_folder"}
)  # fmt: skip


# Data Docs pages are named after the time GX validated
_DOCS_TIME = re.compile(r"/\d{8}T\d{6}\.\d+Z/")
# a run id in text (an ad-hoc run's summary names its own folder)
_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


def _text_lines(path: Path) -> list[str]:
    text = _DOCS_TIME.sub("/<time>/", path.read_text(encoding="utf-8"))
    text = _RUN_ID.sub("<run_id>", text)
    return [ln for ln in text.splitlines() if not ln.startswith(("# Run", "code "))]


def _stable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _VOLATILE}
    if isinstance(value, list):
        # lists of counts (exclusions by rule …): their order is not a result
        items = [_stable(v) for v in value]
        return sorted(items, key=json.dumps) if all(isinstance(v, dict) for v in items) else items
    return value


def _frame(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    return frame.sort(frame.columns, nulls_last=True) if frame.width else frame


def differences(left: Path, right: Path, ignore: tuple[str, ...] = ()) -> list[str]:
    """What differs between two run folders (empty when they hold the same results)."""
    found = []
    names = {
        str(p.relative_to(folder))
        for folder in (left, right)
        for p in folder.rglob("*")
        if p.is_file() and "data_docs" not in p.parts and p.name not in ignore
    }
    for name in sorted(names):
        a, b = left / name, right / name
        if not (a.exists() and b.exists()):
            found.append(f"{name}: only in {'the first' if a.exists() else 'the second'}")
        elif name.endswith(".csv") and not _frame(a).equals(_frame(b)):
            found.append(f"{name}: rows differ")
        elif name == "manifest.json":
            ma, mb = (_stable(json.loads(p.read_text(encoding="utf-8"))) for p in (a, b))
            found += [f"manifest.json: {k} differs" for k in sorted(set(ma) | set(mb)) if ma.get(k) != mb.get(k)]  # fmt: skip
        elif name.endswith(".md") and _text_lines(a) != _text_lines(b):
            found.append(f"{name}: text differs")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    parser.add_argument("--ignore", nargs="*", default=(), help="file names not compared")
    args = parser.parse_args(argv)
    empty = [str(p) for p in (args.left, args.right) if not p.is_dir() or not any(p.iterdir())]
    if empty:
        # two missing folders hold no differences, and that must not read as identical runs
        print(f"compare_runs: not a run folder (missing or empty): {', '.join(empty)}")
        return 2
    found = differences(args.left, args.right, tuple(args.ignore))
    for line in found:
        print(line)
    print("identical results" if not found else f"{len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
