"""The review model's features: what a reviewer reads on a lead, named so a county's habits
(elderly 轻伤, partial payment, traffic cases, hardship seen only in monitoring) show in them."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.config import Config
from pipeline.leads.review_features import feature_label, feature_labels, lead_features

BASE: dict[str, Any] = {
    "harm": "death",
    "compensation": "none",
    "forgiveness": "not_forgiven",
    "tier": "高",
    "harm_status": "✓",
    "compensation_status": "✓",
    "hardship_status": "?",
    "sources": "cases+poverty",
    "score_breakdown": "death:40 none:18",
    "is_minor": False,
    "age_at_case": 40,
    "charge": "故意杀人罪",
    "monitor_type": None,
}


def test_features_name_what_a_reviewer_reads(config: Config) -> None:
    assert lead_features(BASE, config.scoring) == sorted(
        ["harm=death", "compensation=none", "forgiveness=not_forgiven", "tier=高", "伤害=✓", "赔偿=✓", "困难=?", "source=cases", "source=poverty", "rule=death", "rule=none", "charge=故意杀人罪", "hardship_evidence=无"]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("change", "present", "absent"),
    [
        # 轻伤 of an elderly victim: the vulnerability and its cross with the harm
        ({"harm": "minor_injury", "age_at_case": 72}, ["elderly", "harm=minor_injury+elderly"], ["minor"]),
        ({"age_at_case": 59}, [], ["elderly"]),
        ({"is_minor": True, "age_at_case": 9}, ["minor", "harm=death+minor"], ["elderly"]),
        ({"monitor_type": "边缘易致贫户"}, ["monitored", "harm=death+monitored"], []),
        ({"score_breakdown": "death:40 disabled:5"}, ["disabled", "rule=disabled"], []),
        ({"compensation": "partial"}, ["compensation=partial"], ["compensation=none"]),
        # which kind of case-caused hardship evidence there is
        ({"score_breakdown": "death:40 risk_after_incident:25"}, ["hardship_evidence=监测"], []),
        (
            {"score_breakdown": "death:40 risk_after_incident:25 petition_hardship:18 petition_medical:6"},
            ["hardship_evidence=信访+监测"],
            ["hardship_evidence=监测"],
        ),
        ({"score_breakdown": "death:40 case_text_hardship:20"}, ["hardship_evidence=案情"], []),
        ({"charge": None}, [], ["charge=None"]),
    ],
)  # fmt: skip
def test_features_express_county_practice(
    config: Config, change: dict[str, Any], present: list[str], absent: list[str]
) -> None:
    features = lead_features(BASE | change, config.scoring)
    assert set(present) <= set(features)
    assert not set(absent) & set(features)
    assert features == sorted(set(features))


@pytest.mark.parametrize(
    ("feature", "label"),
    [
        ("harm=minor_injury+elderly", "被害人轻伤（需结合特殊困难情形）且为老年人"),
        ("compensation=partial", "仅获部分赔偿"),
        ("charge=交通肇事罪", "案由：交通肇事罪"),
        ("hardship_evidence=监测", "因案致困证据：监测"),
        ("forgiveness=not_forgiven", "不予谅解"),
        ("source=petitions", "信访记录有记录"),
        ("monitored", "监测户"),
    ],
)
def test_every_feature_has_a_plain_chinese_name(config: Config, feature: str, label: str) -> None:
    labels = feature_labels(config.scoring, {"petitions": "信访记录"})
    assert feature_label(feature, labels) == label
