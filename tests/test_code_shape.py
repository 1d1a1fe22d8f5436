"""Functions a reader can hold in mind: none in pipeline/ is over 60 lines.

A function's length runs from its `def` to its last line (decorators not counted).
"""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[1] / "pipeline"
MAX_LINES = 60


def function_lengths() -> dict[tuple[str, str], int]:
    """(module path under pipeline/, function name) -> lines, for every function and method."""
    lengths: dict[tuple[str, str], int] = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        module = path.relative_to(PIPELINE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                key = (module, node.name)
                lengths[key] = max(lengths.get(key, 0), node.end_lineno - node.lineno + 1)
    return lengths


def test_no_function_in_pipeline_is_over_60_lines() -> None:
    long = {f"{m}:{f}": n for (m, f), n in function_lengths().items() if n > MAX_LINES}
    assert not long, f"functions over {MAX_LINES} lines (split them into named helpers): {long}"


def test_the_length_rule_counts_from_def_to_the_last_line() -> None:
    source = "@decorator\ndef f(\n    x,\n):\n    return x\n"
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.FunctionDef)
    assert node.end_lineno is not None and node.end_lineno - node.lineno + 1 == 4
