"""Row rules: junk and unusable rows quarantined with a reason, damaged fields kept and flagged,
counts reconciled, the quarantine limit stopping the run with the steward summary."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import polars as pl
import pytest

from pipeline.cli import EXIT_BAD_INPUT, main
from pipeline.config import Config, SuiteSpec
from pipeline.ingest.read import read_source
from pipeline.normalise.ids import id_check_char
from pipeline.normalise.prepare import prepare_source
from pipeline.outputs.masking import mask_id
from pipeline.state import RunInputs
from pipeline.validate.expectations import date_status, duplicate_key
from pipeline.validate.report import steward_summary
from pipeline.validate.results import validation_results
from pipeline.validate.rows import (
    QUARANTINE_SCHEMA,
    _reason_rules,
    count_per_file,
    describe_flag,
    quarantine_limit_breaches,
    rows_per_file,
    validate_rows,
)
from tests.conftest import write_csv

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
FULL_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def valid_id(first17: str) -> str:
    return first17 + id_check_char(first17)


GOOD = valid_id("61102319800101123")
BAD_CHECK = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
CASE_HEADER = [
    "序号",
    "部门受案号",
    "姓名",
    "诉讼地位",
    "证件号码",
    "联系电话",
    "受理日期",
    "是否谅解",
]
# (row, expected rule when quarantined, expected flags when kept)
CASE_ROWS: list[tuple[list[str], str | None, str | None]] = [
    (["1", "A1", "张三", "被害人", GOOD, "13912345678", "2024-03-05", "否"], None, None),
    (["2", "A1", "李四", "被告人", BAD_CHECK, "", "2024/3/5", "是"], None, "id_bad_check"),
    (
        ["3", "A1", "王五", "证人", "611023198001011200", "", "20240305", ""],
        None,
        "id_excel_damaged",
    ),
    (["4", "A2", "赵六", "被害人", "", "", "2024-02-30", ""], None, "date_unparseable_accepted"),
    (["5", "A2", "钱七", "被害人", "", "", "2091-01-01", ""], None, "date_implausible_accepted"),
    (
        ["6", "A2", "孙八", "受害者", "", "", "2024-01-01", "可能"],
        None,
        "vocab_role,vocab_forgiveness",
    ),
    (["", "", "", "", "", "", "", ""], "blank_row", None),
    (CASE_HEADER, "repeated_header", None),
    (["合计", "", "", "", "", "", "", ""], "total_row", None),
    (["7", "A3", "", "被害人", GOOD, "", "2024-01-01", ""], "missing_name", None),
    (["8", "A3", "周九", "", "", "", "2024-01-01", ""], "missing_role", None),
    (["9", "A3", "吴十", "被害人", "61102319800101", "", "2024-01-01", ""], "id_bad_shape", None),
    # filled but not a name: said so, never "empty"
    (["10", "A3", "=1+1", "被害人", GOOD, "", "2024-01-01", ""], "unusable_name", None),
    (["11", "A3", GOOD, "被害人", "", "", "2024-01-01", ""], "unusable_name", None),
]


@pytest.fixture
def cases_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "cases.csv", [CASE_HEADER, *(row for row, _, _ in CASE_ROWS)], "gbk"
    )


@pytest.fixture
def validated(cases_csv: Path, config: Config) -> tuple:
    source = read_source("cases", cases_csv, config)
    frame = prepare_source("cases", source.frame)
    result = validate_rows("cases", frame, config.source("cases"), config.suites["cases"])
    count_per_file(source.files, result)
    return source, result


def test_every_row_is_accepted_or_quarantined_with_its_rule(validated: tuple) -> None:
    source, result = validated
    rules = dict(zip(result.quarantined["row_number"], result.quarantined["rule"], strict=True))
    expected = {i: rule for i, (_, rule, _) in enumerate(CASE_ROWS, 1) if rule}
    assert rules == expected
    assert result.quarantined.schema == pl.Schema(QUARANTINE_SCHEMA)
    assert result.quarantined["reason"].null_count() == 0
    report = source.files[0]
    assert (report.rows_read, report.rows_accepted, report.rows_quarantined) == (
        len(CASE_ROWS),
        6,
        8,
    )


def test_a_filled_name_that_is_no_name_is_quoted_not_called_empty(validated: tuple) -> None:
    _, result = validated
    reasons = dict(zip(result.quarantined["row_number"], result.quarantined["reason"], strict=True))
    assert reasons[13] == "“姓名”一栏不含文字，不能作为姓名：=1+1"
    assert "为空" not in reasons[13]
    assert not FULL_ID.search(reasons[14]) and reasons[14].endswith("******")
    assert reasons[10] == "必填字段“姓名”（name）为空"


def test_damaged_but_usable_fields_are_kept_and_flagged(validated: tuple) -> None:
    _, result = validated
    flags = dict(zip(result.accepted["row_number"], result.accepted["flags"], strict=True))
    expected = {i: flag for i, (_, rule, flag) in enumerate(CASE_ROWS, 1) if rule is None}
    assert flags == expected
    assert "row_junk" not in result.accepted.columns


def test_bad_shape_reason_shows_only_a_masked_id(validated: tuple) -> None:
    _, result = validated
    reason = result.quarantined.filter(pl.col("rule") == "id_bad_shape")["reason"][0]
    assert "611023******01" in reason and "61102319800101" not in reason


def test_duplicates_are_flagged_not_dropped(tmp_path: Path, config: Config) -> None:
    rows = [["信访件编号", "信访人"], ["XF1", "张三"], ["XF1", "张三"], ["XF2", "李四"]]
    frame = prepare_source(
        "petitions", read_source("petitions", write_csv(tmp_path / "p.csv", rows), config).frame
    )
    result = validate_rows(
        "petitions", frame, config.source("petitions"), config.suites["petitions"]
    )
    assert result.accepted["flags"].to_list() == [
        "duplicate_petition_id",
        "duplicate_petition_id",
        None,
    ]


def test_a_key_date_can_be_made_a_quarantine_rule(
    validated: tuple, cases_csv: Path, config: Config
) -> None:
    suite = config.suites["cases"]
    strict = suite.model_copy(
        update={
            "dates": {
                "accepted": suite.dates["accepted"].model_copy(update={"on_bad": "quarantine"})
            }
        }
    )
    frame = prepare_source("cases", read_source("cases", cases_csv, config).frame)
    result = validate_rows("cases", frame, config.source("cases"), strict)
    bad = result.quarantined.filter(pl.col("rule") == "bad_date_accepted")
    assert bad["row_number"].to_list() == [4, 5]


@pytest.mark.parametrize(
    ("flag", "text"),
    [
        ("id_bad_check", "校验位"),
        ("vocab_role", "role"),
        ("date_implausible_accepted", "accepted"),
        ("duplicate_x", "重复"),
    ],
)
def test_every_flag_has_a_meaning(flag: str, text: str) -> None:
    assert text in describe_flag(flag)


def test_steward_summary_has_counts_rules_and_only_masked_values(
    validated: tuple, config: Config
) -> None:
    source, result = validated
    results = validation_results({"cases": source.files}, {"cases": result}, None, config)
    text = steward_summary(results)
    assert "| cases.csv | gbk | 14 | 6 | 8 | 5 |" in text
    for rule in (
        "blank_row",
        "total_row",
        "repeated_header",
        "missing_name",
        "id_bad_shape",
        "id_bad_check",
        "vocab_role",
    ):
        assert rule in text
    assert "受害者" in text  # a category value is shown as the example of its flag
    assert "611023**********" in text
    assert not FULL_ID.search(text) and not FULL_PHONE.search(text)
    assert "张三" not in text


def test_quarantine_limit_names_the_source_share_and_main_rule(
    validated: tuple, config: Config
) -> None:
    source, result = validated
    breaches = quarantine_limit_breaches(config, {"cases": source.files}, {"cases": result})
    assert len(breaches) == 1
    assert breaches[0].startswith("cases: 8 of 14 rows quarantined (57.1% > limit 20.0%)")


def _sample_with(cases: Path) -> list[str]:
    return [
        "--poverty",
        str(SAMPLE / "poverty.xlsx"),
        "--petitions",
        str(SAMPLE / "petitions.csv"),
        "--cases",
        str(cases),
    ]


def test_limit_stops_the_run_with_the_summary_and_latest_does_not_move(
    cases_csv: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = tmp_path / "runs"
    (out / "older").mkdir(parents=True)
    (out / "latest").symlink_to("older", target_is_directory=True)
    with caplog.at_level(logging.INFO, logger="relief_leads"):
        code = main(["run", *_sample_with(cases_csv), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_BAD_INPUT
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "cases: 8 of 14 rows quarantined" in err and "summary.md" in err
    failed = [p for p in out.iterdir() if p.name.endswith("-FAILED")]
    assert len(failed) == 1
    summary = (failed[0] / "validation" / "summary.md").read_text(encoding="utf-8")
    assert "RUN STOPPED" in summary and "cases: 8 of 14" in summary
    assert list((failed[0] / "validation" / "data_docs").rglob("*.html"))
    page = (failed[0] / "validation" / "report.html").read_text(encoding="utf-8")
    assert 'id="stopped"' in page and "cases: 8 of 14" in page
    assert not (failed[0] / "candidates.csv").exists()
    assert (out / "latest").resolve().name == "older"
    assert not [p for p in out.iterdir() if p.name.endswith(".partial")]
    logged = caplog.text + err
    assert not FULL_ID.search(logged) and not FULL_PHONE.search(logged)


def test_consuming_validation_gives_the_same_rows_and_empties_the_prepared_frame(
    cases_csv: Path, config: Config
) -> None:
    frame = prepare_source("cases", read_source("cases", cases_csv, config).frame)
    spec, suite = config.source("cases"), config.suites["cases"]
    copied = validate_rows("cases", frame, spec, suite)
    moved = validate_rows("cases", frame, spec, suite, consume=True)
    assert moved.accepted.equals(copied.accepted)
    assert moved.quarantined.equals(copied.quarantined)
    assert frame.width == 0  # its columns went into the accepted rows, none is held twice


def test_per_file_counts_need_no_filter_of_the_rows(validated: tuple) -> None:
    source, result = validated
    counted = rows_per_file(result.accepted)
    assert counted == {(r.file, r.sheet): r.rows_accepted for r in source.files}


def _flags_over_every_row(suite: SuiteSpec, frame: pl.DataFrame) -> pl.Series:
    """The flags as they were written before `row_flags`: text for every row and flag."""
    flags = [
        pl.when(pl.col("id_status") == s).then(pl.lit(f"id_{s}"))
        for s in ("bad_check", "excel_damaged", "legacy15")
    ]
    for field, rule in suite.dates.items():
        if rule.on_bad == "flag" and field in frame.columns:
            status = date_status(field, rule)
            bad = status.is_in(["unparseable", "implausible"])
            flags.append(pl.when(bad).then(pl.lit("date_") + status + f"_{field}"))
    for field, values in suite.vocabularies.items():
        if field in frame.columns:
            odd = pl.col(field).is_not_null() & ~pl.col(field).is_in(list(values))
            flags.append(pl.when(odd).then(pl.lit(f"vocab_{field}")))
    for name, fields in suite.unique.items():
        key = duplicate_key(fields)
        flags.append(
            pl.when(key.is_not_null() & key.is_duplicated()).then(pl.lit(f"duplicate_{name}"))
        )
    joined = pl.concat_str(flags, separator=",", ignore_nulls=True).replace("", None)
    return frame.select(joined.alias("flags")).to_series()


@pytest.mark.parametrize("source", ["poverty", "petitions", "cases", "relief_history"])
def test_flags_and_reasons_are_those_of_every_row_checked_in_full(
    source: str, config: Config
) -> None:
    """Flags written for the flagged rows only, and reasons for the quarantined rows only,
    are what the rules give when applied to every row (the sample, plus a copy of its
    first rows so that keys repeat)."""
    path = RunInputs.sample().by_source()[source]
    frame = prepare_source(source, read_source(source, path, config).frame)
    frame = pl.concat([frame, frame.head(5)])
    spec, suite = config.source(source), config.suites[source]
    checked = validate_rows(source, frame, spec, suite)
    assert checked.accepted["flags"].null_count() < checked.accepted.height
    expected = _flags_over_every_row(suite, checked.accepted.drop("flags"))
    assert checked.accepted["flags"].equals(expected)
    reasons = frame.with_columns(mask_id("id_number").alias("id_masked")).select(
        _first_rule(_reason_rules(spec, suite, frame))
    )
    assert checked.quarantined.select("rule", "reason").equals(reasons.drop_nulls("rule"))


def _first_rule(rules: list[tuple[str, pl.Expr, pl.Expr]]) -> list[pl.Expr]:
    rule, reason = pl.lit(None, dtype=pl.Utf8), pl.lit(None, dtype=pl.Utf8)
    for name, condition, text in reversed(rules):
        rule = pl.when(condition).then(pl.lit(name)).otherwise(rule)
        reason = pl.when(condition).then(text).otherwise(reason)
    return [rule.alias("rule"), reason.alias("reason")]
