"""Every CSV a person opens: UTF-8 with BOM, no cell a spreadsheet would run as a formula,
and read back exactly as it was (OWASP's apostrophe undone)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.outputs.spreadsheet import (
    FORMULA_STARTS,
    neutralise_formulas,
    restore_formulas,
    write_people_csv,
    write_tool_csv,
    write_tool_csv_parts,
)
from pipeline.run import SAMPLE_DIR, RunInputs, RunResult, run

HOSTILE = [
    '=HYPERLINK("http://example.invalid","点此查看")',
    "=1+1",
    "+86 138",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "'=already marked",
    "张三",
    "",
    " =1+1",
]
PEOPLE_FILES = ("线索清单.csv", "referrals.csv", "quarantine.csv", "excluded_leads.csv")
PEOPLE_FILES += ("link_review.csv",)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),  # one more apostrophe, so reading back gives the value itself
        ("'x", "'x"),
        ("x=1", "x=1"),
        (" =1", " =1"),  # a spreadsheet reads a leading space as text
        ("张三", "张三"),
    ],
)
def test_a_cell_that_starts_a_formula_gets_an_apostrophe(value: str, written: str) -> None:
    frame = pl.DataFrame({"cell": [value]})
    assert neutralise_formulas(frame)["cell"][0] == written
    assert restore_formulas(neutralise_formulas(frame))["cell"][0] == value


@given(st.lists(st.text(), max_size=8))
def test_neutralising_is_undone_exactly_and_leaves_no_formula(values: list[str]) -> None:
    frame = pl.DataFrame({"cell": values}, schema={"cell": pl.Utf8})
    safe = neutralise_formulas(frame)
    assert not any(v.startswith(FORMULA_STARTS) for v in safe["cell"])
    assert restore_formulas(safe)["cell"].to_list() == values


def cells_of(path: Path) -> list[list[str]]:
    """The file as a spreadsheet reader sees it: BOM required, then CSV rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no BOM"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would take as a formula: a formula start that is not a number."""
    return [c for row in rows for c in row if c.startswith(FORMULA_STARTS) and not _is_number(c)]


def test_a_tools_csv_written_in_parts_is_the_csv_of_the_parts_concatenated(
    tmp_path: Path,
) -> None:
    parts = [
        pl.DataFrame(
            {"key": [], "p": [], "x": []}, schema={"key": pl.Utf8, "p": pl.Float64, "x": pl.Int64}
        ),
        pl.DataFrame({"key": ["a:1", 'b,"2"', None], "p": [0.1, None, 1e-7], "x": [1, 2, None]}),
        pl.DataFrame({"key": ["c\n3"], "p": [123456.789], "x": [-4]}),
    ]
    whole = write_tool_csv(pl.concat(parts), tmp_path / "whole.csv")
    assert (
        write_tool_csv_parts(iter(parts), tmp_path / "parts.csv").read_bytes() == whole.read_bytes()
    )
    assert (
        write_tool_csv_parts(iter(parts[1:]), tmp_path / "p2.csv").read_bytes()
        == write_tool_csv(pl.concat(parts[1:]), tmp_path / "w2.csv").read_bytes()
    )


def test_the_people_writer_writes_bom_quoted_text_and_no_formula(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {"text": HOSTILE, "number": list(range(-5, len(HOSTILE) - 5))},
        schema={"text": pl.Utf8, "number": pl.Int64},
    )
    path = write_people_csv(frame, tmp_path / "people.csv")
    rows = cells_of(path)
    assert rows[0] == ["text", "number"]
    assert formula_cells(rows) == []
    # numbers stay numbers (a negative number is not a formula)
    assert [r[1] for r in rows[1:]] == [str(n) for n in frame["number"]]
    back = restore_formulas(pl.read_csv(path, infer_schema=False))
    assert back["text"].fill_null("").to_list() == HOSTILE


def libreoffice_cells(csv_path: Path, out: Path) -> tuple[int, str]:
    """(formula cells, text of the cells) after LibreOffice Calc opened the CSV as Excel does
    (UTF-8, comma, formulas evaluated) and saved it as .xlsx, where a formula is an <f>."""
    assert SOFFICE is not None
    # CSV filter options: separator 44, quote 34, UTF-8 (76), from line 1, …, token 13 =
    # evaluate formulas (Excel always does)
    options = "CSV:44,34,76,1,,0,false,false,false,false,false,-1,true"
    profile = f"-env:UserInstallation=file://{out / 'profile'}"
    convert = ["--convert-to", "xlsx", "--outdir", str(out), str(csv_path)]
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", profile, "--infilter=" + options, *convert],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(out / (csv_path.stem + ".xlsx")) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = book.read("xl/sharedStrings.xml").decode("utf-8")
    return len(re.findall(r"<f[\s>/]", sheet)), strings


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice Calc (soffice) is not installed")
def test_a_spreadsheet_engine_finds_no_formula_in_what_the_writer_wrote(tmp_path: Path) -> None:
    frame = pl.DataFrame({"text": HOSTILE})
    unsafe = tmp_path / "unsafe.csv"
    frame.write_csv(unsafe, include_bom=True)
    formulas, _ = libreoffice_cells(unsafe, tmp_path)
    assert formulas >= 2, "control: Calc runs =HYPERLINK and =1+1 in the raw file"
    formulas, text = libreoffice_cells(write_people_csv(frame, tmp_path / "safe.csv"), tmp_path)
    assert formulas == 0
    assert "HYPERLINK" in text


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, RunResult]:
    """Two runs on sample_data/ whose case names start formulas; the second reads the first's
    reviewer file back with a decision and a note that start formulas too."""
    root = tmp_path_factory.mktemp("hostile")
    cases = pl.read_csv(SAMPLE_DIR / "cases.csv", infer_schema=False)
    cases = cases.with_columns(
        pl.when(pl.int_range(pl.len()) % 3 == 0)
        .then(pl.lit(HOSTILE[0]))
        .otherwise(pl.col("案件名称"))
        .alias("案件名称")
    )
    cases.write_csv(root / "cases.csv", include_bom=True)
    inputs = replace(RunInputs.sample(), cases=root / "cases.csv")
    first = run(inputs, out=root / "runs")
    sheet = pl.read_csv(first.folder / "线索清单.csv", infer_schema=False)
    reviewed = sheet.with_columns(
        pl.when(pl.col("排名") == "1")
        .then(pl.lit("采纳"))
        .otherwise(pl.col("审核结论"))
        .alias("审核结论"),
        pl.when(pl.col("排名") == "1")
        .then(pl.lit("=1+1 已核实"))
        .otherwise(pl.col("审核备注"))
        .alias("审核备注"),
    )
    reviewed.write_csv(root / "reviewed.csv", include_bom=True)
    second = run(replace(inputs, reviews=root / "reviewed.csv"), out=root / "runs")
    return first, second


def test_every_file_people_open_has_a_bom_and_no_formula(
    hostile_runs: tuple[RunResult, RunResult],
) -> None:
    for result in hostile_runs:
        for name in PEOPLE_FILES:
            rows = cells_of(result.folder / name)
            assert len(rows) > 1, name
            assert formula_cells(rows) == [], name
    listed = cells_of(hostile_runs[0].folder / "线索清单.csv")
    assert any(c == "'" + HOSTILE[0] for row in listed for c in row)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice Calc (soffice) is not installed")
def test_the_reviewer_file_of_a_run_opens_without_formulas(
    hostile_runs: tuple[RunResult, RunResult], tmp_path: Path
) -> None:
    formulas, text = libreoffice_cells(hostile_runs[1].folder / "线索清单.csv", tmp_path)
    assert formulas == 0
    assert "HYPERLINK" in text and "已核实" in text


def test_a_note_read_back_is_the_note_the_reviewer_wrote(
    hostile_runs: tuple[RunResult, RunResult],
) -> None:
    first, second = hostile_runs
    top = pl.read_csv(first.folder / "线索清单.csv", infer_schema=False)["线索编号"][0]
    written = pl.read_csv(second.folder / "线索清单.csv", infer_schema=False)
    row = written.filter(pl.col("线索编号") == top).row(0, named=True)
    assert row["审核备注"] == "'=1+1 已核实"  # safe in the file
    assert row["审核结论"] == "采纳"
    back = restore_formulas(written).filter(pl.col("线索编号") == top)
    assert back["审核备注"][0] == "=1+1 已核实"  # and read back as the reviewer wrote it
