"""County practice in the generator: each county's reviewers adjust the national test by
habits drawn from a documented set, recorded in the truth without changing any export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from pipeline.state import SAMPLE_DIR
from sample_data.generator import generate
from sample_data.generator.cases import Case
from sample_data.generator.latent import VictimFacts
from sample_data.generator.practice import (
    PRACTICES,
    PRACTICES_PER_COUNTY,
    county_accepts,
    draw_practices,
)

QUALIFYING: dict[str, Any] = {
    "harm": "serious",
    "injury": "重伤二级",
    "compensation": "none",
    "hardship": True,
    "channels": ["petition"],
}


def _case(charge: str = "故意伤害罪", hit_and_run: bool = False) -> Case:
    day = np.datetime64("2025-01-01")
    return Case("C1", 0, charge, day, day, None, 0, hit_and_run=hit_and_run)


def _facts(**change: Any) -> VictimFacts:
    return VictimFacts(pid=1, age=change.pop("age", 40), **(QUALIFYING | change))


@pytest.mark.parametrize(
    ("practice", "facts", "case", "accepted"),
    [
        ("traffic_insurance_first", _facts(), _case("交通肇事罪"), False),
        ("traffic_insurance_first", _facts(), _case("交通肇事罪", hit_and_run=True), True),
        ("traffic_insurance_first", _facts(), _case(), True),
        ("partial_payment_is_compensation", _facts(compensation="partial"), _case(), False),
        ("partial_payment_is_compensation", _facts(), _case(), True),
        ("elderly_lesser_injury_not_enough", _facts(harm="minor_injury", injury="轻伤二级", vulnerable=["elderly"]), _case(), False),
        ("elderly_lesser_injury_not_enough", _facts(harm="minor_injury", injury="轻伤二级", vulnerable=["elderly", "disabled"]), _case(), True),
        ("hardship_must_be_stated", _facts(channels=["monitoring"]), _case(), False),
        ("hardship_must_be_stated", _facts(channels=["monitoring", "summary"]), _case(), True),
        ("property_loss_monitored_only", _facts(harm="property", injury=""), _case("诈骗罪"), False),
        ("property_loss_monitored_only", _facts(harm="property", injury="", vulnerable=["monitored"]), _case("诈骗罪"), True),
        # widening: 轻伤 of a monitored household's member, otherwise qualifying
        ("poor_household_lesser_injury", _facts(harm="minor_injury", injury="轻伤一级", vulnerable=["monitored"]), _case(), True),
        ("poor_household_lesser_injury", _facts(harm="minor_injury", injury="轻微伤", vulnerable=["monitored"]), _case(), False),
        ("poor_household_lesser_injury", _facts(harm="minor_injury", injury="轻伤一级", vulnerable=["monitored"], compensation="full"), _case(), False),
    ],
)  # fmt: skip
def test_each_practice_decides_as_documented(
    practice: str, facts: VictimFacts, case: Case, accepted: bool
) -> None:
    assert county_accepts(facts, case, (practice,)) is accepted


def test_a_narrowing_practice_wins_over_a_widening_one() -> None:
    facts = _facts(harm="minor_injury", injury="轻伤一级", vulnerable=["monitored"])
    both = ("traffic_insurance_first", "poor_household_lesser_injury")
    assert county_accepts(facts, _case("交通肇事罪"), both) is False
    assert county_accepts(facts, _case(), both) is True


def test_practices_are_drawn_per_county_from_the_set() -> None:
    drawn = draw_practices(np.random.default_rng(3), 5)
    names = {p.name for p in PRACTICES}
    assert len(drawn) == 5
    assert all(len(set(p)) == PRACTICES_PER_COUNTY and set(p) <= names for p in drawn)


def test_the_truth_records_the_practice_and_the_exports_do_not_change(tmp_path: Path) -> None:
    """The practice has its own random stream: the committed sample's exports and national
    truth are byte for byte what the generator writes with practices."""
    generate(3000, 20261129, tmp_path)
    for name in ("cases.csv", "petitions.csv", "relief_history.csv", "truth/records.csv"):
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), name
    leads = pl.read_csv(tmp_path / "truth" / "leads.csv")
    committed = pl.read_csv(SAMPLE_DIR / "truth" / "leads.csv")
    assert leads.columns[-1] == "county_accepts"
    assert leads.drop("county_accepts").equals(committed.drop("county_accepts"))
    practice = pl.read_csv(tmp_path / "truth" / "county_practice.csv")
    assert practice.height == PRACTICES_PER_COUNTY
    assert set(practice["practice"]) <= {p.name for p in PRACTICES}
    # a county's reviewers differ from the national test only where a practice applies
    assert 0 < (leads["county_accepts"] != leads["qualifies"]).sum() < leads.height
