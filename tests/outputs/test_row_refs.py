"""Rows cited for people are the rows Excel shows: header = row 1, title rows counted."""

from __future__ import annotations

import csv
import re

import fastexcel
import polars as pl
import pytest

from pipeline.outputs.row_refs import (
    cited_keys,
    evidence_with_excel_rows,
    reasons_with_excel_rows,
    row_references,
)
from pipeline.run import SAMPLE_DIR, RunInputs, RunResult, run

LABELS = {"cases": "案件当事人", "poverty": "防返贫监测"}
SHORT = {"cases": "案件", "poverty": "监测"}


def frames() -> dict[str, pl.DataFrame]:
    def rows(
        source: str, file: str, sheet: str | None, numbers: list[int], offset: int
    ) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "source": source,
                "file": file,
                "sheet": sheet,
                "row_number": numbers,
                "excel_row": [n + offset for n in numbers],
                "record_key": [
                    f"{source}:{file}{':' + sheet if sheet else ''}:{n}" for n in numbers
                ],
            },
            schema_overrides={"sheet": pl.Utf8},
        )

    return {
        # two case files with their headers in different rows: no single offset
        "cases": pl.concat(
            [rows("cases", "a.csv", None, [1, 456], 1), rows("cases", "b.csv", None, [456], 3)]
        ),
        "poverty": rows("poverty", "p.xlsx", "明细", [616, 617, 900], 2),
    }


LEADS = pl.DataFrame(
    {
        "candidate_id": ["L1", "L2"],
        "reasons": [
            "被害人死亡（案件#456）(+40)；风险未消除（监测#616等2行）(+10)；低收入（监测#900）(+5)",
            "重伤（案件#456）(+30)；其他（案件#99）(+1)",
        ],
        "evidence": [
            "cases:b.csv:456；poverty:p.xlsx:明细:616；poverty:p.xlsx:明细:617",
            "cases:a.csv:456；cases:gone.csv:3",
        ],
    }
)


def test_short_references_name_the_excel_row_of_the_leads_own_rows() -> None:
    refs = row_references(frames())
    out = LEADS.select(reasons_with_excel_rows(LEADS, refs, SHORT).alias("r"))["r"].to_list()
    # L1's 案件#456 is b.csv's (header in row 3); 监测#900 is no cited row of L1 but the
    # monitoring export has one offset; L2's is a.csv's; 案件#99 cannot be placed
    assert out == [
        "被害人死亡（案件#459）(+40)；风险未消除（监测#618等2行）(+10)；低收入（监测#902）(+5)",
        "重伤（案件#457）(+30)；其他（案件数据行99）(+1)",
    ]


def test_evidence_names_label_file_sheet_and_excel_row() -> None:
    refs = row_references(frames())
    out = LEADS.select(evidence_with_excel_rows(LEADS, refs, LABELS).alias("e"))["e"].to_list()
    assert out == [
        "案件当事人 b.csv#459；防返贫监测 p.xlsx[明细]#618；防返贫监测 p.xlsx[明细]#619",
        "案件当事人 a.csv#457；cases:gone.csv:3",
    ]


def test_the_cited_rows_alone_give_the_same_reasons_and_evidence() -> None:
    """Only the cited rows (and one row per source offset) are kept for writing: the same
    texts as from every row, the reason's uncited 监测#900 placed by the source's offset."""
    every, cited = row_references(frames()), row_references(frames(), cited_keys(LEADS))
    assert cited.height < every.height

    def texts(refs: pl.DataFrame) -> list[tuple[str, ...]]:
        return LEADS.select(
            reasons_with_excel_rows(LEADS, refs, SHORT).alias("r"),
            evidence_with_excel_rows(LEADS, refs, LABELS).alias("e"),
        ).rows()

    assert texts(cited) == texts(every)
    assert sorted(cited_keys(LEADS).to_list()) == sorted(
        {"cases:b.csv:456", "poverty:p.xlsx:明细:616", "poverty:p.xlsx:明细:617",
         "cases:a.csv:456", "cases:gone.csv:3"}
    )  # fmt: skip


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run(RunInputs.sample(), out=tmp_path_factory.mktemp("runs"))


def test_a_reviewer_following_a_reference_lands_on_the_victims_row(result: RunResult) -> None:
    with (SAMPLE_DIR / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        sheet = list(csv.reader(handle))  # sheet[0] is Excel row 1, the header
    header = sheet[0]
    monitoring = (
        fastexcel.read_excel(SAMPLE_DIR / "poverty.xlsx")
        .load_sheet(0, header_row=None, dtypes="string")
        .to_polars()
    )  # the export's title is in row 1: grid row i is Excel row i + 1
    household_column = list(monitoring.row(1)).index("户编号")  # the header is Excel row 2
    households = dict(result.candidates.select("candidate_id", "household_id").iter_rows())
    listed = pl.read_csv(result.folder / "线索清单.csv", infer_schema=False)
    reasons = next(c for c in listed.columns if c.startswith("推荐理由"))
    for lead in listed.head(20).iter_rows(named=True):
        cited = re.findall(r"案件#(\d+)", lead[reasons])
        assert cited
        for row in {int(n) for n in cited}:
            cells = dict(zip(header, sheet[row - 1], strict=True))
            assert cells["部门受案号"] == lead["案件编号"]
            assert cells["诉讼地位"] == "被害人"
        for row in {int(n) for n in re.findall(r"监测#(\d+)", lead[reasons])}:
            household = monitoring.row(row - 1)[household_column]
            assert household == households[lead["线索编号"]]
