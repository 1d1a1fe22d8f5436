"""report.html: the analysts' one-page run report, self-contained (outputs/html.py).

Drawn from the manifest alone, so it holds counts only: the lead funnel (rows -> persons ->
victims -> leads -> 高/中/低 -> excluded), leads by source and by legal element, validation
by source (in the steward's wording, validate/results.py) and how sure the linker was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.outputs.html import COLOURS, Bar, badge, bar_chart, esc, legend, page, table

_TIER_COLOURS = ("高", "中", "低")
_MARKS = (("✓", "met"), ("?", "unclear"), ("✗", "missing"))


def run_report(manifest: dict[str, Any]) -> str:
    """The whole page for one run's manifest."""
    counts = manifest["counts"]
    body = [
        *_header(manifest),
        *_funnel(counts),
        *_by_source(counts),
        *_by_element(counts),
        *_validation(counts),
        *_link_confidence(counts),
        *_reviews_and_privacy(counts),
    ]
    return page(f"运行报告 {manifest['run_id']}", body)


def _tier_colour(tier: str) -> str:
    return COLOURS.get(tier, COLOURS["info"])


def _header(manifest: dict[str, Any]) -> Iterator[str]:
    place = manifest.get("run_folder") or {}
    scope = "full run" if place.get("scope", "full") == "full" else "ad-hoc run (filtered)"
    yield f"<h1>运行报告 / Run report</h1><p class=meta>run {esc(manifest['run_id'])} · {scope}"
    if manifest.get("filters"):
        yield f" · filters {esc(manifest['filters'])}"
    yield (
        f" · {esc(manifest['started'])} → {esc(manifest['finished'])} · code "
        f"{esc(manifest['code_version'])} · config {esc(manifest['config_hash'])}</p>"
    )
    yield (
        "<p class=note>Counts only; the leads are in 线索清单.csv, the stewards' report in "
        "validation/report.html. Leads are suggestions to verify, never decisions.</p>"
    )


def _funnel(counts: dict[str, Any]) -> Iterator[str]:
    funnel, tiers = counts["funnel"], counts["leads_by_tier"]
    plain = COLOURS["info"]
    bars = [
        Bar("rows read 读取行", (("rows", funnel["rows_read"], plain),)),
        Bar("rows accepted 接受行", (("rows", funnel["rows_accepted"], plain),)),
        Bar("persons 人员", (("persons", funnel["persons"], plain),)),
        Bar("victims 被害人", (("victims", funnel["victims"], plain),)),
        Bar("leads 线索", (("leads", funnel["leads"], plain),)),
        Bar("ranked 高/中/低", tuple((t, n, _tier_colour(t)) for t, n in tiers.items())),
        Bar("excluded 排除", (("excluded", funnel["leads_excluded"], COLOURS["muted"]),)),
    ]
    yield "<h2>线索漏斗 / Lead funnel</h2>"
    yield bar_chart(
        bars, chart_id="funnel", caption="rows → persons → victims → leads → 高/中/低 → excluded"
    )
    yield legend((t, _tier_colour(t)) for t in tiers)
    exclusions = counts.get("exclusions") or []
    if exclusions:
        yield table(
            ["excluded because", "leads"],
            [[e["exclusion_rules"], e["count"]] for e in exclusions],
            numeric=(1,),
        )


def _by_source(counts: dict[str, Any]) -> Iterator[str]:
    by_source = counts.get("leads_by_source") or {}
    yield "<h2>按来源 / Leads by source</h2>"
    if not by_source:
        yield "<p>No leads in this run.</p>"
        return
    bars = [
        Bar(label, tuple((t, n, _tier_colour(t)) for t, n in tiers.items()))
        for label, tiers in by_source.items()
    ]
    yield bar_chart(
        bars, chart_id="by-source", caption="ranked leads with evidence from each source, by tier"
    )
    yield legend((t, _tier_colour(t)) for t in counts["leads_by_tier"])
    linked = (counts.get("lead_sources") or {}).get("high_or_medium_only_through_links")
    if linked is not None:
        yield f"<p>高 or 中 only because rows of other sources were linked: <b>{linked}</b></p>"


def _by_element(counts: dict[str, Any]) -> Iterator[str]:
    by_element = counts.get("leads_by_element") or {}
    yield "<h2>按法律要件 / Leads by legal element</h2>"
    bars = [
        Bar(
            element,
            tuple((f"{mark} {word}", marks.get(mark, 0), COLOURS[mark]) for mark, word in _MARKS),
        )
        for element, marks in by_element.items()
    ]
    yield bar_chart(
        bars,
        chart_id="by-element",
        caption="per element of the legal test: met ✓, unclear ?, missing ✗",
    )
    yield legend((f"{mark} {word}", COLOURS[mark]) for mark, word in _MARKS)


def _validation(counts: dict[str, Any]) -> Iterator[str]:
    validation = counts.get("validation") or {}
    yield "<h2>数据校验 / Validation by source</h2>"
    bars = [
        Bar(
            source,
            (
                ("accepted", v["rows_accepted"], COLOURS["ok"]),
                ("quarantined", v["rows_quarantined"], COLOURS["failed"]),
            ),
        )
        for source, v in validation.items()
    ]
    yield bar_chart(bars, chart_id="validation", caption="rows accepted and quarantined per source")
    yield legend((("accepted", COLOURS["ok"]), ("quarantined", COLOURS["failed"])))
    rows = [
        [
            source,
            badge(v["status"]),
            f"{v['quarantined_percent']:g}% (limit {v['quarantine_limit_percent']:g}%)",
            "no suite"
            if v["expectations"] is None
            else f"{v['expectations_met']} of {v['expectations']}",
        ]
        for source, v in validation.items()
    ]
    yield table(
        ["source", "status", "quarantined (limit)", "expectations met"],
        rows,
        raw=(1,),
        attrs=' id="validation-table"',
    )
    yield '<p class=note>Details: <a href="validation/report.html">validation/report.html</a></p>'


def _link_confidence(counts: dict[str, Any]) -> Iterator[str]:
    confidence = counts.get("link_confidence") or {}
    bands = confidence.get("bands", [])
    bars = [Bar(f"confidence {b['band']}", (("rows", b["rows"], COLOURS["info"]),)) for b in bands]
    bars += [
        Bar(
            "alone (nothing to link)",
            (("rows", confidence.get("rows_alone", 0), COLOURS["muted"]),),
        ),
        Bar(
            "joined via a case household",
            (("rows", confidence.get("rows_without_confidence", 0), COLOURS["warn"]),),
        ),
    ]
    yield "<h2>关联置信度 / Link confidence</h2>"
    yield bar_chart(
        bars,
        chart_id="link-confidence",
        caption="rows of persons with several rows, by the linker's confidence",
    )


def _reviews_and_privacy(counts: dict[str, Any]) -> Iterator[str]:
    reviews = counts.get("reviews")
    if reviews:
        unknown = len(reviews["decisions_unknown"])
        yield (
            f"<h2>审核 / Reviews</h2><p>{reviews['decisions_read']} decisions read, "
            f"{reviews['decisions_recognised']} recognised, {reviews['decisions_carried']} carried; "
            f"{reviews['changed_since_review']} decided leads whose evidence changed (证据有变化); "
            f"{unknown} not recognised (see summary.md).</p>"
        )
    minors = counts.get("minors_masked") or {}
    yield (
        f"<p class=note>Minors' names masked in 线索清单.csv and referrals.csv: "
        f"{minors.get('leads', 0)} leads ({minors.get('by_another_row_only', 0)} because another "
        "source's row says under 18).</p>"
    )
