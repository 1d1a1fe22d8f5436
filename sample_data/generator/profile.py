"""How hard a generated county is for linking: the rates of the cases that make it hard.

`ORDINARY` is what `python -m sample_data.generator` writes; `HARD` (`--hard`) has more
twins, petitions on the family phone and without an ID, people who moved, and more
namesakes in a village.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Rates per person, row or place; each says what it is a share of."""

    name: str
    # of nuclear households whose two eldest children are twins (born the same day)
    twins: float
    # of household heads who carry their village's own surname (张家湾: most are 张)
    village_surname: float
    # of people given one of the popular given names of their generation (建国, 秀英)
    popular_given_name: float
    # of towns that have a village of a name found all over the country (红旗村)
    repeated_village: float
    # of rows outside the monitoring export that carry an ID and whose name is one
    # character off (张建国 typed 张建图): the ID is the same, the name is not
    name_typo_with_id: float
    # of adults in exported households whose name changed (改名): the monitoring export
    # keeps the former name, the other exports use the new one
    renamed: float
    # of child victims petitioned for by a guardian who also petitions in the child's own
    # name with the child's ID
    child_own_id_petition: float
    # of petition rows without an ID number
    petition_id_missing: float
    # of petition rows giving the household's phone rather than the person's own
    petition_household_phone: float
    # of adults who moved: their petitions and case rows give a new village, the
    # monitoring export the registered one
    moved: float
    # of case rows stating a 出生日期 beside their own, correct ID whose 出生日期 is
    # mistyped (month and day swapped, another day of the year, another year): the ID is
    # right, the typed date is not
    case_birth_typo: float = 0.0


ORDINARY = Profile(
    name="ordinary",
    twins=0.05,
    village_surname=0.25,
    popular_given_name=0.04,
    repeated_village=0.3,
    name_typo_with_id=0.006,
    renamed=0.004,
    child_own_id_petition=0.4,
    petition_id_missing=0.5,
    petition_household_phone=0.3,
    moved=0.0,
    case_birth_typo=0.01,
)

HARD = Profile(
    name="hard",
    twins=0.15,
    village_surname=0.4,
    popular_given_name=0.08,
    repeated_village=0.5,
    name_typo_with_id=0.01,
    renamed=0.008,
    child_own_id_petition=0.5,
    petition_id_missing=0.8,
    petition_household_phone=0.7,
    moved=0.05,
    case_birth_typo=0.02,
)

PROFILES = {p.name: p for p in (ORDINARY, HARD)}
