"""The linkage table: one row per accepted input row, with the columns comparisons read.

Besides the normalised fields of pipeline/prepare.py, some columns are derived here for
linking only:

- `case_key`: the case a row is about, as the 部门受案号 of the cases export. Cases rows
  carry it; a relief row's 原案号 and a petition's 涉及案件 are resolved to it when they
  give the case number, a case name that names one case, or a case name several cases
  share together with the name of a party of one of them (a masked name, 无 or a court's
  civil case number resolve to nothing).
- `id_body`: the region code and birth date of an 18-digit ID, the digits Excel and a
  float both keep, so that a damaged number can be compared with one that has a typo.
- `hamlet`: the 组 (natural village) from the monitoring export's column or from the
  address text, as a number.
- An ID number that is another person's (a household head's number copied into a
  member's row) is dropped: the row links on its stated birth date, name and place. It
  is another's when its birth date contradicts the row's stated 出生日期 in more than two
  characters, when it is valid but of the other sex than the stated 性别, or when members
  of one household in the monitoring export hold it (it stays on the 户主's row). A birth
  date one or two characters apart is an entry error in one of them: the ID stays,
  untrusted. Outside the monitoring export, a valid ID whose birth date disagrees with the
  stated one is the row's, trusted, when another row holds it under the row's name: the
  typed 出生日期 is the error (pipeline/link/disputed_ids.py). A petition's, case's or
  relief row's ID is another's too when a household of the monitoring export holds it
  under another name and has a member of the row's name (the household's number written
  into a member's case file). A monitoring row's ID whose birth date contradicts the
  row's relation to the head is another's (pipeline/link/relations.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.config import Vocabulary
from pipeline.link.case_refs import case_lookup, party_case_lookup, with_case_key
from pipeline.link.disputed_ids import DISPUTED_FAR, DISPUTED_NEAR, with_disputed_ids_resolved
from pipeline.link.household_ages import with_birth_bounds
from pipeline.link.relations import drop_ids_contradicting_relation, drop_ids_where
from pipeline.normalise.dates import parse_date

LINKED_SOURCES = ("poverty", "petitions", "cases", "relief_history")
# younger than this on the latest petition date, a person's rows do not link to petitions
MIN_PETITIONER_AGE = 16

# The columns of few values are categoricals (pipeline/coded.py): 4 bytes a row instead of a
# 16-byte view, 0.34 GB less at 2.3 M rows in the link stage (docs/scale.md, session 12).
# The linker compares, joins and hashes them as it did the text; the same links result.
RECORD_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "idx": pl.UInt32,
    "record_key": pl.Utf8,
    "source": pl.Categorical(),
    "name_norm": pl.Utf8,
    "name_pinyin": pl.Utf8,
    "surname_pinyin": pl.Categorical(),
    "id_norm": pl.Utf8,
    "id_status": pl.Categorical(),
    "id_trusted": pl.Boolean,
    "id_float_like": pl.Boolean,
    "id_damaged": pl.Boolean,
    "trusted_id": pl.Utf8,
    "id_head": pl.Categorical(),
    "id_tail": pl.Utf8,
    "id_body": pl.Utf8,
    "birth": pl.Date,
    "birth_low": pl.Date,
    "birth_high": pl.Date,
    "sex_norm": pl.Categorical(),
    "phone_norm": pl.Utf8,
    "county": pl.Categorical(),
    "town": pl.Categorical(),
    "village": pl.Categorical(),
    "hamlet": pl.Categorical(),
    "case_key": pl.Utf8,
    "household_id": pl.Utf8,
    "person_no": pl.Utf8,
    "monitoring_person": pl.Utf8,
    "age_class": pl.Categorical(),
    "petition_row": pl.Boolean,
}

# What `source_records` reads of a source's prepared rows (a column it misses is taken as
# empty: a test checks that the rows cut to these columns give the same part).
LINKAGE_INPUT_COLUMNS = frozenset(
    {
        "record_key", "source", "name_norm", "name_pinyin", "id_norm", "id_status",
        "id_trusted", "id_birth", "id_sex", "birth", "birth_date", "sex", "sex_norm",
        "phone_norm", "county", "town", "village", "hamlet", "address", "household_id",
        "person_no", "relation", "case_id", "case_ref", "school",
    }
)  # fmt: skip

# Excel keeps 15 significant digits of an 18-digit ID and a float about 16, but rounding can
# carry into the 15th: the region code and birth date (14 digits) survive either.
ID_KEPT_DIGITS = 14

# A birth date this many characters (of YYYYMMDD) from the ID's is another person's ID.
FOREIGN_ID_BIRTH_EDITS = 3

_SEX_WORDS = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"}
_DIGITS = "零一二三四五六七八九"
_NUMERALS = {str(n): str(n) for n in range(1, 100)}
_NUMERALS |= {_DIGITS[n]: str(n) for n in range(1, 10)}
_NUMERALS |= {"十": "10"} | {f"十{_DIGITS[n]}": str(10 + n) for n in range(1, 10)}
_NUMERALS |= {f"{_DIGITS[t]}十": str(10 * t) for t in range(2, 10)}
_NUMERALS |= {
    f"{_DIGITS[t]}十{_DIGITS[n]}": str(10 * t + n) for t in range(2, 10) for n in range(1, 10)
}
_HAMLET = r"(?:村|社区)([0-9一二三四五六七八九十]{1,3})(?:组|队|社)"


def id_float_like(column: str) -> pl.Expr:
    """An 18-digit ID that looks like it went through a float, even if its check digit passes.

    Excel keeps 15 significant digits (`…000`); a number cell read back gives the float's
    exact value, which is a multiple of its spacing (128 at this size). A genuine ID has
    these shapes by chance about once in 110, and then only loses its trust as a unique
    key for linking; it still links on every other field.
    """
    digits = pl.col(column).cast(pl.UInt64, strict=False)
    round_trip = digits.cast(pl.Float64).cast(pl.UInt64, strict=False)
    return (
        digits.is_not_null() & ((round_trip == digits) | pl.col(column).str.ends_with("000"))
    ).fill_null(False)


def hamlet_number(column: pl.Expr) -> pl.Expr:
    """`五组`, `5组`, `十二组` -> "5", "5", "12"; null when there is none."""
    text = column.cast(pl.Utf8).str.normalize("NFKC").str.replace_all(r"\s+", "")
    token = text.str.extract(r"^([0-9一二三四五六七八九十]{1,3})(?:组|队|社)?$")
    return token.str.strip_chars_start("0").replace_strict(_NUMERALS, default=None)


def address_hamlet(column: str) -> pl.Expr:
    """The 组 written after the village in free address text (…老坪村一组 -> "1")."""
    text = pl.col(column).cast(pl.Utf8).str.normalize("NFKC").str.replace_all(r"\s+", "")
    token = text.str.extract(_HAMLET)
    return token.str.strip_chars_start("0").replace_strict(_NUMERALS, default=None)


def _birth_edits(frame: pl.DataFrame) -> pl.Series:
    """Characters of YYYYMMDD between the stated birth date and the ID's (0 when either is missing)."""
    out = np.zeros(frame.height, dtype=np.int32)
    differ = frame.select(
        (pl.col("_stated_birth") != pl.col("id_birth")).fill_null(False)
    ).to_series()
    rows = np.flatnonzero(differ.to_numpy())
    if len(rows):
        dates = frame.filter(differ).select(
            pl.col("_stated_birth").dt.strftime("%Y%m%d").alias("l"),
            pl.col("id_birth").dt.strftime("%Y%m%d").alias("r"),
        )
        out[rows] = process.cpdist(
            dates["l"].to_list(), dates["r"].to_list(), scorer=Levenshtein.distance, workers=-1
        )
    return pl.Series("_birth_edits", out)


def _checked_id_status(far: pl.Expr) -> pl.Expr:
    """id_status after the stated birth date and sex are read: "foreign", disputed (near or
    `far`: pipeline/link/disputed_ids.py) or as it was."""
    return (
        pl.when(pl.col("_foreign"))
        .then(pl.lit("foreign"))
        .when(pl.col("_disputed") & far)
        .then(pl.lit(DISPUTED_FAR))
        .when(pl.col("_disputed"))
        .then(pl.lit(DISPUTED_NEAR))
        .otherwise(pl.col("id_status"))
        .alias("id_status")
    )


def _own_id_columns(frame: pl.DataFrame, disputable: bool) -> pl.DataFrame:
    """Drop an ID that is another person's; untrust one whose birth date disagrees slightly.

    With `disputable` (rows outside the monitoring export), a valid ID (the check digit
    passes) of the stated sex whose birth date disagrees with the stated one is neither
    dropped nor untrusted here: it is marked (`id_status` DISPUTED_FAR or DISPUTED_NEAR,
    untrusted, the stated birth date) for `with_disputed_ids_resolved`, which keeps it as
    the row's where another row holds it under the row's name (disputed_ids.py)."""
    for column in ("birth_date", "sex", "id_birth", "id_sex"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
    # the flags once as columns (an expression used in several columns is evaluated once
    # per column), and no date parsing where no birth date is stated (monitoring rows)
    stated = frame["birth_date"].null_count() < frame.height
    frame = frame.with_columns(
        (parse_date("birth_date") if stated else pl.lit(None, dtype=pl.Date)).alias(
            "_stated_birth"
        ),
        pl.col("id_birth").cast(pl.Date, strict=False),
        pl.col("sex")
        .cast(pl.Utf8)
        .str.strip_chars()
        .replace_strict(_SEX_WORDS, default=None)
        .alias("_stated_sex"),
    )
    frame = frame.with_columns(_birth_edits(frame))
    # A valid ID differs from any other in two characters at least (the check digit catches
    # one), so a valid ID of the other sex is another person's, not a typo.
    sex_contradicts = pl.col("id_trusted").fill_null(False) & (
        pl.col("_stated_sex") != pl.col("id_sex").cast(pl.Utf8)
    ).fill_null(False)
    far = pl.col("_birth_edits") >= FOREIGN_ID_BIRTH_EDITS
    valid = (pl.col("id_status") == "valid") & pl.col("id_trusted").fill_null(False)
    disputed = valid & (pl.col("_birth_edits") > 0) & ~sex_contradicts
    frame = frame.with_columns((disputed if disputable else pl.lit(False)).alias("_disputed"))
    frame = frame.with_columns(
        ((far | sex_contradicts) & ~pl.col("_disputed")).alias("_foreign"),
        (pl.col("_birth_edits") > 0).alias("_disagrees"),
    )
    foreign, disagrees = pl.col("_foreign"), pl.col("_disagrees")
    return frame.with_columns(
        pl.when(foreign).then(None).otherwise(pl.col("id_norm")).alias("id_norm"),
        _checked_id_status(far),
        (pl.col("id_trusted").fill_null(False) & ~disagrees & ~foreign).alias("id_trusted"),
        pl.when(disagrees | foreign)
        .then(pl.col("_stated_birth"))
        .otherwise(pl.col("birth"))
        .alias("birth"),
        pl.when(foreign | (pl.col("_disputed") & far))
        .then(pl.col("_stated_sex"))
        .otherwise(pl.col("sex_norm"))
        .alias("sex_norm"),
    ).drop("_stated_birth", "_stated_sex", "_birth_edits", "_foreign", "_disagrees", "_disputed")


def _household_copies(frame: pl.DataFrame, head_relation: str) -> pl.DataFrame:
    """An ID held by several members of one household is the head's, copied into the others.

    It stays on the row whose relation is 户主 and is dropped from the other rows; when no
    row of them is the head, it stays on all but is trusted on none.
    """
    if "relation" not in frame.columns:
        return frame
    head = (pl.col("relation").cast(pl.Utf8).str.strip_chars() == head_relation).fill_null(False)
    group = ["household_id", "id_norm"]
    # the flags once as columns: each window over (household, ID) is costly at provincial
    # size, and an expression reused in several columns is evaluated once per column
    # record_key is unique per row, so the rows of a group are its keys; sum, not any(),
    # over a column without nulls: the same answer, and polars' faster window
    frame = frame.with_columns(head.alias("_head")).with_columns(
        (
            pl.col("household_id").is_not_null()
            & pl.col("id_norm").is_not_null()
            & (pl.len().over(group) > 1)
        ).alias("_shared"),
        (pl.col("_head").sum().over(group) > 0).alias("_has_head"),
    )
    frame = frame.with_columns(
        (pl.col("_shared") & pl.col("_has_head") & ~pl.col("_head")).alias("_copy")
    )
    # the birth date and sex read from the copied number are the head's too; without a
    # head row the number stays on all of them, untrusted
    frame = frame.with_columns(
        (pl.col("id_trusted").fill_null(False) & ~(pl.col("_shared") & ~pl.col("_head"))).alias(
            "id_trusted"
        )
    )
    return drop_ids_where(frame, pl.col("_copy")).drop("_head", "_shared", "_has_head", "_copy")


def _household_numbers_elsewhere(monitoring: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Drop from `rows` (outside the monitoring export) an ID that is a member's household's.

    The monitoring export holds the ID under another name (pinyin differs), in a household
    that has a member whose name sounds like the row's: the row is that member, and the
    number is the household's (the head's) written into the member's case file. Returns
    `rows`; only they change, so the monitoring rows are read, never rewritten.
    """
    others = rows.filter(
        pl.col("id_norm").is_not_null() & pl.col("name_pinyin").is_not_null()
    ).select("record_key", "id_norm", "name_pinyin")
    # the few monitoring rows holding one of those numbers, and their households only
    holders = (
        monitoring.lazy()
        .select("id_norm", "household_id", "name_pinyin")
        .filter(
            pl.col("household_id").is_not_null()
            & pl.col("name_pinyin").is_not_null()
            & pl.col("id_norm").is_in(others["id_norm"].unique().implode())
        )
        .select("id_norm", "household_id", pl.col("name_pinyin").alias("_holder"))
        .collect()
    )
    candidates = others.join(holders, on="id_norm").filter(
        pl.col("_holder") != pl.col("name_pinyin")
    )
    if candidates.is_empty():
        return rows
    members = (
        monitoring.lazy()
        .select("household_id", "name_pinyin")
        .filter(pl.col("household_id").is_in(candidates["household_id"].unique().implode()))
        .unique()
        .collect()
    )
    foreign = candidates.join(members, on=["household_id", "name_pinyin"], how="semi")
    if foreign.is_empty():
        return rows
    # a birth date read from the number is the holder's; a stated one that differs stays
    # (a sex that differed from the number's would have dropped it already)
    id_birth = pl.col("id_norm").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    rows = rows.with_columns(
        pl.col("record_key").is_in(foreign["record_key"].unique().implode()).alias("_foreign")
    )
    is_foreign = pl.col("_foreign")
    rows = rows.with_columns(
        pl.when(is_foreign & (pl.col("birth") == id_birth).fill_null(False))
        .then(None)
        .otherwise(pl.col("birth"))
        .alias("birth"),
        (pl.col("id_damaged") & ~is_foreign).alias("id_damaged"),
    )
    keys = ("id_norm", "trusted_id", "id_head", "id_tail", "id_body")
    return drop_ids_where(rows, is_foreign, keys).drop("_foreign")


def latest_petition_date(petitions: pl.DataFrame | None) -> date | None:
    """The latest 信访日期 of the petitions export (the date `age_class` is judged on)."""
    if petitions is None or "received" not in petitions.columns or petitions.is_empty():
        return None
    latest: date | None = petitions.select(parse_date("received").max()).item()
    return latest


def _age_class(latest: date | None) -> pl.Expr:
    """ "petitioner" on petition rows, "child" on rows of someone under `MIN_PETITIONER_AGE`
    on the latest petition date of the export (a comparison level keeps the two apart: a
    young child does not petition; its parent of the same name does). A petition row whose
    own ID number says a child is a petition in the child's name (a guardian files it):
    "child" too."""
    petitioner = pl.col("source") == "petitions"
    if latest is None:
        return pl.when(petitioner).then(pl.lit("petitioner")).alias("age_class")
    youngest_adult = latest.replace(year=latest.year - MIN_PETITIONER_AGE, day=min(latest.day, 28))
    # no birth date known (an ID lost to Excel) but listed as a pupil under 16, or every
    # birth year the household allows is under 16: a child too
    unknown = pl.col("birth").is_null()
    school_child = unknown & pl.col("_school_child").fill_null(False)
    young = unknown & (pl.col("birth_low") > youngest_adult).fill_null(False)
    return (
        pl.when((pl.col("birth") > youngest_adult) | school_child | young)
        .then(pl.lit("child"))
        .when(petitioner)
        .then(pl.lit("petitioner"))
        .alias("age_class")
    )


def _linkage_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The RECORD_SCHEMA columns (but idx and age_class) of one source's prepared rows."""
    hamlet = hamlet_number(pl.col("hamlet")) if "hamlet" in frame.columns else pl.lit(None)
    # a flag several columns read is a column first (else evaluated once per column)
    frame = frame.with_columns(id_float_like("id_norm").alias("_float_like"))
    float_like = pl.col("_float_like")
    id_digits_intact = pl.col("id_status").is_in(("valid", "legacy15", "bad_check")) & ~float_like
    return frame.select(
        "record_key",
        "source",
        "name_norm",
        "name_pinyin",
        pl.col("name_pinyin").str.splitn(" ", 2).struct.field("field_0").alias("surname_pinyin"),
        "id_norm",
        "id_status",
        (pl.col("id_trusted") & ~float_like).alias("id_trusted"),
        float_like.alias("id_float_like"),
        ((pl.col("id_status") == "excel_damaged").fill_null(False) | float_like).alias(
            "id_damaged"
        ),
        pl.when(pl.col("id_trusted") & ~float_like).then(pl.col("id_norm")).alias("trusted_id"),
        pl.col("id_norm").str.slice(0, 9).alias("id_head"),
        pl.when(id_digits_intact).then(pl.col("id_norm").str.slice(9)).alias("id_tail"),
        # the digits Excel and a float keep: region code and birth date
        pl.when(pl.col("id_norm").str.len_chars() == 18)
        .then(pl.col("id_norm").str.slice(0, ID_KEPT_DIGITS))
        .alias("id_body"),
        "birth",
        "birth_low",
        "birth_high",
        "sex_norm",
        "phone_norm",
        "county",
        "town",
        "village",
        pl.coalesce(hamlet.cast(pl.Utf8), address_hamlet("address")).alias("hamlet"),
        "case_key",
        "household_id",
        "person_no",
        # the monitoring system's person key; a row without one is its own person
        pl.when(pl.col("source") == "poverty")
        .then(pl.coalesce("person_no", "record_key"))
        .alias("monitoring_person"),
    )


@dataclass(frozen=True)
class CaseLookups:
    """What resolves a relief row's 原案号 or a petition's 涉及案件 to a case (case_refs.py)."""

    by_ref: pl.DataFrame
    by_party: pl.DataFrame


def case_lookups(cases: pl.DataFrame | None) -> CaseLookups:
    """The case lookups of the prepared cases export (read before its frame is let go)."""
    return CaseLookups(case_lookup(cases), party_case_lookup(cases))


def source_records(
    source: str, frame: pl.DataFrame, cases: CaseLookups, vocabulary: Vocabulary
) -> pl.DataFrame:
    """One source's rows of the linkage table: RECORD_SCHEMA but idx and age_class, and
    before the IDs of other sources' rows are checked against the monitoring households
    (`with_household_numbers_checked`)."""
    for column in ("household_id", "person_no", "county", "town", "village", "address"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(column))
    # the joined case key is one chunk, the read-back slice several: realigned once here,
    # not copied by each step below
    frame = with_case_key(frame, source, cases.by_ref, cases.by_party).rechunk()
    frame = _household_copies(frame, vocabulary.household_head)
    disputable = source != "poverty"
    frame = _own_id_columns(drop_ids_contradicting_relation(frame, vocabulary), disputable)
    frame = with_birth_bounds(frame, vocabulary)
    return _linkage_columns(frame).with_columns(_school_child(frame, vocabulary))


def _school_child(frame: pl.DataFrame, vocabulary: Vocabulary) -> pl.Series:
    """`_school_child`: the row's 在校生状况 is a stage of a pupil under 16 (read by
    `_age_class` where no birth date is known, then dropped)."""
    if "school" not in frame.columns:
        return pl.repeat(False, frame.height, eager=True).alias("_school_child")
    stages = pl.Series(vocabulary.child_school_stages, dtype=pl.Utf8).implode()
    return frame.select(
        pl.col("school").str.strip_chars().is_in(stages).fill_null(False).alias("_school_child")
    ).to_series()


def with_household_numbers_checked(
    monitoring: pl.DataFrame | None, others: list[pl.DataFrame]
) -> pl.DataFrame | None:
    """The rows of the sources other than the monitoring export, stacked in LINKED_SOURCES
    order, their disputed IDs resolved (`with_disputed_ids_resolved`) and without the IDs
    that are a member's household's (`_household_numbers_elsewhere`); None when there are
    none. `monitoring` is read, never changed."""
    if not others:
        return None
    rows = with_disputed_ids_resolved(monitoring, pl.concat(others, how="vertical"))
    return rows if monitoring is None else _household_numbers_elsewhere(monitoring, rows)


def numbered_records(parts: list[pl.DataFrame], latest_petition: date | None) -> pl.DataFrame:
    """The linkage table (RECORD_SCHEMA) from the monitoring rows and then the others'
    (`source_records`, `with_household_numbers_checked`): age class, then idx in that order.

    Every column comes out in one chunk. `parts` ends empty and the columns are copied one
    at a time, so each part's column goes as its copy is made (a caller still holding a
    part keeps its columns). The linker adds columns of its own, in one chunk, and filters
    and gathers: over a table in several chunks, polars first copies the table's columns to
    match (+0.7 GB in the linker at 2.3 M rows, docs/scale.md).
    """
    if not parts:
        return pl.DataFrame(schema=RECORD_SCHEMA)
    records = pl.concat(parts, how="vertical")
    parts.clear()
    records = records.with_columns(
        _age_class(latest_petition), (pl.col("source") == "petitions").alias("petition_row")
    ).with_row_index("idx")
    return pl.DataFrame(
        [records.drop_in_place(c).cast(t).rechunk() for c, t in RECORD_SCHEMA.items()]
    )


def linkage_records(prepared: dict[str, pl.DataFrame], vocabulary: Vocabulary) -> pl.DataFrame:
    """Stack the prepared sources into the linkage table (schema RECORD_SCHEMA), in memory.

    pipeline/run.py builds the same table a source at a time, written to parquet as it goes.
    """
    cases = case_lookups(prepared.get("cases"))
    parts = {
        source: source_records(source, frame, cases, vocabulary)
        for source in LINKED_SOURCES
        if (frame := prepared.get(source)) is not None and not frame.is_empty()
    }
    monitoring = parts.pop("poverty", None)
    others = with_household_numbers_checked(monitoring, list(parts.values()))
    stacked = [p for p in (monitoring, others) if p is not None]
    del monitoring, others  # numbered_records lets go of them a column at a time
    return numbered_records(stacked, latest_petition_date(prepared.get("petitions")))
