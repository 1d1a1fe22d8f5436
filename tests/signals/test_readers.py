"""Reading texts in worker processes gives the same readings as reading them here."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

from pipeline.config import load_config
from pipeline.signals import case_facts_frame
from pipeline.signals import readers as readers_module
from pipeline.signals.case_text import CASE_FACTS_OUTPUT, case_facts_reading
from pipeline.signals.petition_text import _read_texts, petition_facts_frame
from pipeline.signals.readers import MIN_TEXTS_PER_WORKER, TextReaders, worker_count

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
CASE_COLUMNS = {
    "案情摘要": "summary",
    "伤情": "injury",
    "经济损失(元)": "loss",
    "赔偿情况": "compensation",
    "是否谅解": "forgiveness",
    "姓名": "name",
    "诉讼地位": "role",
}


@pytest.mark.parametrize(
    ("texts", "requested", "cores", "expected"),
    [
        (100, 0, 2, 1),  # a small run reads here: starting workers costs more than it saves
        (2 * MIN_TEXTS_PER_WORKER - 1, 0, 2, 1),
        (2 * MIN_TEXTS_PER_WORKER, 0, 2, 2),
        (10 * MIN_TEXTS_PER_WORKER, 0, 2, 2),  # never more workers than cores
        (10 * MIN_TEXTS_PER_WORKER, 0, 1, 1),
        (100, 3, 2, 3),  # asked for: as asked, whatever the size
        (2, 3, 2, 2),  # but never more workers than texts
        (10 * MIN_TEXTS_PER_WORKER, 1, 2, 1),
    ],
)
def test_worker_count(
    monkeypatch: pytest.MonkeyPatch, texts: int, requested: int, cores: int, expected: int
) -> None:
    monkeypatch.setattr(readers_module, "available_cores", lambda: cores)
    assert worker_count(texts, requested) == expected


def test_a_daemon_process_reads_here(monkeypatch: pytest.MonkeyPatch) -> None:
    # a Dask worker is a daemon: it may not start processes of its own
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    assert worker_count(10 * MIN_TEXTS_PER_WORKER, 2) == 1


def _sample(name: str, encoding: str, columns: dict[str, str]) -> pl.DataFrame:
    raw = pd.read_csv(SAMPLE / name, encoding=encoding, dtype=str, keep_default_na=False)
    return pl.from_pandas(raw[list(columns)].rename(columns=columns)).with_columns(
        pl.all().replace("", None)
    )


def test_worker_processes_read_the_same_as_this_process() -> None:
    config = load_config()
    patterns, roles = config.text_patterns, config.scoring.roles["victim"]
    cases = _sample("cases.csv", "utf-8-sig", CASE_COLUMNS)
    petitions = _sample(
        "petitions.csv",
        "gb18030",
        {"信访事项": "text", "内容分类": "category", "涉及案件": "case_ref"},
    )
    here_cases = case_facts_frame(cases, patterns, roles)
    here_petitions = petition_facts_frame(petitions, patterns)
    with TextReaders(patterns, workers=2) as readers:
        cases_read = case_facts_frame(cases, patterns, roles, readers)
        petitions_read = petition_facts_frame(petitions, patterns, readers)
        assert readers._pool is not None  # the texts were read in worker processes
    assert here_cases["fact_evidence"].drop_nulls().len() > 0
    assert cases_read.equals(here_cases)
    assert petitions_read.equals(here_petitions)


def test_case_facts_read_by_workers_join_the_rows_read_back_without_their_summaries() -> None:
    # the run hands the summaries to the workers, spills the case rows without them, links,
    # and adds the facts to the rows read back (pipeline/run.py read_free_text, wait=False)
    config = load_config()
    patterns, roles = config.text_patterns, config.scoring.roles["victim"]
    cases = _sample("cases.csv", "utf-8-sig", CASE_COLUMNS)
    here = case_facts_frame(cases, patterns, roles)
    with TextReaders(patterns, workers=2) as readers:
        reading = case_facts_reading(cases, patterns, roles, readers)
        assert readers._pool is not None  # on their way in the workers
        slim = cases.drop("summary", "name")  # as the spill keeps them
        added = reading.facts(slim)
    assert added.columns == [*slim.columns, *CASE_FACTS_OUTPUT]
    assert added.equals(here.drop("summary", "name"))
    with pytest.raises(ValueError, match="added already"):
        reading.facts(slim)  # the readings went with the frame they made
    with pytest.raises(ValueError, match="not the one read from"):
        case_facts_reading(cases, patterns, roles).facts(slim.head(3))


def test_submitted_readings_are_those_of_map_here_and_in_workers() -> None:
    patterns = load_config().text_patterns
    texts = ["本人家庭生活困难，无力支付医疗费，请求司法救助。", "要求依法处理。"] * 3
    expected = _read_texts(texts, patterns)
    for workers in (1, 2):
        with TextReaders(patterns, workers=workers) as readers:
            pending = readers.submit(_read_texts, texts)
            assert (readers._pool is not None) == (workers > 1)
            assert pending.result() == expected
            assert pending.result() == expected  # asked again: the same, not read again


def _niceness_of_a_worker(readers: TextReaders) -> int:
    assert readers._pool is not None
    return readers._pool.submit(os.nice, 0).result()


def test_workers_give_way_to_the_run() -> None:
    with TextReaders(load_config().text_patterns, workers=2) as readers:
        readers.start_workers(10 * MIN_TEXTS_PER_WORKER)
        assert _niceness_of_a_worker(readers) == os.nice(0) + readers_module.WORKER_NICENESS


def test_workers_started_ahead_are_the_ones_that_read() -> None:
    patterns = load_config().text_patterns
    texts = ["本人家庭生活困难，无力支付医疗费，请求司法救助。", "要求依法处理。"] * 3
    with TextReaders(patterns, workers=2) as readers:
        readers.start_workers(len(texts))
        pool = readers._pool
        assert pool is not None
        read = readers.map(_read_texts, texts)
        assert readers._pool is pool  # started ahead, not started again
    assert readers._pool is None
    assert read == _read_texts(texts, patterns)


def test_workers_let_go_without_waiting_are_started_again_when_needed() -> None:
    patterns = load_config().text_patterns
    texts = ["本人家庭生活困难，无力支付医疗费，请求司法救助。", "要求依法处理。"] * 3
    with TextReaders(patterns, workers=2) as readers:
        first = readers.map(_read_texts, texts)
        readers.close(wait=False)
        assert readers._pool is None
        assert readers.map(_read_texts, texts) == first == _read_texts(texts, patterns)


@pytest.mark.parametrize(("texts", "requested"), [(100, 0), (10 * MIN_TEXTS_PER_WORKER, 1)])
def test_no_worker_is_started_ahead_where_texts_are_read_here(texts: int, requested: int) -> None:
    with TextReaders(load_config().text_patterns, workers=requested) as readers:
        readers.start_workers(texts)
        assert readers._pool is None


UNGUARDED = """
from pipeline.config import load_config
from pipeline.signals.petition_text import _read_texts
from pipeline.signals.readers import TextReaders

patterns = load_config().text_patterns
texts = ["本人家庭生活困难，无力支付医疗费，请求司法救助。", "要求依法处理。"] * 3
with TextReaders(patterns, workers=2) as readers:
    AHEAD
    read = readers.map(_read_texts, texts)
print("same:", read == _read_texts(texts, patterns))
"""


@pytest.mark.parametrize("ahead", ["pass", "readers.start_workers(len(texts))"])
def test_a_script_without_a_main_guard_is_read_here_not_left_waiting(
    tmp_path: Path, ahead: str
) -> None:
    # every spawned worker re-imports the script, which starts workers again and fails:
    # the pool breaks and the texts are read in the script's own process (also when the
    # workers were started ahead of the reading)
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED.replace("AHEAD", ahead), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "same: True" in done.stdout
    assert "text workers could not start" in done.stderr
