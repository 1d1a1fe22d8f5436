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
- the given name (the name after its first character) is as common as everywhere: given
  names do not cluster by village, surnames do;
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

import numpy as np
import polars as pl

from pipeline.config import FrequencyPlace, TermFrequency

Levels = dict[str, tuple[str, ...]]
# a given name nobody but the pair's own person bears counts as this many people
_UNSEEN_GIVEN = 0.5


def _place_key(records: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    """A 64-bit key of the place each record states in full; null where it does not."""
    stated = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    key = pl.when(stated).then(pl.struct(columns).hash())
    return records.select(key.alias("_place")).to_series()


def _people(records: pl.DataFrame, tf: TermFrequency) -> pl.DataFrame:
    """Every record naming a person (`tf.people`), with its name, surname and given name."""
    person = pl.coalesce(pl.col(c).cast(pl.Utf8) for c in tf.people)
    name = pl.col(tf.column)
    return records.select(
        person.alias("_person"),
        name.alias("_name"),
        pl.col(tf.surname or tf.column).alias("_surname"),
        name.str.slice(1).alias("_given"),
    ).with_row_index("_row")


def _shares_of_everybody(people: pl.DataFrame, column: str, values: pl.Series) -> np.ndarray:
    """Per value: the people bearing it (but one) as a share of everybody counted."""
    everybody = people.drop_nulls(["_person", column]).unique(
        "_person", keep="first", maintain_order=True
    )
    counts = everybody.group_by(column).agg(pl.len().alias("_n"))
    found = pl.DataFrame({column: values}).join(
        counts, on=column, how="left", maintain_order="left"
    )
    others = found["_n"].fill_null(0).cast(pl.Float64).to_numpy() - 1.0
    return np.maximum(others, _UNSEEN_GIVEN) / max(everybody.height, 1)


def _place_counts(people: pl.DataFrame, place: pl.Series, chosen: np.ndarray) -> pl.DataFrame:
    """Per chosen record: the people of its place, and those (but one) bearing its surname."""
    census = (
        people.with_columns(place.alias("_place"))
        .drop_nulls(["_person", "_place", "_name"])
        .unique(["_place", "_person"], keep="first", maintain_order=True)
    )
    asked = people.select("_surname").with_columns(place.alias("_place"))[chosen]
    by_surname = census.group_by("_place", "_surname").agg(pl.len().alias("_surnamesakes"))
    by_place = census.group_by("_place").agg(pl.len().alias("_people"))
    counted = asked.join(
        by_surname, on=["_place", "_surname"], how="left", maintain_order="left"
    ).join(by_place, on="_place", how="left", maintain_order="left")
    return counted.select(
        (pl.col("_surnamesakes").fill_null(0).cast(pl.Float64) - 1).clip(0).alias("surnamesakes"),
        pl.col("_people").fill_null(0).cast(pl.Float64).alias("people"),
    )


def _shares_at(
    chosen: np.ndarray, place: pl.Series, people: pl.DataFrame, prior: float
) -> np.ndarray:
    """The share of the name of each chosen record among the people of its place."""
    counts = _place_counts(people, place, chosen)
    asked = people[chosen]
    surname_everywhere = _shares_of_everybody(people, "_surname", asked["_surname"])
    given_everywhere = _shares_of_everybody(people, "_given", asked["_given"])
    residents = counts["people"].to_numpy()
    surname = (counts["surnamesakes"].to_numpy() + prior * surname_everywhere) / (residents + prior)
    share: np.ndarray = surname * given_everywhere
    return share


def place_shares(
    gammas: pl.DataFrame, records: pl.DataFrame, tf: TermFrequency, comparison: str, levels: Levels
) -> np.ndarray:
    """Per pair at `tf.level` of `comparison`: the name's share among the people of the most
    specific place of `tf.places` the pair agrees on (read at the row of the pair that
    states the place in full); NaN for every other pair."""
    out = np.full(gammas.height, np.nan)
    at_level = gammas[f"gamma_{comparison}"].to_numpy() == levels[comparison].index(tf.level)
    if not tf.places or not at_level.any():
        return out
    left = gammas["idx_l"].to_numpy().astype(np.int64)
    right = gammas["idx_r"].to_numpy().astype(np.int64)
    people = _people(records, tf)
    for spec in tf.places:
        rows = np.flatnonzero(at_level & np.isnan(out) & _agrees(gammas, spec, levels))
        if not len(rows):
            continue
        place = _place_key(records, spec.columns)
        stated = place.is_not_null().to_numpy()
        chosen = np.where(stated[left[rows]], left[rows], right[rows])
        known = stated[chosen]
        out[rows[known]] = _shares_at(chosen[known], place, people, tf.prior_people)
    return out


def _agrees(gammas: pl.DataFrame, spec: FrequencyPlace, levels: Levels) -> np.ndarray:
    codes = [levels[spec.comparison].index(level) for level in spec.levels]
    return np.isin(gammas[f"gamma_{spec.comparison}"].to_numpy(), codes)
