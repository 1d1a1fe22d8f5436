"""validation/report.html: the steward's validation report as one page that works offline.

Great Expectations' Data Docs load their styles and scripts from public CDNs; on the
procuratorate's offline network their index lists nothing. This page shows the same results
(and the row rules, flags and quarantine the Data Docs never had) with nothing to load:
failed expectations first, then per source its files, quarantine against its limit, rules,
flags and every expectation with its threshold, in the one status wording of
validate/results.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.outputs.html import badge, esc, page, table
from pipeline.validate.expectations import SuiteOutcome
from pipeline.validate.results import FAILED, STATUS_MEANING, SUCCEEDED, SourceValidation


def validation_page(
    results: dict[str, SourceValidation], stopped: list[str] | None, run_id: str
) -> str:
    """The whole page for one run."""
    body = [
        f"<h1>数据校验报告 / Validation report</h1><p class=meta>run {esc(run_id)}</p>",
        f"<p class=note>{esc(STATUS_MEANING)} 行号为 Excel 中的行号（表头为第1行）。</p>",
    ]
    if stopped:
        body.append(
            '<div class="banner" id="stopped">运行已停止 / RUN STOPPED — too many rows '
            "quarantined; no lead list was produced.<br>"
            + "<br>".join(esc(line) for line in stopped)
            + "</div>"
        )
    body += [_overview(results), *_failed_expectations(results)]
    for result in results.values():
        body += list(_source_section(result))
    return page(f"数据校验报告 {run_id}", body)


def _overview(results: dict[str, SourceValidation]) -> str:
    rows = [
        [
            r.source,
            badge(r.status),
            f"{r.rows_read:,}",
            f"{sum(f.accepted for f in r.files):,}",
            f"{r.quarantined_share:.1%} (limit {r.quarantine_limit:.1%})",
            f"{sum(f.flagged for f in r.files):,}",
            _met(r.expectations),
        ]
        for r in results.values()
    ]
    return "<h2>Sources</h2>" + table(
        [
            "source",
            "status",
            "rows read",
            "accepted",
            "quarantined (limit)",
            "flagged",
            "expectations met",
        ],
        rows,
        numeric=(2, 3, 4, 5),
        raw=(1,),
        row_class=[r.status for r in results.values()],
        attrs=' id="sources"',
    )


def _met(outcome: SuiteOutcome | None) -> str:
    if outcome is None:
        return "no suite"
    return f"{sum(o.success for o in outcome.outcomes)} of {len(outcome.outcomes)}"


def _failed_expectations(results: dict[str, SourceValidation]) -> list[str]:
    failed = [
        (r.source, o)
        for r in results.values()
        if r.expectations is not None
        for o in r.expectations.outcomes
        if not o.success
    ]
    if not failed:
        return [f"<h2>Expectations</h2><p>{badge(SUCCEEDED)} every expectation met.</p>"]
    rows = [[s, badge(FAILED), o.expectation, o.column, o.unexpected_text()] for s, o in failed]
    return [
        "<h2>Failed expectations</h2>",
        table(
            ["source", "result", "expectation", "column", "unexpected (share, allowed)"],
            rows,
            raw=(1,),
            row_class=["failed"] * len(rows),
            attrs=' id="failed-expectations"',
        ),
    ]


def _source_section(r: SourceValidation) -> Iterator[str]:
    yield f'<h2 id="source-{esc(r.source)}">{esc(r.source)} {badge(r.status)}</h2>'
    yield table(
        ["file", "encoding", "rows read", "accepted", "quarantined", "flagged (kept)"],
        [[f.where, f.encoding, f.read, f.accepted, f.quarantined, f.flagged] for f in r.files],
        numeric=(2, 3, 4, 5),
    )
    yield f"<p>Quarantined: {esc(r.quarantine_text())}.</p>"
    for title, counts in (("Quarantined by rule", r.quarantined), ("Kept but flagged", r.flagged)):
        if counts:
            yield f"<h3>{title}</h3>"
            yield table(
                ["rule", "rows", "meaning", "example rows"],
                [[c.name, c.rows, c.meaning, c.examples] for c in counts],
                numeric=(1,),
            )
    if r.expectations is not None:
        yield from _expectations(r.expectations)
    if r.sampled:
        yield (
            f"<p class=note>Expectations ran on a fixed sample of {r.sampled['sampled']:,} of "
            f"{r.sampled['rows']:,} rows; the row rules checked every row.</p>"
        )


def _expectations(outcome: SuiteOutcome) -> Iterator[str]:
    ordered = sorted(outcome.outcomes, key=lambda o: o.success)
    yield "<h3>Great Expectations</h3>"
    yield table(
        ["result", "expectation", "column", "unexpected (share, allowed)"],
        [
            [
                badge(SUCCEEDED if o.success else FAILED),
                o.expectation,
                o.column,
                o.unexpected_text(),
            ]
            for o in ordered
        ],
        raw=(0,),
        row_class=["" if o.success else "failed" for o in ordered],
        attrs=f' class="expectations" data-source="{esc(outcome.source)}"',
    )
    if outcome.docs_page:
        # relative to validation/, like this page; the Data Docs need a network for their styles
        yield (
            f'<p class=note>Data Docs page (needs a network for its styles): <a href="'
            f'{esc(outcome.docs_page)}">{esc(outcome.docs_page)}</a></p>'
        )
