"""Writers: the xlsx workbook, CSVs in their encodings, and per-county poverty CSVs."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import xlsxwriter

from sample_data.generator.table import Table

# Fixed so the same seed gives byte-identical workbooks.
WORKBOOK_CREATED = datetime(2026, 11, 20, 9, 30, 0)


def write_xlsx(table: Table, path: Path) -> None:
    """Title row, header row, then data; cells flagged numeric are written as numbers."""
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False})
    workbook.set_properties(
        {"created": WORKBOOK_CREATED, "author": "防返贫监测信息系统", "title": table.title}
    )
    sheet = workbook.add_worksheet(table.sheet or "Sheet1")
    bold = workbook.add_format({"bold": True})
    sheet.write_string(0, 0, table.title, bold)
    names = list(table.columns)
    for c, name in enumerate(names):
        sheet.write_string(1, c, name, bold)
    numeric = table.numeric or {}
    for c, name in enumerate(names):
        values = table.columns[name]
        as_number = numeric.get(name)
        for r, value in enumerate(values):
            if not value:
                continue
            if as_number is not None and as_number[r]:
                sheet.write_number(r + 2, c, float(value))
            else:
                sheet.write_string(r + 2, c, value)
    workbook.close()


def csv_text(table: Table) -> str:
    """The table as CSV text (CRLF line ends, as Windows exports write them)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    names = list(table.columns)
    writer.writerow(names)
    numeric = table.numeric or {}
    columns = []
    for name in names:
        values = table.columns[name]
        mask = numeric.get(name)
        if mask is not None:
            # A number cell saved to CSV keeps only what Excel displayed: 6.11023E+17.
            values = [
                f"{float(v):.5E}" if m and v else v for v, m in zip(values, mask, strict=True)
            ]
        columns.append(values)
    writer.writerows(zip(*columns, strict=True))
    return buffer.getvalue()


def write_csv(table: Table, path: Path, encoding: str) -> None:
    """Write with `encoding` ("gb18030", "utf-8-sig", …)."""
    path.write_bytes(csv_text(table).encode(encoding))
