"""Ground truth written beside the exports: people, record -> person, and leads."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl

from sample_data.generator.cases import Case
from sample_data.generator.latent import describe
from sample_data.generator.population import RELATIONS, Population
from sample_data.generator.practice import county_accepts
from sample_data.generator.table import Table

_GROUPS = np.array(["general", "tuopin", "monitored"], dtype=object)


def person_keys(pids: np.ndarray) -> pl.Series:
    return "P" + pl.Series(pids).cast(pl.Utf8).str.zfill(7)


def person_key(pid: int) -> str:
    return f"P{pid:07d}"


def _write_frame(frame: pl.DataFrame, path: Path) -> None:
    # Empty text as an empty field, not "" (polars quotes empty strings).
    frame.with_columns(pl.col(pl.Utf8).replace("", None)).write_csv(path, line_terminator="\n")


def write_records(path: Path, tables: list[Table]) -> None:
    """One line per data row of every export file."""
    frames = [
        pl.DataFrame(
            {
                "source": [t.source] * t.n_rows,
                "file": [t.file] * t.n_rows,
                "sheet": [t.sheet] * t.n_rows,
                "row_number": np.arange(1, t.n_rows + 1),
                "true_person_id": person_keys(t.pids),
                "expected_quarantine": t.flags or [""] * t.n_rows,
            }
        )
        for t in tables
    ]
    _write_frame(pl.concat(frames), path)


def write_people(path: Path, pop: Population, tables: list[Table]) -> None:
    """Everyone who appears in an export, plus every hard case (a twin's sibling may not)."""
    hard = np.array(sorted(pop.hard_cases), dtype=np.int64)
    pids = np.unique(np.concatenate([t.pids for t in tables] + [hard]))
    hid = pop.hid[pids]
    hh, geo = pop.households, pop.geo
    village = hh["village"][hid]
    frame = pl.DataFrame(
        {
            "true_person_id": person_keys(pids),
            "true_household_id": "H" + pl.Series(hid).cast(pl.Utf8).str.zfill(7),
            "name": pop.names.gather(pids),
            "id_number": pop.id_numbers.gather(pids),
            "sex": np.where(pop.is_male[pids], "M", "F"),
            "birth_date": pop.birth[pids].astype(str),
            "county": np.array(geo.county_names, dtype=object)[hh["county"][hid]].tolist(),
            "town": geo.village_town[village].tolist(),
            "village": geo.village_name[village].tolist(),
            "phone": pop.phone[pids].astype(str),
            "relation": RELATIONS[pop.relation[pids]].tolist(),
            "household_group": _GROUPS[hh["group"][hid]].tolist(),
            "hard_case": [";".join(pop.hard_cases.get(p, [])) for p in pids.tolist()],
        }
    )
    shared = pl.Series(_village_namesakes(pop)[pids])
    frame = frame.with_columns(
        pl.when(shared)
        .then(pl.concat_str(pl.col("hard_case"), pl.lit("village_namesake"), separator=";"))
        .otherwise(pl.col("hard_case"))
        .str.strip_chars(";")
        .alias("hard_case")
    )
    _write_frame(frame, path)


def _village_namesakes(pop: Population) -> np.ndarray:
    """Per person: someone else of the same village bears the same name."""
    people = pl.DataFrame({"village": pop.households["village"][pop.hid], "name": pop.names})
    return people.select(pl.len().over("village", "name") > 1).to_series().to_numpy()


def write_leads(path: Path, cases: list[Case], practices: list[tuple[str, ...]]) -> None:
    """One line per (victim, case) with the legal test's inputs and outcome, and the decision
    of the case's county under its practice (`practices`, per county: practice.py)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            [
                "true_person_id",
                "case_id",
                "qualifies",
                "harm",
                "uncompensated",
                "hardship",
                "excluded",
                "charge",
                "note",
                "county_accepts",
            ]
        )
        for case in cases:
            for f in case.victims:
                writer.writerow(
                    (
                        person_key(f.pid),
                        case.case_id,
                        int(f.qualifies),
                        f.harm,
                        int(f.uncompensated),
                        int(f.hardship),
                        f.excluded,
                        case.charge,
                        describe(f),
                        int(county_accepts(f, case, practices[case.county])),
                    )
                )
