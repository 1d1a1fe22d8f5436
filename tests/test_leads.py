"""Lead building: case references by number or by name; relief and petitions reach the right lead."""

from __future__ import annotations

import polars as pl

from pipeline.leads import resolve_case_refs

LEADS = pl.DataFrame(
    {
        "case_id": ["商南检刑诉受[2024]1号", "商南检刑诉受[2024]2号", "商南检刑诉受[2024]3号"],
        "case_name": ["马某等故意伤害案", "张某交通肇事案", "张某交通肇事案"],
    }
)


def test_case_refs_resolve_by_number_or_unique_name() -> None:
    rows = pl.DataFrame(
        {"case_ref": ["商南检刑诉受[2024]1号", " 马某等故意伤害案 ", "张某交通肇事案", "无", None]}
    )
    out = resolve_case_refs(rows, LEADS)["case_id"].to_list()
    # a name shared by two cases stays unresolved rather than guessed
    assert out == ["商南检刑诉受[2024]1号", "商南检刑诉受[2024]1号", None, None, None]
