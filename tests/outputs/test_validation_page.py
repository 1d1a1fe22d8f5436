"""The steward's validation page works offline and says what the Data Docs say, in one
wording; checked in a real headless browser when there is one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.outputs.html import COLOURS
from pipeline.outputs.validation_page import validation_page
from pipeline.state import RunResult
from pipeline.validate.expectations import ExpectationOutcome, SuiteOutcome
from pipeline.validate.results import FAILED, SUCCEEDED, FileRow, SourceValidation
from tests.browser import EXTERNAL, Elements, dump_dom, needs_chromium, pixels_near, screenshot

DOCS_STATUS = re.compile(r"Status:</span>\s*<i[^>]*></i>\s*(Succeeded|Failed)")


def page_of(run: RunResult) -> Path:
    return run.folder / "validation" / "report.html"


def statuses(run: RunResult) -> dict[str, str]:
    manifest = json.loads((run.folder / "manifest.json").read_text(encoding="utf-8"))
    return {s: v["status"] for s, v in manifest["counts"]["validation"].items()}


def test_the_page_loads_nothing_from_anywhere(sample_run: RunResult) -> None:
    html = page_of(sample_run).read_text(encoding="utf-8")
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\';' in html
    assert not re.search(EXTERNAL, html, re.IGNORECASE), re.search(EXTERNAL, html, re.IGNORECASE)
    assert "<script" not in html and "<link" not in html


def test_one_status_word_in_the_manifest_summary_page_and_data_docs(sample_run: RunResult) -> None:
    expected = statuses(sample_run)
    assert expected["poverty"] == FAILED  # the sample's 11 rows without a name
    assert set(expected.values()) == {FAILED, SUCCEEDED}
    summary = (sample_run.folder / "validation" / "summary.md").read_text(encoding="utf-8")
    html = page_of(sample_run).read_text(encoding="utf-8")
    for source, status in expected.items():
        assert f"## {source} — {status}" in summary
        assert f"| {source} | **{status}** |" in summary
        assert re.search(rf'id="source-{source}">{source} <span class="badge {status}">', html)
        docs = next(
            (sample_run.folder / "validation" / "data_docs" / "validations" / source).rglob(
                "*.html"
            )
        )
        assert DOCS_STATUS.findall(docs.read_text(encoding="utf-8")) == [status]


def test_every_percentage_has_its_threshold(sample_run: RunResult) -> None:
    summary = (sample_run.folder / "validation" / "summary.md").read_text(encoding="utf-8")
    for text in (summary, page_of(sample_run).read_text(encoding="utf-8")):
        for line in text.splitlines():
            for share in re.finditer(r"\d+(?:\.\d+)?%", line):
                tail = line[share.end() : share.end() + 40]
                assert re.match(r"(?:,| —)? ?(?:limit|allowed|\(limit)", tail) or re.search(
                    r"(limit|allowed|≤)", line[max(0, share.start() - 20) : share.start()]
                ), f"a percentage without its threshold: {line[:160]}"


@needs_chromium
def test_the_browser_lists_every_source_and_the_failed_expectation(sample_run: RunResult) -> None:
    dom = Elements(dump_dom(page_of(sample_run)))
    (table,) = dom.find("table", id="sources")
    rows = [i for i in dom.find("tr") if i > table][: len(statuses(sample_run)) + 1]
    shown = {dom.cells(r)[0]: dom.cells(r)[1] for r in rows[1:]}
    assert shown == statuses(sample_run)
    (failed,) = dom.find("table", id="failed-expectations")
    failed_rows = [dom.cells(i) for i in dom.find("tr", class_="failed") if i > failed]
    poverty = [r for r in failed_rows if r[:4] == ["poverty", FAILED, "expect_column_values_to_not_be_null", "name"]]  # fmt: skip
    assert len(poverty) == 1
    # the unexpected count, its share of the sample's rows, and the threshold it was held to
    assert re.fullmatch(r"11 \(0\.\d%, allowed ≤ 0%\)", poverty[0][4]), poverty[0]


def synthetic(success: bool) -> dict[str, SourceValidation]:
    outcome = ExpectationOutcome(
        "expect_column_values_to_not_be_null",
        "name",
        success,
        0 if success else 9,
        0.0 if success else 4.5,
        None,
    )
    suite = SuiteOutcome("cases", success, (outcome,), None)
    files = (FileRow("cases.csv", "utf-8", 200, 200, 0, 0),)
    return {"cases": SourceValidation("cases", files, 0.2, (), (), suite)}


@needs_chromium
@pytest.mark.parametrize("success", [False, True])
def test_a_screenshot_shows_a_failed_expectation_in_red(
    tmp_path: Path, config: Config, success: bool
) -> None:
    page = tmp_path / "report.html"
    page.write_text(validation_page(synthetic(success), None, "r1"), encoding="utf-8")
    shot = screenshot(page, tmp_path / "shot.png", 1000, 700)
    red = pixels_near(shot, COLOURS["failed"])
    if success:
        assert red == 0  # the control: nothing red where every expectation is met
    else:
        assert red > 400, red  # the Failed badges and the failed row's marks


@needs_chromium
def test_a_screenshot_of_the_sample_run_shows_its_failed_expectation(
    sample_run: RunResult, tmp_path: Path
) -> None:
    shot = screenshot(page_of(sample_run), tmp_path / "sample.png", 1200, 700)
    assert pixels_near(shot, COLOURS["failed"]) > 400
    assert pixels_near(shot, COLOURS["ok"]) > 400  # the sources that succeeded
