"""RunInputs.resolve: the one rule of the command line and the flows for which files a run reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.state import RunInputs


def test_resolve_inputs_defaults_to_sample_data() -> None:
    sample = RunInputs.sample()
    assert RunInputs.resolve(None, None, None, None, None) == sample
    reviews = Path("runs/latest/线索清单.csv")
    assert RunInputs.resolve(None, None, None, None, reviews).reviews == reviews


def test_resolve_inputs_keeps_a_given_relief_history_with_sample_data() -> None:
    relief = Path("elsewhere/relief_history.csv")
    assert RunInputs.resolve(None, None, None, relief, None).relief_history == relief


@pytest.mark.parametrize(
    ("poverty", "petitions", "cases"),
    [
        (Path("p.xlsx"), None, Path("c.csv")),
        (None, Path("q.csv"), None),
        (Path("p.xlsx"), Path("q.csv"), None),
    ],
)
def test_resolve_inputs_wants_all_three_exports_or_none(
    poverty: Path | None, petitions: Path | None, cases: Path | None
) -> None:
    with pytest.raises(InputError, match="go together"):
        RunInputs.resolve(poverty, petitions, cases, None, None)


def test_resolve_inputs_takes_the_three_exports_as_given() -> None:
    given = RunInputs.resolve(Path("p.xlsx"), Path("q.csv"), Path("c.csv"), None, None)
    assert given == RunInputs(Path("p.xlsx"), Path("q.csv"), Path("c.csv"))
