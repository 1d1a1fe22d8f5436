"""The synthetic-data generator: deterministic, self-consistent, and as messy as promised."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import polars as pl
import pytest
import yaml

from sample_data.generator import generate

SIZE, SEED = 600, 1
ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CSV_ENCODINGS = {
    "petitions.csv": "gb18030",
    "cases.csv": "utf-8-sig",
    "relief_history.csv": "utf-8-sig",
}


def is_valid_id(value: str) -> bool:
    """GB 11643 check, written independently of the generator."""
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gen_a")
    generate(SIZE, SEED, path)
    return path


@pytest.fixture(scope="module")
def exports(out: Path) -> dict[str, pl.DataFrame]:
    frames = {
        "poverty": pl.read_excel(
            out / "poverty.xlsx",
            engine="calamine",
            read_options={"header_row": 1},
            infer_schema_length=0,
        ),
    }
    for name, encoding in CSV_ENCODINGS.items():
        text = (out / name).read_bytes().decode(encoding)
        frames[name.removesuffix(".csv")] = pl.read_csv(text.encode("utf-8"), infer_schema=False)
    return frames


@pytest.fixture(scope="module")
def truth(out: Path) -> dict[str, pl.DataFrame]:
    return {
        n: pl.read_csv(out / "truth" / f"{n}.csv", infer_schema=False)
        for n in ("people", "records", "leads")
    }


def test_same_seed_and_size_give_identical_bytes(out: Path, tmp_path: Path) -> None:
    generate(SIZE, SEED, tmp_path)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in files:
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_another_seed_gives_other_people(out: Path, tmp_path: Path) -> None:
    generate(SIZE, SEED + 1, tmp_path)
    assert (out / "truth" / "people.csv").read_bytes() != (
        tmp_path / "truth" / "people.csv"
    ).read_bytes()


@pytest.mark.parametrize("source", ["poverty", "petitions", "cases", "relief_history"])
def test_records_cover_every_data_row(source: str, exports, truth) -> None:
    records = truth["records"].filter(pl.col("source") == source)
    assert records.height == exports[source].height > 0
    assert records["row_number"].cast(pl.Int64).to_list() == list(range(1, records.height + 1))
    assert records["true_person_id"].is_in(truth["people"]["true_person_id"].implode()).all()


def test_every_true_id_passes_the_check_digit(truth) -> None:
    ids = truth["people"]["id_number"].to_list()
    assert ids and all(is_valid_id(v) for v in ids)
    assert len(set(ids)) == len(ids)


def test_poverty_workbook_has_title_row_and_numeric_id_cells(out: Path) -> None:
    raw = pl.read_excel(
        out / "poverty.xlsx",
        engine="calamine",
        read_options={"header_row": None},
        infer_schema_length=0,
    )
    assert "防返贫监测对象信息明细表" in str(raw.row(0)[0])
    with zipfile.ZipFile(out / "poverty.xlsx") as book:
        assert "防返贫监测对象明细" in book.read("xl/workbook.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    header = raw.row(1)
    column = chr(ord("A") + header.index("证件号码"))
    cells = re.findall(rf'<c r="{column}\d+"([^>]*)>', sheet)
    numeric = [c for c in cells if 't="' not in c]
    assert 0.05 < len(numeric) / len(cells) < 0.25


def test_csv_encodings_are_what_real_exports_use(out: Path) -> None:
    data = (out / "petitions.csv").read_bytes()
    data.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert (out / "cases.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "relief_history.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def _header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).replace(" ", "").strip()


@pytest.mark.parametrize("source", ["poverty", "petitions", "cases", "relief_history"])
def test_headers_map_through_the_schema_aliases(source: str, exports) -> None:
    spec = yaml.safe_load((ROOT / "schemas" / "sources.yaml").read_text(encoding="utf-8"))[source]
    alias_of = {_header_key(a): f for f, aliases in spec["fields"].items() for a in (f, *aliases)}
    mapped = [
        alias_of[_header_key(h)] for h in exports[source].columns if _header_key(h) in alias_of
    ]
    assert len(mapped) == len(set(mapped)), "two headers map to one field"
    assert set(spec["required"]) <= set(mapped)


def test_enough_qualifying_leads_and_each_has_its_victim_row(exports, truth) -> None:
    leads, records = truth["leads"], truth["records"]
    qualifying = leads.filter(pl.col("qualifies") == "1")
    assert qualifying.height >= 10
    cases = exports["cases"].with_columns(
        records.filter(pl.col("source") == "cases")["true_person_id"].alias("true_person_id")
    )
    victims = cases.filter(pl.col("诉讼地位") == "被害人").select(
        pl.col("true_person_id"), pl.col("部门受案号").alias("case_id")
    )
    assert qualifying.join(victims, on=["true_person_id", "case_id"], how="anti").height == 0


def test_qualifying_pairs_pass_every_part_of_the_legal_test(truth) -> None:
    qualifying = truth["leads"].filter(pl.col("qualifies") == "1")
    assert (qualifying["uncompensated"] == "1").all()
    assert (qualifying["hardship"] == "1").all()
    assert qualifying["excluded"].is_null().all()
    assert not qualifying["harm"].is_in(["none"]).any()
    near_misses = truth["leads"].filter(pl.col("excluded").is_not_null())
    assert near_misses.height > 0


def test_many_victim_rows_state_facts_only_in_the_summary(exports) -> None:
    victims = exports["cases"].filter(pl.col("诉讼地位") == "被害人")
    empty = victims.filter(
        pl.all_horizontal(pl.col("伤情", "经济损失(元)", "赔偿情况", "是否谅解").is_null())
    )
    assert empty.height / victims.height >= 0.35


def test_rows_without_a_name_are_flagged_for_quarantine(exports, truth) -> None:
    flagged = (
        truth["records"].filter(pl.col("source") == "poverty")["expected_quarantine"]
        == "empty_name"
    )
    assert (exports["poverty"]["姓名"].is_null() == flagged.fill_null(False)).all()


def test_hard_cases_are_present_and_true_to_their_label(truth) -> None:
    people = truth["people"]
    twins = people.filter(pl.col("hard_case").str.contains("twin"))
    assert twins.height >= 2
    by_household = twins.group_by("true_household_id").agg(pl.col("birth_date").n_unique())
    assert (by_household["birth_date"] == 1).all()
    near = people.filter(pl.col("hard_case").str.contains("same_birthday_near_id"))[
        "id_number"
    ].to_list()
    assert len(near) >= 2
    for a in near:
        partners = [b for b in near if b != a and b[:14] == a[:14]]  # same region and birth date
        assert any(sum(x != y for x, y in zip(a, b, strict=True)) == 2 for b in partners), a


def test_petitions_often_lack_an_id_number(exports) -> None:
    missing = exports["petitions"]["证件号码"].is_null().mean()
    assert 0.35 < missing < 0.65


# --- the cases linking must get right (issue 15) ------------------------------------------


def _export(path: Path, source: str) -> pl.DataFrame:
    if source == "poverty":
        return pl.read_excel(
            path / "poverty.xlsx",
            engine="calamine",
            read_options={"header_row": 1},
            infer_schema_length=0,
        )
    name = f"{source}.csv"
    text = (path / name).read_bytes().decode(CSV_ENCODINGS[name])
    return pl.read_csv(text.encode("utf-8"), infer_schema=False)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """A county large enough to hold every hard case: each export's name and ID per row,
    with the row's true person, and truth/people.csv."""
    path = tmp_path_factory.mktemp("gen_cases")
    generate(3000, 3, path)
    records = pl.read_csv(path / "truth" / "records.csv", infer_schema=False)
    rows = {"people": pl.read_csv(path / "truth" / "people.csv", infer_schema=False)}
    for source, name in (("poverty", "姓名"), ("petitions", "信访人"), ("cases", "姓名")):
        truth_ids = records.filter(pl.col("source") == source)["true_person_id"]
        rows[source] = _export(path, source).select(
            pl.col(name).alias("row_name"),
            pl.col("证件号码").alias("row_id"),
            truth_ids.alias("true_person_id"),
        )
    return rows


def _tagged(county: dict[str, pl.DataFrame], tag: str) -> pl.DataFrame:
    return county["people"].filter(pl.col("hard_case").str.contains(tag))


def test_renamed_people_keep_the_former_name_in_the_monitoring_export(county) -> None:
    renamed = _tagged(county, "renamed").select("true_person_id", "name")
    assert renamed.height >= 3
    listed = county["poverty"].join(renamed, on="true_person_id")
    assert listed.height > 0
    assert (listed["row_name"] != listed["name"]).all()


def test_name_typos_keep_the_id_and_are_one_character_off(county) -> None:
    typo = _tagged(county, "name_typo").select("true_person_id", "name", "id_number")
    assert typo.height >= 2
    rows = pl.concat([county["petitions"], county["cases"]]).join(typo, on="true_person_id")
    off = rows.filter(
        (pl.col("row_name").str.len_chars() == pl.col("name").str.len_chars())
        & (pl.col("row_name") != pl.col("name"))
        & pl.col("row_id").is_not_null()
    )
    assert off.height >= 1
    for row_name, name in off.select("row_name", "name").iter_rows():
        assert sum(a != b for a, b in zip(row_name, name, strict=True)) == 1


def test_children_petition_by_their_own_id(county) -> None:
    children = _tagged(county, "child_petition_own_id").select("true_person_id", "id_number")
    assert children.height >= 1
    own = county["petitions"].join(children, on="true_person_id")
    assert own.height >= 1
    assert own["row_id"].is_not_null().all()


def test_namesakes_of_one_village_and_villages_of_one_name(county) -> None:
    people = county["people"]
    assert _tagged(county, "village_namesake").height >= 10
    places = people.select("town", "village").unique()
    repeated = places.group_by("village").agg(pl.col("town").n_unique()).filter(pl.col("town") > 1)
    assert repeated.height >= 1


def test_the_hard_profile_is_harder(tmp_path: Path) -> None:
    from sample_data.generator.profile import HARD

    generate(1500, 5, tmp_path, profile=HARD)
    petitions = pl.read_csv(
        (tmp_path / "petitions.csv").read_bytes().decode("gb18030").encode(), infer_schema=False
    )
    assert petitions["证件号码"].is_null().mean() > 0.7
    people = pl.read_csv(tmp_path / "truth" / "people.csv", infer_schema=False)
    assert people["hard_case"].str.contains("moved").sum() > 0


def test_counties_spread_the_people_over_that_many_counties(tmp_path: Path) -> None:
    # a million people in three counties is --size 780000 --counties 3; the same at a
    # size one county would hold
    generate(1500, 5, tmp_path, counties=2)
    people = pl.read_csv(tmp_path / "truth" / "people.csv", infer_schema=False)
    assert people.filter(pl.col("county").is_not_null())["county"].n_unique() == 2
