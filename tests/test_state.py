"""RunInputs.resolve: the one rule of the command line and the flows for which files a run reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import InputError
from pipeline.ingest.read import read_source
from pipeline.normalise.prepare import prepare_source
from pipeline.state import RunInputs, Validated, WithFacts
from pipeline.validate.rows import count_per_file, validate_rows


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


def test_stage_results_hand_their_frames_over_and_keep_their_counts(
    tmp_path: Path,
) -> None:
    """What lets a run free memory between stages: the raw frame, the accepted rows and the
    frames with facts are each given up once the next stage has them."""
    csv = tmp_path / "p.csv"
    csv.write_text("信访人,信访事项\n张三,对方未赔偿\n,\n", encoding="utf-8")
    config = load_config()
    source = read_source("petitions", csv, config)
    raw = source.release()
    assert raw.height == 2 and source.frame.height == 0
    assert source.frame.columns == raw.columns and source.files[0].rows_read == 2

    checked = validate_rows(
        "petitions", prepare_source("petitions", raw), config.source("petitions")
    )
    count_per_file(source.files, checked)
    validated = Validated({"petitions": checked}, {"petitions": checked.accepted})
    released = validated.without_rows()
    assert released.accepted == {} and released.checked["petitions"].accepted.height == 0
    assert released.checked["petitions"].quarantined.equals(checked.quarantined)
    assert source.files[0].rows_accepted == 1 and source.files[0].rows_quarantined == 1

    with_facts = WithFacts({"petitions": checked.accepted})
    frames = with_facts.release()
    assert list(frames) == ["petitions"] and with_facts.frames == {}
