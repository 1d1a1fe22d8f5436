"""The one writer of every CSV a person opens, and its inverse for files read back.

People open these files in Excel or WPS, which evaluate a cell that starts with `=`, `+`,
`-` or `@` as a formula (`=HYPERLINK("http://x","y")` in a case name or a reviewer's note
becomes a live link; tab and carriage return start one after the cell's whitespace is
trimmed). OWASP's advice is followed: such a text cell is written with a leading
apostrophe, which a spreadsheet shows as text, and every text cell is quoted. The files are
UTF-8 with a BOM, without which Excel shows Chinese garbled.

Tools' files (candidates.csv, person_links.csv) are written verbatim by their own writer:
a tool wants the value, not its spreadsheet-safe form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import polars as pl

# OWASP "CSV Injection": characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARKER = "'"
_FORMULA_CHARACTER = "[" + "".join(re.escape(c) for c in FORMULA_STARTS) + "]"
# A value already starting with apostrophes before a formula character gets one more, so
# that reading back (one apostrophe off) gives exactly what was written.
_NEEDS_MARKER = f"^{TEXT_MARKER}*{_FORMULA_CHARACTER}"
_MARKED = f"^{TEXT_MARKER}+{_FORMULA_CHARACTER}"


def neutralise_cell(column: str) -> pl.Expr:
    """The text in `column`, with a leading apostrophe where it would start a formula."""
    text = pl.col(column)
    return (
        pl.when(text.str.contains(_NEEDS_MARKER))
        .then(pl.lit(TEXT_MARKER) + text)
        .otherwise(text)
        .alias(column)
    )


def restore_cell(column: str) -> pl.Expr:
    """Undo `neutralise_cell`: the apostrophe goes only where it guarded a formula start."""
    text = pl.col(column)
    return (
        pl.when(text.str.contains(_MARKED))
        .then(text.str.slice(len(TEXT_MARKER)))
        .otherwise(text)
        .alias(column)
    )


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of `frame` made formula-safe (numbers and booleans are left alone)."""
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(neutralise_cell(c) for c in text_columns)


def restore_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a file this writer wrote (a reviewed 线索清单.csv) as it was."""
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(restore_cell(c) for c in text_columns)


def write_people_csv(frame: pl.DataFrame, path: Path) -> Path:
    """A CSV for people: UTF-8 with BOM, text cells quoted and formula-safe.

    Lists and other nested columns are joined into text first (a spreadsheet shows text).
    """
    flat = frame.with_columns(
        pl.col(c).cast(pl.List(pl.Utf8)).list.join("；")
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.List)
    )
    neutralise_formulas(flat).write_csv(path, include_bom=True, quote_style="non_numeric")
    return path


def write_tool_csv(frame: pl.DataFrame, path: Path) -> Path:
    """A CSV for tools: plain UTF-8, values as they are."""
    frame.write_csv(path)
    return path


def write_tool_csv_parts(parts: Iterable[pl.DataFrame], path: Path) -> Path:
    """`write_tool_csv` of the parts concatenated (same columns each), one part at a time."""
    with path.open("wb") as handle:
        for number, part in enumerate(parts):
            part.write_csv(handle, include_header=number == 0)
    return path
