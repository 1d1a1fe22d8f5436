"""How common a name is in the place two rows agree on, for the weight of the name.

Two rows of one village that agree on a name are evidence of one person in proportion to
how rare the name is *in that village*, not in the whole county: villages are often of one
surname, and 张建国 can be three people of 张家湾 while being rare in the county. Where a
pair agrees on a place (its contact comparison at a 组, village, town or county level:
`TermFrequency.places`, most specific first), the chance that another person of the place
bears the name is estimated from the people the monitoring export lists there (`people`:
one person per value; a row with none, a petition without an ID, is nobody's count):

    surname in place = (people of the place with the surname + prior_people x its share
                        of everybody) / (people of the place + prior_people)
    share = surname in place x the given name's share of everybody

- the surname is as common as the place's own people say, blended with its share of
  everybody: a place with few people listed says little, one with many says much;
- the given name (the name after its first character, or after the first syllable of a
  pinyin) is as common as everywhere: given
  names do not cluster by village, surnames do;
- a person counts once, in the place of its first record;
- the pair's own person is not counted: one person of the surname and of the given name
  is taken off (whether the rows are one person or two, the first is somebody of the place
  bearing the name). A given name nobody else bears counts as half a person: rare, not
  impossible;
- other listed people of the very name are not counted here: they are the pair's rivals,
  and `share_among_rivals` (clustering) already spreads a row's probability over them.

The weight of the name level is then log2(m / share) (`model.term_frequency_adjustment`);
pairs that agree on no place keep the plain term frequency (the value's share of records).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import polars as pl

from pipeline.config import FrequencyPlace, TermFrequency

T = TypeVar("T")
Levels = dict[str, tuple[str, ...]]
# a given name nobody but the pair's own person bears counts as this many people
_UNSEEN_GIVEN = 0.5


def _place_key(records: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    """A 64-bit key of the place each record states in full; null where it does not."""
    stated = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    # a categorical's codes stand for its values (one set of categories per process) and
    # hash ~5x faster than its strings
    key = pl.when(stated).then(pl.struct(pl.col(c).to_physical() for c in columns).hash())
    return records.select(key.alias("_place")).to_series()


class Census:
    """The per-record keys place_shares counts by, each worked out once per linkage table.

    The name's and the pinyin's term frequencies count the same people in the same places:
    their person, surname and place keys (hashes over all the records, ~0.9 s at 2.3 M
    rows) are shared instead of hashed again for each.
    """

    def __init__(self, records: pl.DataFrame) -> None:
        self.records = records
        self._memo: dict[tuple[str, tuple[str, ...]], object] = {}
        # (people, column) -> (the rows with a value in column, the people counted)
        self._counted: dict[tuple[tuple[str, ...], str], tuple[np.ndarray, np.ndarray]] = {}

    def _get(self, key: tuple[str, tuple[str, ...]], make: Callable[[], T]) -> T:
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]  # type: ignore[return-value]

    def person(self, people: tuple[str, ...]) -> pl.Series:
        """64-bit hash of the person a record names (the first of `people`); null if none."""
        person = pl.coalesce(pl.col(c).cast(pl.Utf8) for c in people)
        return self._get(
            ("person", people),
            lambda: self.records.select(
                pl.when(person.is_not_null()).then(person.hash()).alias("_person")
            ).to_series(),
        )

    def everybody(self, people: tuple[str, ...], column: str) -> np.ndarray:
        """Row numbers of the people counted: the first record of each person that has a
        value in `column` (a row without a name is nobody's count). A column with the
        rows of another column's values (the pinyin of the names) shares its answer."""
        if (people, column) in self._counted:
            return self._counted[people, column][1]
        named = self.records[column].is_not_null().to_numpy()
        for (key, _), (mask, rows) in self._counted.items():
            if key == people and np.array_equal(mask, named):
                return rows
        person = self.person(people).zip_with(pl.Series(named), self._nobody())
        rows = _first_rows(person)
        self._counted[(people, column)] = (named, rows)
        return rows

    def hashed(self, column: str, given: bool = False) -> pl.Series:
        """64-bit hash of a column's values (of the given name after the surname if `given`)."""
        value = given_name(pl.col(column)) if given else pl.col(column)
        return self._get(
            ("given" if given else "value", (column,)),
            lambda: self.records.select(value.hash().alias("_hash")).to_series(),
        )

    def _nobody(self) -> pl.Series:
        return pl.repeat(None, self.records.height, dtype=pl.UInt64, eager=True)

    def place(self, columns: tuple[str, ...]) -> pl.Series:
        """A 64-bit key of the place each record states in full; null where it does not."""
        # the columns in one contiguous chunk each: hashing them is several times faster
        return self._get(
            ("place", columns),
            lambda: _place_key(self.records.select(columns).rechunk(), columns),
        )


def given_name(name: pl.Expr) -> pl.Expr:
    """The name after its surname: after the first syllable of a pinyin ("li xin" -> "xin"),
    after the first character of a name in characters (李新 -> 新)."""
    return (
        pl.when(name.str.contains(" ", literal=True))
        .then(name.str.splitn(" ", 2).struct.field("field_1"))
        .otherwise(name.str.slice(1))
    )


def _first_rows(person: pl.Series) -> np.ndarray:
    """Row numbers of the first record of each person (`person` null: nobody's)."""
    first = person.is_first_distinct() & person.is_not_null()
    return np.flatnonzero(first.to_numpy()).astype(np.int64)


def _others_share(counted: pl.Series, asked: pl.Series, total: int, floor: float) -> np.ndarray:
    """Per value of `asked`: the counted people bearing it but one, as a share of `total`."""
    counts = counted.alias(asked.name).value_counts(name="_n")
    found = asked.to_frame().join(counts, on=asked.name, how="left", maintain_order="left")
    others = found["_n"].fill_null(0).cast(pl.Float64).to_numpy() - 1.0
    return np.maximum(others, floor) / max(total, 1)


def _surname_in_place(
    surnames: pl.Series,
    everybody: np.ndarray,
    place: pl.Series,
    chosen: np.ndarray,
    prior: float,
) -> np.ndarray:
    """Per chosen record: its surname's share of the people of its place, blended with its
    share of everybody (`prior` people's worth); the record's own person not counted."""
    asked = pl.DataFrame({"_place": place.gather(chosen), "_surname": surnames.gather(chosen)})
    # only the places asked about are counted
    census = pl.DataFrame(
        {"_place": place.gather(everybody), "_surname": surnames.gather(everybody)}
    ).filter(pl.col("_place").is_in(asked["_place"].unique().implode()))
    by_surname = census.group_by("_place", "_surname").agg(pl.len().alias("_surnamesakes"))
    by_place = by_surname.group_by("_place").agg(pl.col("_surnamesakes").sum().alias("_people"))
    counted = asked.join(
        by_surname, on=["_place", "_surname"], how="left", maintain_order="left"
    ).join(by_place, on="_place", how="left", maintain_order="left")
    namesakes = np.maximum(counted["_surnamesakes"].fill_null(0).to_numpy() - 1.0, 0.0)
    residents = counted["_people"].fill_null(0).to_numpy().astype(np.float64)
    everywhere = _others_share(surnames.gather(everybody), asked["_surname"], len(everybody), 0.0)
    share: np.ndarray = (namesakes + prior * everywhere) / (residents + prior)
    return share


def place_shares(
    gammas: pl.DataFrame,
    records: pl.DataFrame,
    tf: TermFrequency,
    comparison: str,
    levels: Levels,
    census: Census | None = None,
) -> np.ndarray:
    """Per pair at `tf.level` of `comparison`: the name's share among the people of the most
    specific place of `tf.places` the pair agrees on (read at the row of the pair that
    states the place in full); NaN for every other pair. `census`: the records' keys, when
    another term frequency has worked them out already."""
    out = np.full(gammas.height, np.nan)
    at_level = gammas[f"gamma_{comparison}"].to_numpy() == levels[comparison].index(tf.level)
    if not tf.places or not at_level.any():
        return out
    left = gammas["idx_l"].to_numpy().astype(np.int64)
    right = gammas["idx_r"].to_numpy().astype(np.int64)
    census = census or Census(records)
    everybody = census.everybody(tf.people, tf.column)
    surnames = census.hashed(tf.surname or tf.column)
    givens = census.hashed(tf.column, given=True)
    given = givens.gather(everybody)
    for spec in tf.places:
        rows = np.flatnonzero(at_level & np.isnan(out) & _agrees(gammas, spec, levels))
        if not len(rows):
            continue
        place = census.place(spec.columns)
        stated = place.is_not_null().to_numpy()
        chosen = np.where(stated[left[rows]], left[rows], right[rows])
        chosen, rows = chosen[stated[chosen]], rows[stated[chosen]]
        surname = _surname_in_place(surnames, everybody, place, chosen, tf.prior_people)
        asked = givens.gather(chosen)
        out[rows] = surname * _others_share(given, asked, len(everybody), _UNSEEN_GIVEN)
    return out


def _agrees(gammas: pl.DataFrame, spec: FrequencyPlace, levels: Levels) -> np.ndarray:
    codes = [levels[spec.comparison].index(level) for level in spec.levels]
    return np.isin(gammas[f"gamma_{spec.comparison}"].to_numpy(), codes)
