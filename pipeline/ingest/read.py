"""Read export files into canonical text frames, every row with its record reference.

IO edge of the pipeline. Every cell is read as text (IDs and phones never pass
through a float here); headers are mapped by alias (schemas/sources.yaml), never
by position; unknown columns are ignored.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import fastexcel
import polars as pl
from charset_normalizer import from_bytes

from pipeline.coded import coded
from pipeline.config import Config, SourceSpec, normalise_header
from pipeline.errors import InputError
from pipeline.ingest.sheet_rows import first_valued_rows
from pipeline.outputs.masking import mask_digit_runs

_MUST_HAVE_ROWS = ("poverty", "petitions", "cases")
REFERENCE_COLUMNS = ("source", "file", "sheet", "row_number", "excel_row", "record_key")
# Rows that are part of the sheet's layout, not records: named here, quarantined by
# validate.py with a reason (never dropped silently, so row counts still reconcile).
JUNK_COLUMN = "row_junk"
# A cell that is exactly one of these (spaces ignored, optional colon) marks a total row.
TOTAL_ROW_MARKERS = ("合计", "总计", "小计", "共计", "总数")
READABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
# Tried in order; GBK before GB18030 so the manifest names the narrower one when both decode.
_STRICT_ENCODINGS = ("utf-8", "gbk", "gb18030")
_BOM = b"\xef\xbb\xbf"


@dataclass
class FileReport:
    """What was read from one file (or one sheet of a workbook)."""

    source: str
    path: str
    file: str
    sheet: str | None
    sha256: str
    encoding: str
    rows_read: int
    headers_found: list[str] = field(default_factory=list)
    fields_mapped: dict[str, str] = field(default_factory=dict)
    rows_accepted: int = 0
    rows_quarantined: int = 0


@dataclass
class SourceFrame:
    """One source: its canonical frame and a report per file or sheet."""

    source: str
    frame: pl.DataFrame
    files: list[FileReport]

    def release(self) -> pl.DataFrame:
        """Hand the frame over and keep only its schema and the file reports.

        Validation normalises and filters the rows into frames of its own; a reference
        kept here would hold every raw cell of the source until the run ends.
        """
        frame, self.frame = self.frame, self.frame.clear()
        return frame


def _unmapped_first_row(cells: list[str]) -> str:
    """With no header row, the first row is as likely a person as a header: never quote it."""
    filled = [c for c in cells if c and c != "None"]
    return (
        f"headers found: none that map (the first row has {len(filled)} filled cells, "
        "not shown: it may be a person's data)"
    )


def _shown(cells: Iterable[str]) -> str:
    """Headers for an error message: masked, and each cut short (free text is not a header)."""
    shown = [mask_digit_runs(c if len(c) <= 20 else c[:20] + "…") for c in cells]
    return ", ".join(shown) or "(none)"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def list_input_files(path: Path, source: str) -> list[Path]:
    """A file, or every readable file in a folder (recursively, sorted for determinism)."""
    if not path.exists():
        raise InputError(f"{source}: {path}: no such file or folder")
    if path.is_file():
        return [path]
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in READABLE_SUFFIXES
        and not p.name.startswith(("~$", "."))
    )
    if not files:
        raise InputError(f"{source}: {path}: folder holds no .xlsx or .csv file")
    return files


def decode_csv_bytes(data: bytes, where: str) -> tuple[str, str]:
    """Decode CSV bytes, returning (text, encoding used). Never guesses silently."""
    if data.startswith(_BOM):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in _STRICT_ENCODINGS:
        try:
            return data.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(f"{where}: cannot decode as UTF-8, GBK, GB18030 or any known encoding")
    return str(best), best.encoding


# files of a folder read at a time (read_source); the frames and reports keep the files' order
FILE_READERS = 2
_CHUNK = 1 << 23  # bytes decoded at a time: a large export is never one Python string


def _csv_utf8(data: bytes, where: str) -> tuple[bytes, str]:
    """CSV bytes as UTF-8 and the encoding they were in, as `decode_csv_bytes` decides it,
    decoded a chunk at a time: UTF-8 is checked and kept as it is (the CSV reader drops a
    BOM itself), GBK and GB18030 are transcoded (the file's bytes, a Python string of it and
    its UTF-8 copy held at once took 4.5 times the file: 1.9 GB for a 411 MB case export)."""
    if data.startswith(_BOM):
        if not _decodes(_chunks(data), "utf-8-sig"):
            raise InputError(f"{where}: starts with a UTF-8 mark but is not valid UTF-8")
        # a copy without the mark only where blank lines follow it (they are stripped)
        return (data[3:] if data[3:4] in (b"\r", b"\n") else data), "utf-8-sig"
    for encoding in _STRICT_ENCODINGS:
        out = None if encoding == "utf-8" else io.BytesIO()
        if _decodes(_chunks(data), encoding, out):
            return (data if out is None else out.getvalue()), encoding
    text, encoding = decode_csv_bytes(data, where)
    return text.encode("utf-8"), encoding


def utf8_file(path: Path, copy: Path) -> tuple[Path, str] | None:
    """`path` as a UTF-8 file and its encoding, as `_csv_utf8` decides it, a chunk at a time:
    `path` itself when it is UTF-8, else a transcoded `copy`; None when it is neither UTF-8,
    GBK nor GB18030 (the whole-file read guesses, and reports)."""
    with path.open("rb") as fh:
        bom = fh.read(3) == _BOM
    copy.parent.mkdir(parents=True, exist_ok=True)
    for encoding in ("utf-8-sig",) if bom else _STRICT_ENCODINGS:
        kept = encoding.startswith("utf-8")
        with path.open("rb") as src, nullcontext() if kept else copy.open("wb") as dst:
            found = _decodes(iter(lambda: src.read(_CHUNK), b""), encoding, dst)
        if found:
            return (path if kept else copy), encoding
        copy.unlink(missing_ok=True)
    return None


def _chunks(data: bytes) -> Iterable[bytes]:
    view = memoryview(data)
    return (bytes(view[at : at + _CHUNK]) for at in range(0, len(data), _CHUNK))


def _decodes(chunks: Iterable[bytes], encoding: str, out: BinaryIO | None = None) -> bool:
    """Whether the bytes decode strictly as `encoding`, a chunk at a time (a character cut
    by a chunk's end is decoded whole); with `out`, what they say is written to it as UTF-8."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for chunk in chunks:
            text = decoder.decode(chunk)
            if out is not None:
                out.write(text.encode("utf-8"))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# how a CSV's grid of text cells is read, whole (`_raw_grids`) or in parts (`_scan`): the same
_GRID_READ: dict[str, Any] = {
    "has_header": False,
    "infer_schema": False,
    "truncate_ragged_lines": True,
}

# `_one_chunk_a_column`: a CSV grid is read in chunks, every column added to its rows later
# (row numbers, record keys, decoded IDs) in one; a frame whose columns are chunked unlike
# each other is realigned by selects over it. So each grid is made one chunk a column as it
# is read (docs/scale.md, session 13: no change on a quiet machine, ingest and validation
# 31.5 -> 21.5 s at 2 M with another process on the cores).

# (sheet, grid of text cells, encoding, the sheet row of the grid's first row) per sheet
_Grid = tuple[str | None, pl.DataFrame, str, int]


def _raw_grids(path: Path, source: str) -> list[_Grid]:
    """Return (sheet, grid of text cells without header, encoding, first row) per sheet or file.

    The first row is the row number a spreadsheet shows for the grid's first row: the
    workbook reader starts at the first row holding a value, and leading blank lines of a
    CSV are dropped (they would make the CSV reader take one column for the whole file).
    """
    where = f"{source}: {path.name}"
    if path.stat().st_size == 0:
        raise InputError(f"{where}: file is empty (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            reader = fastexcel.read_excel(path)
            starts = first_valued_rows(path)
            grids: list[_Grid] = []
            for sheet in reader.sheet_names:
                grid = reader.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
                grids.append((sheet, grid, "xlsx", starts.get(sheet, 1)))
        except Exception as exc:  # the reader's errors are many types; all mean "unreadable"
            raise InputError(f"{where}: cannot read workbook ({_one_line(exc)})") from exc
        return grids
    data, encoding = _csv_utf8(path.read_bytes(), where)
    body = data.lstrip(b"\r\n")
    blank_lines = data[: len(data) - len(body)].count(b"\n")
    data = body  # (the same bytes where nothing was stripped)
    try:
        grid = pl.read_csv(data, separator=_separator(data), **_GRID_READ)
    except Exception as exc:
        raise InputError(f"{where}: cannot parse as CSV ({_one_line(exc)})") from exc
    return [(None, grid, encoding, blank_lines + 1)]


def _one_line(exc: Exception) -> str:
    """The reader's message on one line, cut short: the command line prints one line."""
    text = mask_digit_runs(" ".join(f"{type(exc).__name__}: {exc}".split()))
    return text if len(text) <= 200 else text[:197] + "..."


def _separator(data: bytes) -> str:
    """Tab for Excel's "Unicode text" (tab-separated) exports, else comma; judged on the start."""
    head = data[:60_000].decode("utf-8", errors="ignore")[:20_000]
    return "\t" if head.count("\t") > head.count(",") else ","


def _find_header_row(
    grid: pl.DataFrame, index: dict[str, str], scan: int
) -> tuple[int, dict[int, str]]:
    """Pick the row among the first `scan` that maps the most distinct fields."""
    best_row: int = -1
    best_map: dict[int, str] = {}
    for row_idx, row in enumerate(grid.head(scan).iter_rows()):
        mapping: dict[int, str] = {}
        for col_idx, cell in enumerate(row):
            if cell is None:
                continue
            field_name = index.get(normalise_header(cell))
            if field_name is not None:
                mapping[col_idx] = field_name
        if len(set(mapping.values())) > len(set(best_map.values())):
            best_row, best_map = row_idx, mapping
    return best_row, best_map


def row_junk(
    grid_columns: list[str], header: tuple[object, ...], mapping: dict[int, str]
) -> pl.Expr:
    """blank_row / total_row / repeated_header for a data row of the raw grid, else null.

    Looks at every cell, mapped or not: a total row often says 合计 in an unmapped 序号 column.
    """
    # Literal operations only: this runs on every cell of every row (tens of millions at
    # provincial scale), where a regex per cell cost seconds.
    cells = [
        pl.col(c)
        .str.strip_chars()
        .str.replace_all(" ", "", literal=True)
        .str.replace_all("\u3000", "", literal=True)
        for c in grid_columns
    ]
    is_blank = pl.all_horizontal(c.fill_null("") == "" for c in cells)
    variants = [m + suffix for m in TOTAL_ROW_MARKERS for suffix in ("", ":", "：")]
    has_marker = pl.any_horizontal(c.is_in(variants).fill_null(False) for c in cells)
    # A person's row is never a total, even if a free-text cell happens to read 合计.
    names = [cells[i] for i, f in mapping.items() if f == "name"]
    is_total = (
        has_marker & pl.all_horizontal(c.fill_null("") == "" for c in names)
        if names
        else has_marker
    )
    # A header row repeated inside the data (sheets pasted together, paged exports).
    echoes = [
        cells[i]
        .is_in(["".join(str(header[i]).split()), normalise_header(str(header[i]))])
        .fill_null(False)
        .cast(pl.Int32)
        for i in mapping
    ]
    is_header = pl.sum_horizontal(echoes) * 2 >= max(len(mapping), 2) if echoes else pl.lit(False)
    return (
        pl.when(is_blank)
        .then(pl.lit("blank_row"))
        .when(is_header)
        .then(pl.lit("repeated_header"))
        .when(is_total)
        .then(pl.lit("total_row"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


def _junk_column(
    data: pl.DataFrame, header: tuple[object, ...], mapping: dict[int, str]
) -> pl.Series:
    """row_junk for every data row, computed only where a row can be junk.

    Blank rows and total rows have no name, and a repeated header has the header's text
    in the name column: any other row is a record. Checking every cell of every row
    cost seconds per million rows, so only the candidates are examined.
    """
    name_cols = [data.columns[i] for i, f in mapping.items() if f == "name"]
    if not name_cols:
        return data.select(row_junk(data.columns, header, mapping).alias(JUNK_COLUMN)).to_series()
    header_names = {"".join(str(header[i]).split()) for i, f in mapping.items() if f == "name"}
    name = pl.coalesce(pl.col(c).str.strip_chars().replace("", None) for c in name_cols)
    candidate = name.is_null() | name.str.replace_all(" ", "", literal=True).is_in(
        list(header_names)
    )
    indexed = data.with_row_index("_row")
    subset = indexed.filter(candidate)
    junk = pl.Series(JUNK_COLUMN, [None] * data.height, dtype=pl.Utf8)
    if subset.height:
        marks = subset.select("_row", row_junk(data.columns, header, mapping).alias(JUNK_COLUMN))
        junk = junk.scatter(marks["_row"], marks[JUNK_COLUMN])
    return junk


def _canonical_frame(
    grid: pl.DataFrame, header_row: int, mapping: dict[int, str], spec: SourceSpec
) -> pl.DataFrame:
    """Cut the data rows below the header and coalesce aliases in their priority order."""
    data = grid.slice(header_row + 1)
    columns = data.columns
    exprs: list[pl.Expr | pl.Series] = [_junk_column(data, grid.row(header_row), mapping)]
    for field_name, aliases in spec.fields.items():
        priority = {normalise_header(a): i for i, a in enumerate((field_name, *aliases))}
        cols = sorted(
            (c for c, f in mapping.items() if f == field_name),
            key=lambda c: priority.get(
                normalise_header(str(grid.row(header_row)[c])), len(priority)
            ),
        )
        values = [pl.col(columns[c]).str.strip_chars().replace("", None) for c in cols]
        expr = pl.coalesce(values) if values else pl.lit(None, dtype=pl.Utf8)
        exprs.append(expr.cast(pl.Utf8).alias(field_name))
    return data.select(exprs)


def read_source(source: str, path: Path, config: Config, *, code: bool = False) -> SourceFrame:
    """Read a file or folder of one source into its canonical frame; with `code`, each
    file's columns of few values coded as it is read (pipeline/coded.py)."""
    spec = config.source(source)
    index = spec.header_index()
    frames: list[pl.DataFrame] = []
    reports: list[FileReport] = []
    root = path if path.is_dir() else path.parent

    def read_one(file_path: Path) -> list[tuple[pl.DataFrame, FileReport]]:
        file_name = str(file_path.relative_to(root)) if path.is_dir() else file_path.name
        scan = config.pipeline.header_scan_rows
        return read_file_sheets(source, file_path, file_name, spec, index, scan)

    # the files in order, FILE_READERS at a time: one file's decoding (Python, which holds
    # the interpreter) goes on beside another's parsing (polars, which lets it go)
    with ThreadPoolExecutor(FILE_READERS) as readers:
        for sheets in readers.map(read_one, list_input_files(path, source)):
            for frame, report in sheets:
                frames.append(coded(frame) if code else frame)
                reports.append(report)
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame()
    if frame.height == 0 and source in _MUST_HAVE_ROWS:
        # A header with nothing below it would quietly yield an empty lead list. Relief
        # history and reviews may legitimately be empty (nothing granted or decided yet).
        header_text = ", ".join(reports[0].headers_found) if reports else "(none)"
        raise InputError(
            f"{source}: {path.name}: no data rows below the header; headers found: {mask_digit_runs(header_text)}"
        )
    return SourceFrame(source=source, frame=frame, files=reports)


@dataclass(frozen=True)
class CsvPart:
    """Some data rows of a large CSV export, read by one worker (pipeline/partitioned/)."""

    read_from: str  # the file as UTF-8 (itself, or a transcoded copy in the work folder)
    start: int  # the part's rows [start, stop) of the file's grid (0 is its first line)
    stop: int
    header_rows: int  # the grid's rows down to the header (title rows above it too)
    separator: str
    encoding: str  # the file's own, as a whole-file read reports it
    digest: str  # the file's sha256


def csv_part_plan(
    path: Path, utf8: Path, encoding: str, index: dict[str, str], scan: int, rows: int
) -> list[CsvPart]:
    """The parts of `rows` data rows a CSV export (already UTF-8 at `utf8`) is read in; []
    where it is one part's worth, or has no header row that maps (the whole-file read then
    says so). Read lazily: the header from the first rows, then the number of rows."""
    with utf8.open("rb") as fh:
        start = fh.read(60_000)
    if start.removeprefix(_BOM)[:1] in (b"\r", b"\n"):
        return []  # leading blank lines: the whole-file read counts them for the Excel rows
    separator = _separator(start)
    grid = _scan(utf8, separator)
    header_row, _ = _find_header_row(grid.head(scan).collect(), index, scan)
    total = int(grid.select(pl.len()).collect().item())
    first = header_row + 1
    if header_row < 0 or total - first <= rows:
        return []
    digest = sha256_of(path)
    return [
        CsvPart(str(utf8), a, min(a + rows, total), first, separator, encoding, digest)
        for a in range(first, total, rows)
    ]


def _scan(path: Path | str, separator: str) -> pl.LazyFrame:
    """A CSV's grid of text cells, lazily: the same grid `_raw_grids` reads whole."""
    return pl.scan_csv(path, separator=separator, **_GRID_READ)


def _part_grids(part: CsvPart) -> list[_Grid]:
    """A CSV part's grid: the rows down to the header, then the part's own rows."""
    grid = _scan(part.read_from, part.separator)
    rows = [grid.head(part.header_rows), grid.slice(part.start, part.stop - part.start)]
    return [(None, pl.concat(pl.collect_all(rows)), part.encoding, 1)]


def read_file_sheets(
    source: str,
    file_path: Path,
    file_name: str,
    spec: SourceSpec,
    index: dict[str, str],
    scan: int,
    part: CsvPart | None = None,
) -> list[tuple[pl.DataFrame, FileReport]]:
    """The canonical frame and report of each sheet of one file (a CSV is one sheet), or of
    one `part` of a large CSV (its rows numbered as in the whole file).

    A workbook's sheet without a header row that maps is another sheet, not this source,
    and is skipped; a file with no sheet that maps, or a mapped sheet that lacks a
    required field, is an InputError.
    """
    digest = part.digest if part else sha256_of(file_path)
    grids = _part_grids(part) if part else _raw_grids(file_path, source)
    sheets: list[tuple[pl.DataFrame, FileReport]] = []
    headers_seen: list[str] = []
    for sheet, chunked, encoding, first_row in grids:
        grid = chunked.rechunk()  # as the columns added later: see `_one_chunk_a_column`
        header_row, mapping = _find_header_row(grid, index, scan)
        headers = [str(c) for c in grid.row(header_row)] if header_row >= 0 else []
        if header_row < 0 and grid.height:
            headers_seen.extend(str(c) for c in grid.row(0) if c is not None)
        missing = [f for f in spec.required if f not in set(mapping.values())]
        if header_row < 0 and len(grids) > 1:
            continue  # another sheet of the workbook: skip it, it is not this source
        if header_row < 0 or missing:
            where = f"{source}: {file_path.name}{f' [{sheet}]' if sheet else ''}"
            raise _unmapped_header_error(where, spec, header_row, missing, headers or headers_seen)
        frame = referenced_frame(
            _canonical_frame(grid, header_row, mapping, spec),
            source,
            file_name,
            sheet,
            header_excel_row=first_row + header_row,
            row_offset=part.start - header_row - 1 if part else 0,
        )
        report = FileReport(
            source=source,
            path=str(file_path),
            file=file_name,
            sheet=sheet,
            sha256=digest,
            encoding=encoding,
            rows_read=frame.height,
            headers_found=[h for h in headers if h and h != "None"],
            fields_mapped={headers[c]: f for c, f in sorted(mapping.items())},
        )
        sheets.append((frame.select(*REFERENCE_COLUMNS, *spec.fields, JUNK_COLUMN), report))
    if not sheets:
        raise InputError(
            f"{source}: {file_path.name}: no sheet has a header row that maps; "
            + _unmapped_first_row(headers_seen)
        )
    return sheets


def _unmapped_header_error(
    where: str, spec: SourceSpec, header_row: int, missing: list[str], found: list[str]
) -> InputError:
    """No header row maps (`header_row` < 0), or required fields are `missing` from it."""
    if header_row < 0:
        what, missing = "no header row maps", list(spec.required)
    else:
        what = f"required field(s) {missing} not found"
    aliases = "; ".join(f"{m}: {'/'.join(spec.fields[m])}" for m in missing)
    return InputError(
        f"{where}: {what}"
        f"{f' (expected one of {aliases})' if aliases else ''}; "
        + (
            f"headers found: {_shown(h for h in found if h and h != 'None')}"
            if header_row >= 0
            else _unmapped_first_row(found)
        )
    )


def referenced_frame(
    frame: pl.DataFrame,
    source: str,
    file_name: str,
    sheet: str | None,
    header_excel_row: int = 1,
    row_offset: int = 0,
) -> pl.DataFrame:
    """`frame` with its record reference: source, file, sheet, row_number, excel_row and
    record_key.

    `sheet` is None for a CSV; a workbook's sheets are always named. `excel_row` is the row
    a spreadsheet shows: data row n sits `header_excel_row + n` (the header is row 1 unless
    title rows sit above it). `row_offset`: the rows of the file before `frame`'s first (a
    part of a large CSV).
    """
    key_prefix = f"{source}:{file_name}" + (f":{sheet}" if sheet else "")
    return (
        frame.with_row_index("row_number", offset=1 + row_offset)
        .with_columns(
            pl.col("row_number").cast(pl.Int64),
            (pl.col("row_number").cast(pl.Int64) + header_excel_row).alias("excel_row"),
            pl.lit(source).alias("source"),
            pl.lit(file_name).alias("file"),
            pl.lit(sheet, dtype=pl.Utf8).alias("sheet"),
        )
        .with_columns(
            (pl.lit(key_prefix + ":") + pl.col("row_number").cast(pl.Utf8)).alias("record_key")
        )
    )
