"""The terminal progress of `relief-leads run`: a line per stage, a bar for parts."""

from __future__ import annotations

import pytest

from pipeline.cli import _show_progress
from pipeline.state import StageEvent


def test_a_stage_in_parts_shows_a_bar_then_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    _show_progress(StageEvent("link", 4, 6, False, 0.0, 12.0, None, 3, 6))
    bar = capsys.readouterr().err
    assert "[4/6] link" in bar and "3/6 parts" in bar
    assert bar.count("█") == 12 and bar.count("░") == 12
    assert not bar.endswith("\n")  # redrawn in place
    _show_progress(StageEvent("link", 4, 6, True, 20.5, 32.5, 1200))
    line = capsys.readouterr().err
    assert line.startswith("\r\x1b[K[4/6] link") and "20.50 s" in line and "1,200 rows" in line
