"""Referrals go to the right department, only for hardship caused by a case, never for the accused."""

from __future__ import annotations

from typing import Any

import polars as pl

from pipeline.leads.referrals import build_referrals

ROW: dict[str, Any] = {
    "candidate_id": "L1",
    "person_id": "P1",
    "victim_name": "张小明",
    "id_number": "61102320100101123X",
    "is_minor": False,
    "minor_any_source": False,
    "case_id": "C1",
    "household_id": None,
    "monitor_type": None,
    "harm": "serious_injury",
    "hardship_caused_by_case": True,
    "evidence": "cases:c.csv:1",
}


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), infer_schema_length=None)


def test_unmonitored_household_in_case_caused_hardship_goes_to_rural_revitalisation() -> None:
    out = build_referrals(frame(ROW), pl.DataFrame())
    assert out["department"].to_list() == ["乡村振兴部门"]
    assert out["id_masked"][0] == "611023**********3X"


def test_no_referral_without_case_caused_hardship() -> None:
    assert (
        build_referrals(frame(ROW | {"hardship_caused_by_case": False}), pl.DataFrame()).height == 0
    )


def test_excluded_leads_in_hardship_go_to_civil_affairs_but_not_the_accused() -> None:
    covered = ROW | {
        "candidate_id": "L2",
        "monitor_type": "边缘易致贫户",
        "exclusion_rules": "full_compensation",
        "exclusions": "已获全额赔偿",
    }
    accused = ROW | {
        "candidate_id": "L3",
        "monitor_type": "边缘易致贫户",
        "exclusion_rules": "full_compensation,accused_in_case",
        "exclusions": "x",
    }
    out = build_referrals(pl.DataFrame(), frame(covered, accused))
    assert out["candidate_id"].to_list() == ["L2"]
    assert out["department"][0] == "民政部门" and "已获全额赔偿" in out["reason"][0]


def test_minors_names_are_masked() -> None:
    out = build_referrals(frame(ROW | {"is_minor": True}), pl.DataFrame())
    assert out["victim"][0] == "张**"


def test_a_minor_by_any_linked_row_is_masked_for_the_other_department() -> None:
    out = build_referrals(
        frame(ROW | {"is_minor": False, "minor_any_source": True}), pl.DataFrame()
    )
    assert out["victim"][0] == "张**"
    adult = build_referrals(frame(ROW), pl.DataFrame())
    assert adult["victim"][0] == "张小明"
