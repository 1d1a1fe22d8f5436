"""`relief-leads bench facts` on a corpus of sentences written for this test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.facts import HELD_BACK, bench_facts

TEXTS = {
    "T1": "被告人持刀将被害人甘某砍伤，经鉴定为轻伤二级。案发后，被告人赔偿被害人甘某2万元。",
    "T2": "被告人驾车撞倒被害人柯某，致其重伤二级，被告人至今未赔偿。",
}
LABELS = [
    {"text_id": "T1", "victim": "甘某", "split": "dev", "injury": "轻伤", "compensation": "full"},
    {
        "text_id": "T2",
        "victim": "柯某",
        "split": "holdout",
        "injury": "重伤",
        "compensation": "none",
    },
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    texts = tmp_path / "texts.jsonl"
    texts.write_text(
        "".join(
            json.dumps({"text_id": k, "fact": v}, ensure_ascii=False) + "\n"
            for k, v in TEXTS.items()
        ),
        encoding="utf-8",
    )
    labels = tmp_path / "labels.jsonl"
    defaults = {"injury_detail": None, "loss_amount": None, "forgiveness": "unknown",
                "hit_and_run": False, "victim_fault": "none", "unsure": False, "note": None}  # fmt: skip
    labels.write_text(
        "".join(json.dumps(defaults | row, ensure_ascii=False) + "\n" for row in LABELS),
        encoding="utf-8",
    )
    return texts, labels


def test_measuring_prints_every_split(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_facts(*files, show_errors=None, confusions=False) == 0
    header = capsys.readouterr().out.splitlines()[1]
    assert "| dev |" in header and all(f" {s} " in header for s in HELD_BACK)


def test_an_error_list_shows_no_held_back_figure(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_facts(*files, show_errors="dev", confusions=False) == 0
    out = capsys.readouterr().out
    assert not any(s in out for s in HELD_BACK)
    assert "| dev |" in out.splitlines()[1]


def test_a_missing_corpus_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_facts(tmp_path / "absent.jsonl", tmp_path / "l.jsonl", None, False) == 2
    assert "--texts PATH" in capsys.readouterr().out
