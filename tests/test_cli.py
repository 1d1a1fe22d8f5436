"""Command line: one-line errors with a non-zero exit, nothing written on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import EXIT_BAD_INPUT, main
from tests.conftest import write_csv

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def test_missing_required_column_fails_with_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_csv(
        tmp_path / "cases.csv", [["部门受案号", "姓名", "伤情"], ["A1", "张三", "重伤"]]
    )
    out = tmp_path / "runs"
    code = main(
        [
            "run",
            "--poverty",
            str(SAMPLE / "poverty.xlsx"),
            "--petitions",
            str(SAMPLE / "petitions.csv"),
            "--cases",
            str(cases),
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err.strip()
    assert code == EXIT_BAD_INPUT
    assert len(err.splitlines()) == 1
    assert "cases.csv" in err and "role" in err and "headers found: 部门受案号, 姓名, 伤情" in err
    assert not out.exists() or not any(out.iterdir())


def test_zero_byte_file_fails_without_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "petitions.csv"
    empty.write_bytes(b"")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--poverty",
            str(SAMPLE / "poverty.xlsx"),
            "--petitions",
            str(empty),
            "--cases",
            str(SAMPLE / "cases.csv"),
            "--out",
            str(tmp_path / "runs"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in proc.stderr
    assert "petitions.csv: file is empty" in proc.stderr


def test_partial_input_options_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--poverty", "x.xlsx"]) == EXIT_BAD_INPUT
    assert "go together" in capsys.readouterr().err


def test_run_prints_counts_but_no_personal_data(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "-v", "run", "--out", str(tmp_path / "runs")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "leads" in proc.stdout
    import re

    both = proc.stdout + proc.stderr
    assert not re.search(r"\d{17}[\dXx]", both)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", both)
