"""Read, normalise and check one input file on a worker; put a source back together on the driver.

A worker reads one export file (`read_file_sheets`), normalises it (`prepare_source`) and
applies the row rules (`validate_rows`), then writes three parquet files to the work dir:
the accepted rows, the quarantined rows, and the derived view Great Expectations checks.
Every row rule reads one row, so the file gives the rows the whole source would; the one
check that needs the whole source, duplicate keys (`unique` in schemas/suites/), is left
out on the worker and added on the driver (`with_duplicate_flags`), last, as
`validate_rows` orders its flags.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from pipeline.coded import CODED_SOURCES, coded
from pipeline.config import Config, SuiteSpec
from pipeline.errors import InputError
from pipeline.ingest.read import (
    JUNK_COLUMN,
    CsvPart,
    FileReport,
    csv_part_plan,
    list_input_files,
    read_file_sheets,
    utf8_file,
)
from pipeline.normalise.prepare import prepare_source
from pipeline.outputs.masking import mask_digit_runs
from pipeline.validate.expectations import expectation_view
from pipeline.validate.rows import ValidatedSource, validate_rows
from pipeline.validate.sliced import duplicate_flags, duplicate_hashes
from pipeline.validate.sliced import with_duplicate_flags as with_repeated_flags

MUST_HAVE_ROWS = ("poverty", "petitions", "cases")


@dataclass(frozen=True)
class InputFile:
    """One export file of one source, as a worker is asked to read it."""

    source: str
    path: str
    file_name: str  # as `read_source` names it: relative to the folder given
    index: int
    part: int = 0  # which part of a large CSV (`csv_parts`)
    csv: CsvPart | None = None


@dataclass(frozen=True)
class CheckedFile:
    """Where a worker wrote a file's rows, and what it read (counts and headers only)."""

    file: InputFile
    reports: list[FileReport]
    accepted: str
    quarantined: str
    view: str | None


def input_files(inputs: dict[str, Path]) -> list[InputFile]:
    """Every file of every source, in `read_source`'s order."""
    files: list[InputFile] = []
    for source, path in inputs.items():
        root = path if path.is_dir() else path.parent
        for file_path in list_input_files(path, source):
            name = str(file_path.relative_to(root)) if path.is_dir() else file_path.name
            files.append(InputFile(source, str(file_path), name, len(files)))
    return files


def csv_parts(item: InputFile, config: Config, work: Path) -> list[InputFile]:
    """A CSV export larger than `csv_split_bytes` (schemas/partitioning.yaml) as parts of
    `csv_part_rows` rows, each read by one worker as the whole file would be read (run on the
    driver, streaming: the file is never in memory); any other file as it is."""
    rules, path = config.partitioning, Path(item.path)
    if path.suffix.lower() != ".csv" or path.stat().st_size <= rules.csv_split_bytes:
        return [item]
    found = utf8_file(path, Path(work) / "utf8" / f"{item.index:05d}.csv")
    if found is None:
        return [item]
    spec = config.source(item.source)
    plan = csv_part_plan(
        path,
        found[0],
        found[1],
        spec.header_index(),
        config.pipeline.header_scan_rows,
        rules.csv_part_rows,
    )
    return [replace(item, part=i, csv=part) for i, part in enumerate(plan)] or [item]


def check_file(item: InputFile, config: Config, work: Path) -> CheckedFile:
    """Read, normalise and apply the row rules to one file; write its parquet files."""
    spec = config.source(item.source)
    sheets = read_file_sheets(
        item.source,
        Path(item.path),
        item.file_name,
        spec,
        spec.header_index(),
        config.pipeline.header_scan_rows,
        item.csv,
    )
    frame = prepare_source(item.source, pl.concat([f for f, _ in sheets], how="vertical"))
    suite = config.suites.get(item.source)
    checked = validate_rows(item.source, frame, spec, _without_unique(suite))
    stem = Path(work) / "files" / f"{item.index:05d}-{item.part:04d}-{item.source}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    checked.accepted.write_parquet(f"{stem}.accepted.parquet")
    checked.quarantined.write_parquet(f"{stem}.quarantined.parquet")
    view = None
    if suite is not None:
        records = frame.filter(pl.col(JUNK_COLUMN).is_null())
        view = f"{stem}.view.parquet"
        expectation_view(records, spec, suite).write_parquet(view)
    return CheckedFile(
        item,
        [r for _, r in sheets],
        f"{stem}.accepted.parquet",
        f"{stem}.quarantined.parquet",
        view,
    )


def _without_unique(suite: SuiteSpec | None) -> SuiteSpec | None:
    return None if suite is None else suite.model_copy(update={"unique": {}})


def source_reports(checked: list[CheckedFile], source: str) -> list[FileReport]:
    """The source's file reports, a large CSV's parts as one report (their rows added)."""
    out: list[FileReport] = []
    for c in checked:
        if c.file.source != source:
            continue
        if c.file.part and out:
            out[-1] = replace(out[-1], rows_read=out[-1].rows_read + c.reports[0].rows_read)
        else:
            out.extend(c.reports)
    return out


def checked_source(checked: list[CheckedFile], source: str, config: Config) -> ValidatedSource:
    """A source's accepted and quarantined rows, in file order, with its duplicate flags;
    the rows of a source without free text coded a file at a time (pipeline/coded.py)."""
    mine = [c for c in checked if c.file.source == source]
    reports = source_reports(checked, source)
    if sum(r.rows_read for r in reports) == 0 and source in MUST_HAVE_ROWS:
        headers = ", ".join(reports[0].headers_found) if reports else "(none)"
        raise InputError(
            f"{source}: {Path(mine[0].file.path).name}: no data rows below the header; "
            f"headers found: {mask_digit_runs(headers)}"
        )
    parts = (pl.read_parquet(c.accepted) for c in mine)
    if source in CODED_SOURCES:  # as in one process, a file at a time
        parts = (coded(part) for part in parts)
    accepted = pl.concat(list(parts), how="vertical_relaxed")
    quarantined = pl.concat([pl.read_parquet(c.quarantined) for c in mine], how="vertical")
    suite = config.suites.get(source)
    return ValidatedSource(with_duplicate_flags(accepted, suite), quarantined)


def with_duplicate_flags(accepted: pl.DataFrame, suite: SuiteSpec | None) -> pl.DataFrame:
    """`flags` plus `duplicate_<name>` where a key of the suite repeats across the source
    (the same flags a sliced validation adds, pipeline/validate/sliced.py)."""
    repeated = duplicate_flags(duplicate_hashes(accepted, suite))
    return accepted if repeated is None else with_repeated_flags(accepted, repeated)


def source_view(checked: list[CheckedFile], source: str) -> pl.DataFrame | None:
    views = [c.view for c in checked if c.file.source == source and c.view is not None]
    return pl.concat([pl.read_parquet(v) for v in views], how="vertical") if views else None
