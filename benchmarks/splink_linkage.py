"""Splink 5 on DuckDB linking the linkage table our link stage reads (benchmark only).

    .venv/bin/python benchmarks/splink_linkage.py --data bench_data/province-200000-s20261129

Input: `benchmarks.scale.linkage_input` (ingest -> prepare -> validate -> linkage_records),
built before the clock starts. Timed: registering the table, u by random sampling, the
probability two random records match, EM sessions mirroring schemas/linkage.yaml's training,
predict on our nine blocking rules, connected components at our link threshold.
Memory: RSS sampled every 20 ms during the timed part (DuckDB runs in this process), and the
RSS when it began. Scores: the same pairwise precision/recall/F1 as ours.
Needs the `bench` extra (`pip install -e ".[bench]"`); nothing else imports this file.

With `--ours`, our linker (`link_people`) links the same table the same way: in a process of
its own with nothing else running, the table built before the clock starts. Inside a run our
linker shares the machine with the text workers (pipeline/run.py reads the case summaries
while it links), so the run's own link time is not the like-for-like figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

from benchmarks.evaluate import linkage_scores, read_truth_records
from benchmarks.scale import MB, StageEvent, StageMemory, linkage_input
from pipeline.coded import decoded
from pipeline.config import load_config
from pipeline.link.compare import shape_key
from pipeline.link.people import link_people
from pipeline.link.places import place_keys
from pipeline.normalise.names import pinyin_sound

# Our blocking rules (schemas/linkage.yaml), as Splink rules; Splink has no block-size cap.
BLOCKING = [
    ("id_norm",),
    ("id_head", "name_pinyin"),
    ("id_tail",),
    ("birth", "name_sound"),
    ("phone_norm", "name_sound"),
    # our place_key is a list (every place a partial address fits); Splink blocks on one
    # value, the first of them
    ("name_sound", "place_first"),
    ("name_shape", "place_first"),
    ("case_key", "surname_pinyin"),
]
LINK_THRESHOLD = 0.6  # clustering.link_threshold of schemas/linkage.yaml
U_MAX_PAIRS = 1e7
SEED = 20261129


def _both(column: str) -> str:
    return f'"{column}_l" IS NOT NULL AND "{column}_r" IS NOT NULL'


def _compatible(column: str) -> str:
    return f'("{column}_l" IS NULL OR "{column}_r" IS NULL OR "{column}_l" = "{column}_r")'


def _eq(column: str) -> str:
    return f'"{column}_l" = "{column}_r"'


def comparisons() -> list[ComparisonCreator | dict[str, Any]]:
    """Our five comparisons, level for level where SQL can say it (see schemas/linkage.yaml)."""
    identity = cl.CustomComparison(
        output_column_name="identity",
        comparison_levels=[
            cll.CustomLevel(f"NOT ({_both('id_norm')}) AND NOT ({_both('birth')})").configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("id_norm"),
            cll.CustomLevel('levenshtein("id_norm_l", "id_norm_r") <= 1', "id_one_edit"),
            cll.CustomLevel(
                '("id_damaged_l" OR "id_damaged_r") AND abs(TRY_CAST("id_norm_l" AS HUGEINT)'
                ' - TRY_CAST("id_norm_r" AS HUGEINT)) <= 999',
                "id_damaged_close",
            ),
            cll.CustomLevel(
                f'{_both("id_norm")} AND "id_trusted_l" AND "id_trusted_r"', "id_diff_trusted"
            ),
            cll.CustomLevel(_both("id_norm"), "id_diff"),
            cll.ExactMatchLevel("birth"),
            cll.CustomLevel('levenshtein("birth_text_l", "birth_text_r") <= 1', "birth_close"),
            cll.ElseLevel(),
        ],
    )
    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_norm"),
            cll.ExactMatchLevel("name_norm", term_frequency_adjustments=True),
            cll.ExactMatchLevel("name_pinyin"),
            cll.ExactMatchLevel("name_sound"),
            cll.ExactMatchLevel("name_shape").configure(label_for_charts="one_char_lookalike"),
            cll.CustomLevel('levenshtein("name_norm_l", "name_norm_r") <= 1', "one_char_apart"),
            cll.CustomLevel(
                'substr("name_norm_l", 1, 1) = substr("name_norm_r", 1, 1)', "same_surname"
            ),
            cll.ElseLevel(),
        ],
    )
    # a village is the same village where the county and town the rows state agree
    town_hamlet = f"{_compatible('county')} AND {_compatible('town')} AND {_compatible('hamlet')}"
    town = f"{_compatible('county')} AND {_compatible('town')}"
    not_both_phone = f"NOT ({_both('phone_norm')})"
    contact = cl.CustomComparison(
        output_column_name="contact",
        comparison_levels=[
            cll.CustomLevel(
                " AND ".join(
                    f"NOT ({_both(c)})" for c in ("phone_norm", "village", "town", "county")
                )
            ).configure(is_null_level=True),
            cll.CustomLevel(
                f"{_eq('phone_norm')} AND {_eq('village')} AND {town_hamlet}", "phone_and_village"
            ),
            cll.CustomLevel(_eq("phone_norm"), "phone_only"),
            cll.CustomLevel(
                f"{_eq('village')} AND {_eq('hamlet')} AND {town} AND {not_both_phone}",
                "hamlet_no_phone",
            ),
            cll.CustomLevel(
                f"{_eq('village')} AND {town_hamlet} AND {not_both_phone}", "village_no_phone"
            ),
            cll.CustomLevel(
                f"{_eq('village')} AND {_eq('hamlet')} AND {town}",
                "hamlet_phone_diff",
            ),
            cll.CustomLevel(f"{_eq('village')} AND {town_hamlet}", "village_phone_diff"),
            cll.CustomLevel(f"{_eq('village')} AND {town}", "village_hamlet_diff"),
            cll.CustomLevel(f"{_eq('town')} AND {_compatible('county')}", "town"),
            cll.CustomLevel(
                f"{_eq('county')} AND NOT ({_both('town')} AND {_both('village')})", "county"
            ),
            cll.ElseLevel(),
        ],
    )
    case = cl.ExactMatch("case_key")
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.CustomLevel(f"NOT ({_both('sex_norm')}) OR {_both('id_norm')}").configure(
                is_null_level=True
            ),
            # only a difference counts (schemas/linkage.yaml): agreement weighs nothing
            cll.CustomLevel(_eq("sex_norm"), "sex_same").configure(
                m_probability=0.5, u_probability=0.5, fix_m_probability=True, fix_u_probability=True
            ),
            cll.ElseLevel(),
        ],
    )
    # a petition and a child under 16 (ours vetoes the level; Splink weighs it)
    age = cl.CustomComparison(
        output_column_name="age",
        comparison_levels=[
            cll.CustomLevel(f"NOT ({_both('age_class')}) OR {_eq('age_class')}").configure(
                is_null_level=True
            ),
            cll.CustomLevel(f"NOT {_eq('age_class')}", "child_petitioner"),
            # no pair reaches it: Splink wants two levels besides the null one
            cll.ElseLevel(),
        ],
    )
    return [identity, name, contact, case, sex, age]


def splink_table(records: pl.DataFrame) -> pl.DataFrame:
    """The columns Splink compares, with the two derived ones ours computes inside compare."""
    settings = load_config().linkage
    assert settings.sound_alike is not None
    sound = settings.sound_alike
    records = decoded(records)  # DuckDB's string functions read text, not the linker's codes
    return records.select(
        pl.col("idx").cast(pl.Int64).alias("unique_id"),
        "record_key", "name_norm", "name_pinyin", "surname_pinyin",
        shape_key("name_norm", settings.lookalike_groups).alias("name_shape"),
        pinyin_sound("name_pinyin", sound.initials, sound.finals).alias("name_sound"),
        "id_norm", "id_trusted", "id_damaged", "id_head", "id_tail", "birth",
        pl.col("birth").dt.strftime("%Y%m%d").alias("birth_text"),
        "sex_norm", "phone_norm", "county", "town", "village", "hamlet", "case_key",
        "age_class",
        place_keys(records, settings.place_keys).list.first().alias("place_first")
        if settings.place_keys else pl.col("village").alias("place_first"),
    )  # fmt: skip


def link_with_splink(table: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """record_key -> cluster_id, and the number of pairs predict scored."""
    db_api = DuckDBAPI()
    data = db_api.register(table.to_arrow(), dataset_display_name="records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=[block_on(*cols) for cols in BLOCKING],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=["record_key"],
    )
    linker = Linker(data, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("id_norm"), block_on("name_norm", "birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    # The EM sessions of our model.training, by the fields each one blocks on.
    for rule in (
        block_on("name_sound", "village"),
        block_on("id_norm"),
        block_on("birth", "name_sound"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict()
    n_pairs = int(predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=LINK_THRESHOLD
    )
    frame = pl.from_arrow(clusters.as_duckdbpyrelation().select("record_key, cluster_id").arrow())
    assert isinstance(frame, pl.DataFrame)
    return frame.rename({"cluster_id": "person_id"}).cast({"person_id": pl.Utf8}), n_pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="a generated province folder")
    parser.add_argument("--result", type=Path, help="write the figures here as JSON")
    parser.add_argument("--ours", action="store_true", help="link with ours instead, alone")
    args = parser.parse_args(argv)
    config = load_config()
    records, refs = linkage_input(args.data, config)
    table = records if args.ours else splink_table(records)
    del records
    memory = StageMemory()
    memory.on_event(StageEvent("splink", 0, 0, False, 0.0, 0.0))
    started = time.perf_counter()
    if args.ours:
        result = link_people(table, config.linkage)
        clusters, n_pairs = result.links.select("record_key", "person_id"), result.pairs.height
    else:
        clusters, n_pairs = link_with_splink(table)
    seconds = time.perf_counter() - started
    memory.on_event(StageEvent("splink", 0, 0, True, seconds, seconds))
    memory.stop()
    links = refs.join(clusters, on="record_key", how="left")
    truth = read_truth_records(args.data / "truth")
    figures = {
        "seconds": round(seconds, 2),
        "start_rss_mb": round(memory.stages["splink"].start_rss / MB),
        "peak_rss_mb": round(memory.stages["splink"].peak_rss / MB),
        "predicted_pairs": n_pairs,
        "records": table.height,
        "all": linkage_scores(links, truth).as_dict(),
        "cross_source": linkage_scores(links, truth, cross_source=True).as_dict(),
    }
    print(json.dumps(figures))
    if args.result:
        args.result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
