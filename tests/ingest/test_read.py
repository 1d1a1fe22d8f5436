"""Readers: encodings, title rows, several sheets, aliases, text-only cells, clear errors."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline.ingest.read as read_module
from pipeline.config import Config, load_config, normalise_header
from pipeline.errors import InputError
from pipeline.ingest.read import _csv_utf8, decode_csv_bytes, read_source
from pipeline.normalise.dates import parse_date
from pipeline.normalise.ids import id_check_char
from pipeline.normalise.prepare import prepare_source
from tests.conftest import write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
ID_1990 = "61102319900101123" + id_check_char("61102319900101123")
PETITION_ROWS = [
    ["信访件编号", "信访人", "证件号码", "联系电话", "信访事项", "无关列"],
    ["XF001", "张三", "61102319900101123X", "13912345678", "生活困难，申请救助", "x"],
    ["XF002", "李 四", "", "", "对方至今未赔偿", "y"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected_and_reported(
    tmp_path: Path, config: Config, encoding: str
) -> None:
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


def test_unknown_columns_are_ignored_and_missing_optional_fields_are_null(
    tmp_path: Path, config: Config
) -> None:
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


def test_workbook_reads_every_sheet_that_maps_and_never_floats_ids(
    tmp_path: Path, config: Config
) -> None:
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


def test_a_folder_read_several_files_at_a_time_keeps_the_files_order(
    tmp_path: Path, config: Config
) -> None:
    """Files are read FILE_READERS at a time: rows and reports still come in the files'
    order, the same as each file read alone, whichever file is done first."""
    folder = tmp_path / "petitions"
    folder.mkdir()
    encodings = ["gb18030", "utf-8", "gbk", "utf-8-sig", "utf-8", "gb18030", "utf-8"]
    for i, encoding in enumerate(encodings):
        rows = [PETITION_ROWS[0]] + [
            [f"XF{i}{j:03d}", "张三", "", "", "事项", ""] for j in range(1 + i * 40)
        ]
        write_csv(folder / f"{i:02d}.csv", rows, encoding)
    source = read_source("petitions", folder, config)
    alone = [
        read_source("petitions", folder / f"{i:02d}.csv", config) for i in range(len(encodings))
    ]
    assert [r.file for r in source.files] == [f"{i:02d}.csv" for i in range(len(encodings))]
    assert [r.encoding for r in source.files] == [a.files[0].encoding for a in alone]
    expected = pl.concat([a.frame for a in alone])
    assert source.frame.drop("file", "record_key").equals(expected.drop("file", "record_key"))
    assert source.frame["record_key"].str.starts_with("petitions:").all()


def test_aliases_alternatives_map_to_the_same_field(tmp_path: Path, config: Config) -> None:
    rows = [
        ["受理号", "信访人姓名", "身份证号", "手机号", "诉求内容"],
        ["1", "赵六", "", "13800000000", "无"],
    ]
    frame = read_source("petitions", write_csv(tmp_path / "p.csv", rows), config).frame
    assert frame.select("petition_id", "name", "phone", "text").row(0) == (
        "1",
        "赵六",
        "13800000000",
        "无",
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["编号", "内容"], ["1", "x"]], "no header row maps"),
        (
            [["部门受案号", "姓名", "伤情"], ["A1", "张三", "重伤"]],
            "required field(s) ['role'] not found",
        ),
    ],
)
def test_bad_headers_fail_naming_file_field_and_headers(
    tmp_path: Path, config: Config, rows: list[list[str]], message: str
) -> None:
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
    with pytest.raises(InputError, match=r"empty\.csv: file is empty"):
        read_source("cases", empty, config)
    with pytest.raises(InputError, match="no such file"):
        read_source("cases", tmp_path / "nope.csv", config)


def test_every_cell_is_text(tmp_path: Path, config: Config) -> None:
    frame = read_source("petitions", write_csv(tmp_path / "p.csv", PETITION_ROWS), config).frame
    canonical = [c for c in frame.columns if c not in ("row_number", "excel_row")]
    assert all(frame.schema[c] == pl.Utf8 for c in canonical)


# Every alias the data contract lists (docs: ../shared/data-contract.md): each must map.
CONTRACT_ALIASES = {
    "poverty": {
        "household_id": ["户编号"],
        "person_no": ["人编号"],
        "name": ["姓名", "成员姓名"],
        "id_number": ["证件号码", "身份证号", "身份证号码", "公民身份号码"],
        "relation": ["与户主关系"],
        "county": ["县(市、区、旗)", "县（市、区、旗）"],
        "town": ["乡(镇)"],
        "village": ["行政村"],
        "hamlet": ["自然村"],
        "household_type": ["户类型"],
        "monitor_type": ["易返贫致贫户(监测对象)类型", "监测对象类别", "监测对象类型"],
        "risk_type": ["致贫原因1", "风险类型", "致贫/返贫风险1", "返贫致贫风险"],
        "risk_cleared": ["风险是否消除", "风险是否已消除"],
        "risk_identified": ["风险识别时间", "识别监测时间"],
        "risk_cleared_at": ["风险消除时间", "消除监测时间"],
        "income_per_capita": ["人均纯收入", "家庭年人均纯收入"],
        "health": ["健康状况"],
        "labour": ["劳动技能", "劳动能力"],
        "phone": ["户联系电话", "人联系电话", "联系电话"],
    },
    "petitions": {
        "petition_id": ["信访件编号", "信访编号", "受理号"],
        "name": ["信访人", "信访人姓名", "姓名"],
        "id_number": ["证件号码", "身份证号"],
        "phone": ["联系电话", "手机号"],
        "address": ["住址", "地址", "户口所在地"],
        "received": ["信访日期", "来信来访日期", "登记时间"],
        "channel": ["信访形式"],
        "category": ["内容分类", "信访类别"],
        "text": ["信访事项", "诉求内容", "内容摘要"],
        "case_ref": ["涉及案件", "涉及案号", "原案号"],
        "status": ["办理情况", "办理结果"],
    },
    "cases": {
        "case_id": ["部门受案号", "统一受案号"],
        "case_name": ["案件名称"],
        "charge": ["案由", "移诉案由", "罪名"],
        "name": ["姓名", "当事人姓名", "嫌疑人名称"],
        "role": ["诉讼地位", "当事人类型"],
        "sex": ["性别"],
        "birth_date": ["出生日期"],
        "id_number": ["证件号码"],
        "phone": ["联系电话"],
        "address": ["住址", "户籍地"],
        "injury": ["伤情", "伤情等级"],
        "loss": ["经济损失(元)", "损失金额"],
        "compensation": ["赔偿情况"],
        "forgiveness": ["是否谅解", "是否达成和解"],
        "plea": ["认罪认罚"],
        "summary": ["案情摘要"],
        "accepted": ["受理日期"],
        "concluded": ["审结日期", "办结日期"],
        "prosecutor": ["承办检察官"],
    },
    "relief_history": {
        "relief_id": ["救助案号"],
        "name": ["被救助人"],
        "id_number": ["证件号码"],
        "case_ref": ["原案号"],
        "amount": ["救助金额(元)"],
        "granted": ["救助日期"],
    },
}


@pytest.mark.parametrize(
    ("source", "field", "alias"),
    [
        (s, f, a)
        for s, fields in CONTRACT_ALIASES.items()
        for f, aliases in fields.items()
        for a in aliases
    ],
)
def test_every_contract_alias_maps_to_its_field(
    config: Config, source: str, field: str, alias: str
) -> None:
    assert config.source(source).header_index()[normalise_header(alias)] == field


def test_a_new_alias_in_yaml_needs_no_code_change(tmp_path: Path, config: Config) -> None:
    schemas = tmp_path / "schemas"
    shutil.copytree(Path(__file__).resolve().parents[2] / "schemas", schemas)
    sources = yaml.safe_load((schemas / "sources.yaml").read_text(encoding="utf-8"))
    sources["petitions"]["fields"]["name"].append("来访人")
    (schemas / "sources.yaml").write_text(
        yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8"
    )
    rows = [["来访人", "备注"], ["孙九", "x"]]
    frame = read_source(
        "petitions", write_csv(tmp_path / "p.csv", rows), load_config(schemas)
    ).frame
    assert frame["name"].to_list() == ["孙九"]


def test_junk_rows_are_marked_not_dropped_and_row_numbers_stay_true(
    tmp_path: Path, config: Config
) -> None:
    rows = [
        ["某县信访登记表", "", "", ""],
        ["序号", "信访件编号", "信访人", "信访事项"],
        ["1", "XF1", "张三", "困难"],
        ["", "", "", ""],
        ["序号", "信访件编号", "信访人", "信访事项"],
        ["2", "XF2", "李四", "合计"],  # 合计 inside a record's text is not a total row
        ["合 计", "", "", "2件"],
    ]
    text = "\n".join(",".join(r) for r in rows).replace("\n,,,\n", "\n\n")  # a truly empty line
    path = tmp_path / "p.csv"
    path.write_text(text + "\n", encoding="utf-8")
    frame = read_source("petitions", path, config).frame
    assert frame["row_number"].to_list() == [1, 2, 3, 4, 5]
    assert frame["row_junk"].to_list() == [None, "blank_row", "repeated_header", None, "total_row"]
    assert frame["name"].to_list()[3] == "李四"


def test_workbook_cells_arrive_as_text_as_the_export_shows_them(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "c.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("当事人")
    sheet.write_row(
        0,
        0,
        [
            "部门受案号",
            "姓名",
            "诉讼地位",
            "证件号码",
            "联系电话",
            "受理日期",
            "出生日期",
            "经济损失(元)",
        ],
    )
    sheet.write_row(1, 0, ["A1", "张三", "被害人"])
    sheet.write_string(1, 3, "'" + ID_1990)
    sheet.write_number(1, 4, 13912345678)
    sheet.write_datetime(1, 5, datetime(2024, 3, 5), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.write_number(1, 6, 32874)  # an Excel serial date typed as a number
    sheet.write_number(1, 7, 12345.5)
    book.close()
    source = read_source("cases", path, config)
    row = source.frame.row(0, named=True)
    assert (row["id_number"], row["phone"], row["loss"]) == (
        "'" + ID_1990,
        "13912345678",
        "12345.5",
    )
    assert row["accepted"].startswith("2024-03-05")
    prepared = prepare_source("cases", source.frame)
    assert prepared["id_status"][0] == "valid"
    assert prepared.select(parse_date("accepted"), parse_date("birth_date")).row(0) == (
        date(2024, 3, 5),
        date(1990, 1, 1),
    )


def test_missing_required_column_in_a_sheet_names_file_sheet_field_and_headers(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "c.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("当事人").write_row(0, 0, ["部门受案号", "姓名", "伤情"])
    book.close()
    with pytest.raises(InputError) as error:
        read_source("cases", path, config)
    assert str(error.value) == (
        "cases: c.xlsx [当事人]: required field(s) ['role'] not found "
        "(expected one of role: 诉讼地位/当事人类型); headers found: 部门受案号, 姓名, 伤情"
    )


def test_unreadable_workbook_fails_cleanly(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"cases: broken.xlsx: cannot read workbook"):
        read_source("cases", path, config)


def test_unreadable_workbook_message_is_one_line(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError) as error:
        read_source("cases", path, config)
    assert "\n" not in str(error.value) and len(str(error.value)) < 300


def test_tab_separated_unicode_text_export_is_read(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "cases.txt"
    path.write_bytes("部门受案号\t姓名\t诉讼地位\nA1\t张三\t被害人\n".encode("utf-16"))
    source = read_source("cases", path, config)
    assert source.frame.select("case_id", "name", "role").row(0) == ("A1", "张三", "被害人")
    assert source.files[0].encoding.replace("_", "-").lower().startswith("utf-16")


def test_header_without_data_rows_fails_instead_of_an_empty_lead_list(
    tmp_path: Path, config: Config
) -> None:
    path = write_csv(tmp_path / "cases.csv", [["部门受案号", "姓名", "诉讼地位"]])
    with pytest.raises(
        InputError,
        match=r"cases: cases.csv: no data rows below the header; headers found: 部门受案号",
    ):
        read_source("cases", path, config)


def test_error_messages_never_quote_a_row_that_may_be_a_person(
    tmp_path: Path, config: Config
) -> None:
    # a file with no header row: its first row is a person, and the error quotes it
    rows = [
        ["张三", "61102319900101123X", "13912345678"],
        ["李四", "611023199001011248", "13800000000"],
    ]
    path = write_csv(tmp_path / "noheader.csv", rows)
    with pytest.raises(InputError) as error:
        read_source("petitions", path, config)
    text = str(error.value)
    assert "no header row maps" in text
    assert "61102319900101123X" not in text and "13912345678" not in text
    assert "张三" not in text
    assert "first row has 3 filled cells, not shown" in text


def test_excel_row_is_the_row_a_spreadsheet_shows(tmp_path: Path, config: Config) -> None:
    # header in row 1: data row n is row n + 1
    frame = read_source("petitions", write_csv(tmp_path / "p.csv", PETITION_ROWS), config).frame
    assert frame["row_number"].to_list() == [1, 2]
    assert frame["excel_row"].to_list() == [2, 3]


def test_leading_blank_lines_of_a_csv_neither_lose_columns_nor_shift_rows(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"\r\n\r\n" + "\n".join(",".join(r) for r in PETITION_ROWS).encode())
    frame = read_source("petitions", path, config).frame
    assert frame["name"].to_list() == ["张三", "李 四"]
    assert frame["text"].to_list() == ["生活困难，申请救助", "对方至今未赔偿"]
    assert frame["excel_row"].to_list() == [4, 5]


def test_a_workbook_with_blank_and_title_rows_above_the_header_gives_its_real_rows(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "p.xlsx"
    book = xlsxwriter.Workbook(str(path))
    titled = book.add_worksheet("titled")  # rows 1-2 empty, title in row 3, header in row 5
    titled.write(2, 0, "信访件登记表（导出）")
    for r, row in enumerate(PETITION_ROWS):
        titled.write_row(4 + r, 0, row)
    plain = book.add_worksheet("plain")  # header in row 1
    for r, row in enumerate(PETITION_ROWS):
        plain.write_row(r, 0, row)
    book.close()
    frame = read_source("petitions", path, config).frame
    rows = {
        s: frame.filter(pl.col("sheet") == s)["excel_row"].to_list() for s in ("titled", "plain")
    }
    assert rows == {"titled": [6, 7], "plain": [2, 3]}
    assert frame["row_number"].to_list() == [1, 2, 1, 2]


def test_sample_monitoring_export_rows_sit_below_its_title_row(config: Config) -> None:
    frame = read_source("poverty", SAMPLE / "poverty.xlsx", config).frame
    assert (frame["excel_row"] - frame["row_number"]).unique().to_list() == [2]


CSV_BYTES_CASES = [
    # (bytes of a CSV file, the encoding reported, the UTF-8 bytes the reader is given)
    ("信访人,事项\n张三,未赔偿\n".encode(), "utf-8", "信访人,事项\n张三,未赔偿\n".encode()),
    (
        b"\xef\xbb\xbf" + "信访人\n张三\n".encode(),
        "utf-8-sig",
        b"\xef\xbb\xbf" + "信访人\n张三\n".encode(),
    ),
    (b"\xef\xbb\xbf\r\n" + "信访人\n".encode(), "utf-8-sig", "\r\n信访人\n".encode()),
    ("信访人,事项\n张三,未赔偿\n".encode("gbk"), "gbk", "信访人,事项\n张三,未赔偿\n".encode()),
    ("信访人,𠀀\n".encode("gb18030"), "gb18030", "信访人,𠀀\n".encode()),
]


@pytest.mark.parametrize(("data", "encoding", "utf8"), CSV_BYTES_CASES)
def test_csv_bytes_are_given_to_the_reader_as_utf8(data: bytes, encoding: str, utf8: bytes) -> None:
    assert _csv_utf8(data, "x") == (utf8, encoding)


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="信访人张三李四未赔偿,\n𠀀甲乙丙丁", max_size=40),
    chunk=st.integers(min_value=1, max_value=7),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_decoding_in_chunks_gives_what_decoding_at_once_gives(
    text: str, chunk: int, encoding: str
) -> None:
    """A character cut by a chunk's end is decoded whole (the chunk is 8 MB in a run)."""
    data = text.encode(encoding)
    whole, found = decode_csv_bytes(data, "x")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read_module, "_CHUNK", chunk)
        assert _csv_utf8(data, "x") == (whole.encode(), found)
