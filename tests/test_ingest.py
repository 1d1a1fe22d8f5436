"""Readers: encodings, title rows, several sheets, aliases, text-only cells, clear errors."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.ingest import decode_csv_bytes, read_source
from tests.conftest import write_csv

PETITION_ROWS = [
    ["信访件编号", "信访人", "证件号码", "联系电话", "信访事项", "无关列"],
    ["XF001", "张三", "61102319900101123X", "13912345678", "生活困难，申请救助", "x"],
    ["XF002", "李 四", "", "", "对方至今未赔偿", "y"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected_and_reported(tmp_path: Path, config: Config, encoding: str) -> None:
    path = write_csv(tmp_path / "p.csv", PETITION_ROWS, encoding)
    source = read_source("petitions", path, config)
    assert source.frame["name"].to_list() == ["张三", "李 四"]
    assert source.frame["text"].to_list()[1] == "对方至今未赔偿"
    assert source.files[0].encoding == ("gbk" if encoding in ("gbk", "gb18030") else encoding)
    assert source.files[0].rows_read == 2


def test_gb18030_only_characters_fall_back_to_gb18030() -> None:
    text, encoding = decode_csv_bytes("信访人,𠀀\n".encode("gb18030"), "x")
    assert encoding == "gb18030"
    assert "𠀀" in text


def test_unknown_columns_are_ignored_and_missing_optional_fields_are_null(tmp_path: Path, config: Config) -> None:
    source = read_source("petitions", write_csv(tmp_path / "p.csv", PETITION_ROWS), config)
    assert "无关列" not in source.frame.columns
    assert source.frame["case_ref"].null_count() == 2
    assert source.frame["id_number"].to_list() == ["61102319900101123X", None]


def test_record_references_are_one_based_and_unique(tmp_path: Path, config: Config) -> None:
    source = read_source("petitions", write_csv(tmp_path / "p.csv", PETITION_ROWS), config)
    assert source.frame["row_number"].to_list() == [1, 2]
    assert source.frame["record_key"].to_list() == ["petitions:p.csv:1", "petitions:p.csv:2"]


def test_title_row_above_header_is_skipped(tmp_path: Path, config: Config) -> None:
    rows = [["某县信访登记表（2026年）", "", "", "", "", ""], *PETITION_ROWS]
    source = read_source("petitions", write_csv(tmp_path / "p.csv", rows), config)
    assert source.frame.height == 2
    assert source.frame["petition_id"].to_list() == ["XF001", "XF002"]


def _workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("说明")
    notes.write_row(0, 0, ["本表为导出说明"])
    for name in ("一月", "二月"):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["防返贫监测对象明细表"])
        sheet.write_row(1, 0, ["户编号", "姓名", "证件号码", "户联系电话", "风险识别时间"])
        sheet.write_string(2, 0, "6110231010010001")
        sheet.write_string(2, 1, f"王{name}")
        sheet.write_number(2, 2, float(611023199001011234))
        sheet.write_number(2, 3, 13912345678)
        sheet.write_number(2, 4, 202403)
    book.close()
    return path


def test_workbook_reads_every_sheet_that_maps_and_never_floats_ids(tmp_path: Path, config: Config) -> None:
    source = read_source("poverty", _workbook(tmp_path / "m.xlsx"), config)
    assert [r.sheet for r in source.files] == ["一月", "二月"]
    assert source.frame["name"].to_list() == ["王一月", "王二月"]
    assert source.frame["phone"].to_list() == ["13912345678", "13912345678"]
    # the number cell lost its last digits inside Excel; it must still arrive as digit text
    assert source.frame["id_number"][0] == "611023199001011200"
    assert source.frame["risk_identified"][0] == "202403"
    assert source.frame["record_key"][1] == "poverty:m.xlsx:二月:1"


def test_folder_of_files_is_one_source(tmp_path: Path, config: Config) -> None:
    folder = tmp_path / "petitions"
    folder.mkdir()
    write_csv(folder / "a.csv", PETITION_ROWS)
    write_csv(folder / "b.csv", PETITION_ROWS[:2], "gbk")
    source = read_source("petitions", folder, config)
    assert source.frame.height == 3
    assert [(r.file, r.encoding) for r in source.files] == [("a.csv", "utf-8"), ("b.csv", "gbk")]


def test_aliases_alternatives_map_to_the_same_field(tmp_path: Path, config: Config) -> None:
    rows = [["受理号", "信访人姓名", "身份证号", "手机号", "诉求内容"], ["1", "赵六", "", "13800000000", "无"]]
    frame = read_source("petitions", write_csv(tmp_path / "p.csv", rows), config).frame
    assert frame.select("petition_id", "name", "phone", "text").row(0) == ("1", "赵六", "13800000000", "无")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["编号", "内容"], ["1", "x"]], "no header row maps"),
        ([["部门受案号", "姓名", "伤情"], ["A1", "张三", "重伤"]], "required field(s) ['role'] not found"),
    ],
)
def test_bad_headers_fail_naming_file_field_and_headers(tmp_path: Path, config: Config, rows: list[list[str]], message: str) -> None:
    path = write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as error:
        read_source("cases", path, config)
    text = str(error.value)
    assert message in text
    assert "bad.csv" in text
    assert "headers found:" in text


def test_zero_byte_and_missing_files_fail_cleanly(tmp_path: Path, config: Config) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty.csv: file is empty"):
        read_source("cases", empty, config)
    with pytest.raises(InputError, match="no such file"):
        read_source("cases", tmp_path / "nope.csv", config)


def test_every_cell_is_text(tmp_path: Path, config: Config) -> None:
    frame = read_source("petitions", write_csv(tmp_path / "p.csv", PETITION_ROWS), config).frame
    canonical = [c for c in frame.columns if c != "row_number"]
    assert all(frame.schema[c] == pl.Utf8 for c in canonical)
