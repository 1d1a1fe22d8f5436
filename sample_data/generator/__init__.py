"""Deterministic synthetic exports (poverty, petitions, cases, relief history) with ground truth.

    python -m sample_data.generator --size 3000 --seed 20261129 --out sample_data

Same size and seed give byte-identical files. See sample_data/README.md.
"""

from __future__ import annotations

from pathlib import Path

from sample_data.generator import case_rows, exports, petitions, poverty, practice, relief, truth
from sample_data.generator.population import EXPORT_DATE
from sample_data.generator.profile import ORDINARY, Profile
from sample_data.generator.table import Table
from sample_data.generator.world import build_world

XLSX_MAX_ROWS = 200_000  # above this, poverty is written as one CSV per county in poverty/


def _write_poverty(world, size: int, out: Path, per_county_csv: bool = False) -> list[Table]:
    """poverty.xlsx, or one GB18030 CSV per county in poverty/ for province-scale sizes."""
    rng, pop = world.rngs["exports"], world.pop
    geo = pop.geo
    if size <= XLSX_MAX_ROWS and not per_county_csv:
        table = poverty.poverty_table(rng, pop)
        place = (
            geo.county_names[0]
            if len(geo.county_names) == 1
            else f"{geo.county_cities[0]}等{len(geo.county_names)}县"
        )
        table.title = f"{place}防返贫监测对象信息明细表（导出时间：{EXPORT_DATE}）"
        exports.write_xlsx(table, out / "poverty.xlsx")
        return [table.release()]
    (out / "poverty").mkdir(exist_ok=True)
    tables = []
    for county, code in enumerate(geo.county_codes):
        table = poverty.poverty_table(rng, pop, county)
        table.file, table.sheet = f"poverty_{code}.csv", ""
        exports.write_csv(table, out / "poverty" / table.file, "gb18030")
        tables.append(table.release())
    return tables


def generate(
    size: int,
    seed: int,
    out: Path,
    cases: int | None = None,
    petitions_target: int | None = None,
    per_county_csv: bool = False,
    profile: Profile = ORDINARY,
    counties: int | None = None,
) -> dict[str, int]:
    """Write every export and the truth files into `out`; return data rows per file.

    `cases` (number of cases, ~2.7 party rows each) and `petitions_target` (about the rows of
    petitions.csv) default to 0.1 x size and 0.17 x size. `per_county_csv` writes the poverty
    export as per-county CSVs at any size (benchmarks compare sizes on the same reader);
    `profile` sets how hard the county is for linking (sample_data/generator/profile.py);
    `counties` spreads the people over that many counties (default: one per ~60,000 rows).
    """
    world = build_world(size, seed, cases, petitions_target, profile, counties)
    rng, pop = world.rngs["exports"], world.pop
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    tables = _write_poverty(world, size, out, per_county_csv)
    # Each table is written as soon as it is built and its cells released: memory stays flat.
    for build, encoding in (
        (lambda: petitions.petition_table(rng, pop, world.petitions), "gb18030"),
        (lambda: case_rows.case_table(rng, pop, world.cases), "utf-8-sig"),
        (lambda: relief.relief_table(rng, pop, world.cases), "utf-8-sig"),
    ):
        table = build()
        exports.write_csv(table, out / table.file, encoding)
        tables.append(table.release())
    truth.write_records(out / "truth" / "records.csv", tables)
    truth.write_people(out / "truth" / "people.csv", pop, tables)
    truth.write_leads(out / "truth" / "leads.csv", world.cases, world.practices)
    practice.write_practices(
        out / "truth" / "county_practice.csv", world.pop.geo.county_names, world.practices
    )
    counts = {t.file: t.n_rows for t in tables}
    counts["qualifying_pairs"] = sum(f.qualifies for c in world.cases for f in c.victims)
    counts["county_accepted_pairs"] = sum(
        practice.county_accepts(f, c, world.practices[c.county])
        for c in world.cases
        for f in c.victims
    )
    return counts
