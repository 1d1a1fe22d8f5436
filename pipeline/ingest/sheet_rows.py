"""Where a sheet's grid starts in the sheet as a spreadsheet shows it, for Excel row numbers.

The workbook reader (calamine, through fastexcel) returns a sheet's cells from its first row
that holds a value: a sheet whose title sits in row 3 comes back starting at row 3. Row
references people follow (线索清单's 推荐理由, quarantine.csv's excel_row) must name the row
Excel shows, so the first valued row of each sheet is read from the workbook's XML here.
A CSV's grid starts at line 1 (the reader drops leading blank lines and says how many).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

_CELL_ROW = re.compile(r"(\d+)$")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the package (xl/worksheets/sheet1.xml)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    parts: dict[str, str] = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        target = targets.get(sheet.get(_REL), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _first_valued_row(book: zipfile.ZipFile, part: str) -> int | None:
    """The 1-based row of the first cell holding a value (<v> or inline text), streamed."""
    current = 0
    with book.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":  # `r` may be left out: then it is the next row
                    current = int(element.get("r") or current + 1)
                continue
            if tag == "c" and any(_local(child.tag) in ("v", "is") for child in element):
                match = _CELL_ROW.search(element.get("r", ""))
                return int(match.group(1)) if match else current
            if tag == "row":
                element.clear()
    return None


def first_valued_rows(path: Path) -> dict[str, int]:
    """Sheet name -> the sheet row the reader's grid starts at, for .xlsx/.xlsm workbooks.

    Empty for other files or a package that cannot be read this way (then row 1 is assumed,
    which is right for every sheet without blank rows above its first value).
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return {}
    try:
        with zipfile.ZipFile(path) as book:
            rows = {
                name: _first_valued_row(book, part) for name, part in _sheet_parts(book).items()
            }
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return {}
    return {name: row for name, row in rows.items() if row is not None}
