"""report.html: the analysts' one-page run report, self-contained, its charts drawing the
manifest's counts; checked in a real headless browser when there is one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.outputs.html import COLOURS
from pipeline.state import RunResult
from tests.browser import EXTERNAL, Elements, dump_dom, needs_chromium, pixels_near, screenshot

CHARTS = ("funnel", "by-source", "by-element", "validation", "link-confidence")


def report_of(run: RunResult) -> Path:
    return run.folder / "report.html"


def bars(dom: Elements, chart: str) -> dict[tuple[str, str], float]:
    """(bar, part) -> value of every <rect> of one chart."""
    (svg,) = dom.find("svg", id=chart)
    end = next((i for i in dom.find("svg") if i > svg), len(dom.elements))
    return {
        (a["data-bar"], a["data-label"]): float(a["data-value"])
        for t, a, _ in dom.elements[svg:end]
        if t == "rect"
    }


def check_charts(dom: Elements, counts: dict) -> None:
    funnel = bars(dom, "funnel")
    assert funnel[("rows read 读取行", "rows")] == counts["funnel"]["rows_read"]
    assert funnel[("persons 人员", "persons")] == counts["linkage"]["persons"]
    assert funnel[("victims 被害人", "victims")] == counts["funnel"]["victims"]
    assert funnel[("leads 线索", "leads")] == counts["leads"] + counts["leads_excluded"]
    for tier, n in counts["leads_by_tier"].items():
        assert funnel[("ranked 高/中/低", tier)] == n
    assert funnel[("excluded 排除", "excluded")] == counts["leads_excluded"]
    by_element = bars(dom, "by-element")
    for element, marks in counts["leads_by_element"].items():
        assert by_element[(element, "✗ missing")] == marks["✗"]
        assert (
            sum(
                by_element[(element, f"{m} {w}")]
                for m, w in (("✓", "met"), ("?", "unclear"), ("✗", "missing"))
            )
            == counts["leads"]
        )
    by_source = bars(dom, "by-source")
    assert sum(v for (bar, _), v in by_source.items() if bar == "案件当事人") == counts["leads"]
    validation = bars(dom, "validation")
    for source, v in counts["validation"].items():
        assert validation[(source, "quarantined")] == v["rows_quarantined"]
    confidence = bars(dom, "link-confidence")
    assert sum(confidence.values()) == counts["linkage"]["records"]


def test_the_report_is_one_file_that_loads_nothing(sample_run: RunResult) -> None:
    html = report_of(sample_run).read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert not re.search(EXTERNAL, html, re.IGNORECASE)
    assert "<script" not in html and "<img" not in html and "<link" not in html


def test_the_charts_draw_the_manifests_counts(sample_run: RunResult) -> None:
    dom = Elements(report_of(sample_run).read_text(encoding="utf-8"))
    assert all(dom.find("svg", id=c) for c in CHARTS)
    check_charts(dom, sample_run.manifest["counts"])


def test_the_report_holds_counts_only(sample_run: RunResult) -> None:
    html = report_of(sample_run).read_text(encoding="utf-8")
    names = sample_run.candidates["victim_name"].drop_nulls().to_list()
    assert not [n for n in names if len(n) >= 2 and n in html]
    assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)", html)


@needs_chromium
def test_a_browser_renders_every_chart(sample_run: RunResult, tmp_path: Path) -> None:
    dom = Elements(dump_dom(report_of(sample_run)))
    check_charts(dom, sample_run.manifest["counts"])
    (table,) = dom.find("table", id="validation-table")
    statuses = {
        dom.cells(r)[0]: dom.cells(r)[1]
        for r in dom.find("tr")
        if r > table and dom.cells(r)[0] in sample_run.manifest["counts"]["validation"]
    }
    assert statuses == {
        s: v["status"] for s, v in sample_run.manifest["counts"]["validation"].items()
    }
    shot = screenshot(report_of(sample_run), tmp_path / "report.png", 1000, 2200)
    # the bars are drawn: each tier's colour, the legal elements' and the funnel's blue
    for colour in (
        COLOURS["高"],
        COLOURS["中"],
        COLOURS["低"],
        COLOURS["✓"],
        COLOURS["?"],
        COLOURS["info"],
    ):
        assert pixels_near(shot, colour, tolerance=6) > 300, colour


def test_an_empty_run_still_has_a_report(tmp_path: Path) -> None:
    from pipeline.outputs.run_report import run_report

    manifest = {
        "run_id": "r0",
        "started": "s",
        "finished": "f",
        "code_version": "c",
        "config_hash": "h",
        "counts": {
            "funnel": dict.fromkeys(
                (
                    "rows_read",
                    "rows_accepted",
                    "persons",
                    "victims",
                    "leads",
                    "leads_ranked",
                    "leads_excluded",
                ),
                0,
            ),
            "leads_by_tier": {"高": 0, "中": 0, "低": 0},
            "leads_by_element": {},
            "validation": {},
            "link_confidence": {"bands": [], "rows_alone": 0, "rows_without_confidence": 0},
        },
    }
    html = run_report(manifest)
    assert "No leads in this run." in html and html.count("<svg") == 4


@pytest.mark.parametrize("chart", CHARTS)
def test_each_chart_has_a_caption(sample_run: RunResult, chart: str) -> None:
    html = report_of(sample_run).read_text(encoding="utf-8")
    assert re.search(rf'<svg id="{chart}" role="img" aria-label="[^"]+"', html)
