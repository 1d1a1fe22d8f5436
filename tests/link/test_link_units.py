"""Blocking, comparison levels, EM and constrained clustering on hand-made records."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import ClusteringSettings, Config, load_config
from pipeline.link.blocking import block_pairs
from pipeline.link.cluster import cluster_records
from pipeline.link.compare import compare_pairs
from pipeline.link.people import with_name_keys
from pipeline.link.places import with_place_keys
from pipeline.link.records import RECORD_SCHEMA

CLUSTERING = ClusteringSettings(
    link_threshold=0.9,
    review_band=(0.5, 0.98),
    distinct=("trusted_id", "monitoring_person"),
    representative="trusted_id",
)


def records(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """A linkage table from partial rows (missing columns are null)."""
    full = []
    for i, row in enumerate(rows):
        base: dict[str, Any] = dict.fromkeys(RECORD_SCHEMA)
        base.update({"idx": i, "record_key": f"t:{i}", "source": "cases", "id_trusted": False})
        base.update(row)
        if base["id_norm"] and base["id_head"] is None:
            base["id_head"], base["id_tail"] = base["id_norm"][:9], base["id_norm"][9:]
        if base["id_norm"] and len(base["id_norm"]) == 18 and base["id_body"] is None:
            base["id_body"] = base["id_norm"][:14]
        base["id_damaged"] = base["id_status"] == "excel_damaged" or bool(base["id_float_like"])
        if base["id_trusted"] and base["trusted_id"] is None:
            base["trusted_id"] = base["id_norm"]
        if base["source"] == "poverty" and base["monitoring_person"] is None:
            base["monitoring_person"] = base["person_no"] or base["record_key"]
        full.append(base)
    # link_people adds the keys of the config (look-alike shape, sound-alike pinyin, place)
    settings = load_config().linkage
    table = with_name_keys(pl.DataFrame(full, schema=RECORD_SCHEMA), settings)
    return with_place_keys(table, settings.place_keys)


def level(frame: pl.DataFrame, comparison: str, config: Config) -> str | None:
    value = frame[f"gamma_{comparison}"][0]
    return None if value < 0 else config.linkage.level_names()[comparison][value]


def compare(config: Config, rows: list[dict[str, Any]]) -> pl.DataFrame:
    pairs = pl.DataFrame(
        {"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    return compare_pairs(
        pairs, records(rows), config.linkage.comparisons, config.linkage.lookalike_groups
    )


ID_A = "61102319900101123X"
# the birth years a son of a head born 1958 may have (18-45 years after the head)
SON_BOUNDS = {"birth_low": date(1976, 1, 1), "birth_high": date(2003, 12, 31)}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ({"id_norm": ID_A}, {"id_norm": ID_A}, "id_exact"),  # the same invalid number
        (
            {"id_norm": ID_A, "id_trusted": True},
            {"id_norm": ID_A, "id_trusted": True},
            "id_exact_valid",
        ),
        ({"id_norm": ID_A, "id_trusted": True}, {"id_norm": ID_A}, "id_exact"),
        ({"id_norm": ID_A}, {"id_norm": "61102319900101124X"}, "id_one_edit"),
        ({"id_norm": ID_A}, {"id_norm": "61102319900110123X"}, "id_one_edit"),  # adjacent swap
        (
            {"id_norm": ID_A, "id_status": "valid"},
            {"id_norm": "611023199001011200", "id_status": "excel_damaged"},
            "id_damaged_close",
        ),
        (  # Excel's 15 significant digits cut …825 to …000: numerically close, prefix differs
            {"id_norm": "611023196110219825", "id_status": "valid"},
            {"id_norm": "611023196110219000", "id_status": "excel_damaged"},
            "id_damaged_close",
        ),
        (  # a float read back (a multiple of 128) against the same number with a typo in
            # the region code: too far apart in value, one edit apart in the 15 kept digits
            {"id_norm": "611023197307078016", "id_float_like": True},
            {"id_norm": "611024197307077960", "id_status": "bad_check"},
            "id_damaged_one_edit",
        ),
        (  # year digits swapped on one side, Excel's …000 on the other
            {"id_norm": "611023194907067000", "id_status": "excel_damaged"},
            {"id_norm": "611023199407067172", "id_status": "bad_check"},
            "id_damaged_one_edit",
        ),
        (  # neither damaged: two digits apart is two people, not a damaged number
            {"id_norm": "611023200108176713"},
            {"id_norm": "611823200108176733"},
            "id_diff",
        ),
        (  # two numbers apart, birth dates one slip apart (1985 / 1995)
            {"id_norm": "611023198501011234", "birth": date(1985, 1, 1)},
            {"id_norm": "610104199501014321", "birth": date(1995, 1, 1)},
            "id_diff_birth_close",
        ),
        (  # two numbers apart, birth dates a lunar birthday apart
            {"id_norm": "611023197012201234", "birth": date(1970, 12, 20)},
            {"id_norm": "610104197101264321", "birth": date(1971, 1, 26)},
            "id_diff_birth_near",
        ),
        (  # two numbers apart, birth dates a generation apart: a father's and a son's
            {"id_norm": "611023196506291234", "birth": date(1965, 6, 29)},
            {"id_norm": "611023198907184321", "birth": date(1989, 7, 18)},
            "id_diff_birth_diff",
        ),
        (
            {"id_norm": ID_A, "id_trusted": True},
            {"id_norm": "610104198502031234", "id_trusted": True},
            "id_diff_trusted",
        ),
        ({"id_norm": ID_A}, {"id_norm": "610104198502031234"}, "id_diff"),
        ({"id_norm": ID_A, "birth": date(1990, 1, 1)}, {"birth": date(1990, 1, 1)}, "birth_exact"),
        ({"birth": date(1990, 1, 1)}, {"birth": date(1990, 1, 7)}, "birth_close"),
        # a lunar birthday written as a solar one: weeks apart, across New Year too
        ({"birth": date(1970, 12, 20)}, {"birth": date(1971, 1, 26)}, "birth_near"),
        ({"birth": date(1970, 3, 12)}, {"birth": date(1970, 12, 3)}, "birth_near"),  # swapped
        ({"birth": date(1990, 1, 1)}, {"birth": date(1985, 6, 1)}, "birth_diff"),
        # a father and a son of one name: another generation
        ({"birth": date(1970, 7, 8)}, {"birth": date(2013, 7, 14)}, "birth_diff"),
        # no birth date on one side (its ID lost to Excel), but the years its household
        # allows it (a son of a head born 1958: 1976-2003): a father of 1960 is outside
        ({"birth": date(1960, 3, 1)}, SON_BOUNDS, "age_outside"),
        (SON_BOUNDS, {"birth": date(1960, 3, 1)}, "age_outside"),
        ({"birth": date(1985, 3, 1)}, SON_BOUNDS, "age_within"),
        ({"birth": date(1976, 1, 1)}, SON_BOUNDS, "age_within"),
        ({"birth": date(1985, 3, 1)}, {"birth_low": date(1976, 1, 1)}, None),  # half a range: none
        (  # the same where a damaged number stands beside the bounds
            {"id_norm": ID_A, "birth": date(1960, 3, 1)},
            {"id_norm": "611023000000000000", **SON_BOUNDS},
            "id_diff_age_outside",
        ),
        (
            {"id_norm": ID_A, "birth": date(1990, 1, 1)},
            {"id_norm": "611023000000000000", **SON_BOUNDS},
            "id_diff_age_within",
        ),
        ({}, {}, None),
    ],
)
def test_identity_levels(
    config: Config, left: dict[str, Any], right: dict[str, Any], expected: str | None
) -> None:
    assert level(compare(config, [left, right]), "identity", config) == expected


def test_birth_is_not_counted_again_when_both_ids_compare(config: Config) -> None:
    # same birth date, IDs differ in two digits: the birth date must not add evidence
    left = {"id_norm": "611023199001011234", "birth": date(1990, 1, 1)}
    right = {"id_norm": "611023199001011567", "birth": date(1990, 1, 1)}
    # (the shared date splits id_diff, a level of the one identity comparison, no second one)
    assert level(compare(config, [left, right]), "identity", config) == "id_diff_birth_close"


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("李明", "李明", "name_exact"),
        ("李明", "李铭", "pinyin_equal"),
        ("王己", "王已", "one_char_lookalike"),
        ("王小明", "玉小明", "one_char_lookalike"),
        ("张小明", "张晓红", "same_surname"),
        ("张小明", "张大明", "one_char_apart"),  # siblings, or a typing slip behind one ID
        ("张建国", "李建国", "one_char_apart"),  # a surname changed
        ("张建国", "张建", "one_char_apart"),  # a character left out
        ("张建国", "李秀英", "name_diff"),
        ("赵琳", "赵玲", "pinyin_sound"),
        ("张三", None, None),
    ],
)
def test_name_levels(config: Config, left: str, right: str | None, expected: str | None) -> None:
    pinyin = {
        "李明": "li ming",
        "李铭": "li ming",
        "王己": "wang ji",
        "王已": "wang yi",
        "王小明": "wang xiao ming",
        "玉小明": "yu xiao ming",
        "张小明": "zhang xiao ming",
        "张晓红": "zhang xiao hong",
        "张大明": "zhang da ming",
        "张三": "zhang san",
        "赵琳": "zhao lin",
        "赵玲": "zhao ling",
        "张建国": "zhang jian guo",
        "李建国": "li jian guo",
        "张建": "zhang jian",
        "李秀英": "li xiu ying",
    }
    rows = [{"name_norm": n, "name_pinyin": pinyin.get(n) if n else None} for n in (left, right)]
    assert level(compare(config, rows), "name", config) == expected


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (
            {"phone_norm": "13900000000", "town": "富水镇", "village": "东岭村"},
            {"phone_norm": "13900000000", "village": "东岭村"},
            "phone_and_village",
        ),
        (
            {"phone_norm": "13900000000", "village": "东岭村"},
            {"phone_norm": "13900000000", "village": "西岭村"},
            "phone_only",
        ),
        (
            {"town": "富水镇", "village": "东岭村"},
            {"town": "富水镇", "village": "东岭村"},
            "village_no_phone",
        ),
        (
            {"phone_norm": "13900000000", "village": "东岭村"},
            {"phone_norm": "13700000000", "village": "东岭村"},
            "village_phone_diff",
        ),
        (  # a petition's phone that differs is weighed apart from a case row's
            {"phone_norm": "13900000000", "village": "东岭村", "petition_row": True},
            {"phone_norm": "13700000000", "village": "东岭村"},
            "village_phone_diff_petition",
        ),
        (
            {"phone_norm": "13900000000", "village": "东岭村", "hamlet": "3"},
            {"phone_norm": "13700000000", "village": "东岭村", "hamlet": "3", "petition_row": True},
            "hamlet_phone_diff_petition",
        ),
        (
            {"town": "富水镇", "village": "东岭村"},
            {"town": "试马镇", "village": "东岭村"},
            "contact_diff",
        ),
        ({"town": "富水镇"}, {"town": "富水镇", "village": "东岭村"}, "town"),
        ({"county": "商南县"}, {"county": "商南县"}, "county"),
        ({}, {}, None),
    ],
)
def test_contact_levels_fold_phone_and_place_into_one_comparison(
    config: Config, left: dict[str, Any], right: dict[str, Any], expected: str | None
) -> None:
    assert level(compare(config, [left, right]), "contact", config) == expected


name_text = st.one_of(st.none(), st.text(alphabet="王李张明铭己已小 ", min_size=1, max_size=4))


@settings(max_examples=60, deadline=None)
@given(
    a=name_text,
    b=name_text,
    pa=st.sampled_from([None, "x", "y"]),
    pb=st.sampled_from([None, "x", "y"]),
)
def test_comparisons_are_symmetric(
    config: Config, a: str | None, b: str | None, pa: str | None, pb: str | None
) -> None:
    rows = [
        {"name_norm": a, "name_pinyin": pa, "phone_norm": pa},
        {"name_norm": b, "name_pinyin": pb, "phone_norm": pb},
    ]
    fwd = pl.DataFrame(
        {"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    back = pl.DataFrame(
        {"idx_l": [1], "idx_r": [0]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    table = records(rows)
    g1 = compare_pairs(fwd, table, config.linkage.comparisons, config.linkage.lookalike_groups)
    g2 = compare_pairs(back, table, config.linkage.comparisons, config.linkage.lookalike_groups)
    for name in config.linkage.comparisons:
        assert g1[f"gamma_{name}"][0] == g2[f"gamma_{name}"][0]


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=30))
def test_blocking_never_pairs_a_row_with_itself_and_pairs_are_ordered(
    config: Config, keys: list[str | None]
) -> None:
    table = records([{"name_pinyin": k, "birth": date(1990, 1, 1) if k else None} for k in keys])
    pairs, report = block_pairs(table, config.linkage.blocking)
    assert (pairs["idx_l"] < pairs["idx_r"]).all()
    assert pairs.unique().height == pairs.height
    expected = sum(keys.count(k) * (keys.count(k) - 1) // 2 for k in {"a", "b", "c"})
    assert report.candidate_pairs == expected


def scored(edges: list[tuple[int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "idx_l": [e[0] for e in edges],
            "idx_r": [e[1] for e in edges],
            "match_probability": [e[2] for e in edges],
        },
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32, "match_probability": pl.Float64},
    )


def test_two_trusted_ids_never_share_a_person() -> None:
    table = records(
        [
            {"id_norm": "A" * 18, "id_trusted": True},
            {},
            {"id_norm": "B" * 18, "id_trusted": True},
        ]
    )
    links = cluster_records(table, scored([(0, 1, 0.99), (1, 2, 0.95)]), CLUSTERING)
    pid = links["person_id"].to_list()
    assert pid[0] == pid[1]
    assert pid[2] != pid[0]


def test_two_members_of_one_household_are_never_merged() -> None:
    table = records(
        [
            {"source": "poverty", "household_id": "H1", "person_no": "H101"},
            {"source": "petitions"},
            {"source": "poverty", "household_id": "H1", "person_no": "H102"},
        ]
    )
    links = cluster_records(table, scored([(0, 1, 0.97), (1, 2, 0.99)]), CLUSTERING)
    pid = links["person_id"].to_list()
    assert pid[1] == pid[2]
    assert pid[0] != pid[2]


def test_person_id_is_stable_and_opaque() -> None:
    table = records([{"id_norm": ID_A, "id_trusted": True}, {"id_norm": ID_A, "id_trusted": True}])
    first = cluster_records(table, scored([(0, 1, 0.99)]), CLUSTERING)["person_id"].to_list()
    again = cluster_records(table, scored([(0, 1, 0.99)]), CLUSTERING)["person_id"].to_list()
    assert first == again
    assert first[0] == first[1]
    assert ID_A not in first[0]
    assert first[0].startswith("P") and len(first[0]) == 13


def test_link_confidence_of_singletons_is_the_chance_of_standing_alone() -> None:
    table = records([{}, {}])
    links = cluster_records(table, scored([(0, 1, 0.3)]), CLUSTERING)
    assert links["link_confidence"].to_list() == [0.7, 0.7]
    assert np.all(links["cluster_size"].to_numpy() == 1)


def test_clusters_kept_apart_by_a_constraint_get_different_person_ids() -> None:
    # a household head's ID copied into a member's row: same trusted ID, two people
    table = records(
        [
            {
                "source": "poverty",
                "household_id": "H1",
                "person_no": "H101",
                "id_norm": ID_A,
                "id_trusted": True,
            },
            {
                "source": "poverty",
                "household_id": "H1",
                "person_no": "H103",
                "id_norm": ID_A,
                "id_trusted": True,
            },
        ]
    )
    links = cluster_records(table, scored([(0, 1, 0.999)]), CLUSTERING)
    assert links["person_id"].n_unique() == 2


def test_records_whose_own_pair_is_unlikely_are_never_joined_through_a_third() -> None:
    # two namesakes of one village, IDs different but not both trusted (no `distinct`
    # conflict); a petition without an ID links to both: it joins the likelier one only
    apart = CLUSTERING.model_copy(update={"cannot_link_below": 0.05})
    table = records([{"id_norm": ID_A, "id_trusted": True}, {}, {"id_norm": "B" * 18}])
    edges = scored([(0, 1, 0.93), (1, 2, 0.91), (0, 2, 0.001)])
    pid = cluster_records(table, edges, apart)["person_id"].to_list()
    assert pid[0] == pid[1] != pid[2]
    # switched off, the chain joins all three
    assert cluster_records(table, edges, CLUSTERING)["person_id"].n_unique() == 1


def test_cannot_link_reads_the_pairs_own_probability_not_the_shared_one() -> None:
    apart = CLUSTERING.model_copy(update={"cannot_link_below": 0.05})
    table = records([{}, {}, {}])
    edges = scored([(0, 1, 0.95), (1, 2, 0.95), (0, 2, 0.01)]).with_columns(
        pl.Series("pair_probability", [0.95, 0.95, 0.6])  # 0.01 only after sharing
    )
    assert cluster_records(table, edges, apart)["person_id"].n_unique() == 1


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ({"sex_norm": "M"}, {"sex_norm": "F"}, "sex_diff"),
        ({"sex_norm": "M"}, {"sex_norm": "M"}, None),  # agreement is no evidence past the name
        ({"sex_norm": "M"}, {}, None),
        # with both IDs the sex is part of the ID comparison
        ({"sex_norm": "M", "id_norm": ID_A}, {"sex_norm": "F", "id_norm": ID_A}, None),
    ],
)
def test_only_a_sex_difference_counts(
    config: Config, left: dict[str, Any], right: dict[str, Any], expected: str | None
) -> None:
    assert level(compare(config, [left, right]), "sex", config) == expected


def test_config_names_only_comparisons_and_levels_that_exist(config: Config) -> None:
    clustering = config.linkage.clustering.model_copy(
        update={
            "vetoes": {"name": ("name_diff", "no_such_level")},
            "cannot_link_levels": {"no_such_comparison": ("x",), "identity": ("id_diff",)},
        }
    )
    problems = config.linkage.model_copy(update={"clustering": clustering}).problems()
    assert "clustering.vetoes.name: unknown levels ['no_such_level']" in problems
    assert "clustering.cannot_link_levels: unknown comparison 'no_such_comparison'" in problems
    assert config.linkage.problems() == []


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("petitioner", "child", "child_petitioner"),
        ("petitioner", "petitioner", None),
        ("petitioner", None, None),
        ("child", "child", None),
    ],
)
def test_a_petition_and_a_child_are_kept_apart(
    config: Config, left: str | None, right: str | None, expected: str | None
) -> None:
    rows = [{"age_class": left}, {"age_class": right}]
    assert level(compare(config, rows), "age", config) == expected
    assert "child_petitioner" in config.linkage.clustering.vetoes["age"]


def test_a_different_stated_sex_vetoes_the_link(config: Config) -> None:
    assert "sex_diff" in config.linkage.clustering.hard_vetoes["sex"]
    table = records([{"sex_norm": "F"}, {"sex_norm": "M"}])
    pairs = pl.DataFrame(
        {"idx_l": [0], "idx_r": [1]}, schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32}
    )
    gammas = compare_pairs(
        pairs, table, config.linkage.comparisons, config.linkage.lookalike_groups
    )
    edges = gammas.with_columns(pl.lit(0.99).alias("match_probability"))
    links = cluster_records(table, edges, config.linkage.clustering, config.linkage.level_names())
    assert links["person_id"].n_unique() == 2


NAMES = [("王光祥", "wang guang xiang"), ("玉光祥", "yu guang xiang"), ("王光", "wang guang"), None]
PHONES = ["13800000001", "13800000071", None]
IDS = [ID_A, "611023199001011234", "61102319900101", None]


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(NAMES), st.sampled_from(PHONES), st.sampled_from(IDS)),
        min_size=1,
        max_size=9,
    ),
    slice_size=st.integers(1, 7),
)
def test_comparing_in_slices_gives_the_levels_of_comparing_at_once(
    config: Config,
    rows: list[tuple[tuple[str, str] | None, str | None, str | None]],
    slice_size: int,
) -> None:
    table = records(
        [
            {
                "name_norm": name[0] if name else None,
                "name_pinyin": name[1] if name else None,
                "phone_norm": phone,
                "id_norm": id_norm,
                "id_status": "valid" if id_norm and len(id_norm) == 18 else None,
            }
            for name, phone, id_norm in rows
        ]
    )
    n = table.height
    pairs = pl.DataFrame(
        [(i, j) for i in range(n) for j in range(i + 1, n)],
        schema={"idx_l": pl.UInt32, "idx_r": pl.UInt32},
        orient="row",
    )
    linkage = config.linkage
    whole = compare_pairs(
        pairs, table, linkage.comparisons, linkage.lookalike_groups, ("name_pinyin",), 10**6
    )
    sliced = compare_pairs(
        pairs, table, linkage.comparisons, linkage.lookalike_groups, ("name_pinyin",), slice_size
    )
    assert sliced.equals(whole)
    assert set(sliced.n_chunks("all")) == {1}
