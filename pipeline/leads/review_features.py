"""The named features of a lead that the review model learns from and its reasons speak of.

Each feature is a fact a reviewer reads on the lead (harm=death, compensation=partial,
charge=交通肇事罪, 困难=✓, source=petitions, rule=risk_after_incident, elderly …), so a
county's habits can be expressed in them: how it treats 轻伤 of an elderly victim
(`harm=minor_injury+elderly`), partial payment (`compensation=partial`), hardship seen only
in the monitoring export (`hardship_evidence=监测`), traffic cases (`charge=交通肇事罪`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from pipeline.config import ScoringSettings

ELEMENTS = {"harm_status": "伤害", "compensation_status": "赔偿", "hardship_status": "困难"}
_VULNERABILITY_LABELS = {
    "minor": "未成年人",
    "elderly": "老年人",
    "disabled": "残疾或患大病",
    "monitored": "监测户",
}
_FORGIVENESS = {"forgiven": "已谅解", "not_forgiven": "不予谅解", "unknown": "谅解情况不明"}


def _rules(row: Mapping[str, Any]) -> list[str]:
    return [t.split(":")[0] for t in str(row.get("score_breakdown") or "").split()]


def _vulnerabilities(row: Mapping[str, Any], rules: list[str], elderly_age: int) -> list[str]:
    age = row.get("age_at_case")
    found = {
        "minor": bool(row.get("is_minor")),
        "elderly": age is not None and int(age) >= elderly_age,
        "disabled": "disabled" in rules,
        "monitored": bool(row.get("monitor_type")),
    }
    return [name for name, present in found.items() if present]


def _hardship_evidence(rules: list[str], kinds: Mapping[str, str]) -> str:
    """Which kinds of case-caused hardship evidence the lead has (监测+信访), or 无."""
    present = sorted({kinds[r] for r in rules if r in kinds})
    return "+".join(present) or "无"


def lead_features(row: Mapping[str, Any], s: ScoringSettings) -> list[str]:
    """The named features of one candidate row, sorted."""
    rules = _rules(row)
    vulnerable = _vulnerabilities(row, rules, s.elderly_age)
    harm = row.get("harm")
    features = [
        f"harm={harm}",
        f"compensation={row.get('compensation')}",
        f"forgiveness={row.get('forgiveness') or 'unknown'}",
        f"tier={row.get('tier')}",
        f"hardship_evidence={_hardship_evidence(rules, s.learning.hardship_evidence)}",
        *(f"{name}={row.get(column)}" for column, name in ELEMENTS.items()),
        *(f"source={src}" for src in str(row.get("sources") or "").split("+") if src),
        *(f"rule={rule}" for rule in rules),
        *vulnerable,
        *(f"harm={harm}+{v}" for v in vulnerable if v in s.learning.crossed_with_harm),
    ]
    if row.get("charge"):
        features.append(f"charge={row['charge']}")
    return sorted(set(features))


# what lead_features reads of a candidate row
_READ = (
    "score_breakdown", "is_minor", "harm", "compensation", "forgiveness", "tier",
    *ELEMENTS, "sources", "charge",
)  # fmt: skip


def with_features(candidates: pl.DataFrame, s: ScoringSettings) -> pl.DataFrame:
    """candidates + `features` (list of names), found once per distinct combination of what
    they are named after (many leads share one)."""
    if candidates.is_empty():
        return candidates
    read = [c for c in _READ if c in candidates.columns]
    age = pl.col("age_at_case") if "age_at_case" in candidates.columns else pl.lit(None)
    monitored = pl.col("monitor_type") if "monitor_type" in candidates.columns else pl.lit(None)
    keys = candidates.select(
        *read,
        (age.cast(pl.Int64) >= s.elderly_age).fill_null(False).alias("_elderly"),
        (monitored.cast(pl.Utf8).fill_null("") != "").alias("_monitored"),
    )
    distinct = keys.unique(maintain_order=True)
    # a row standing for its combination: an age that is elderly or none, a monitor type or none
    features = [
        lead_features(
            row | {"age_at_case": s.elderly_age if row["_elderly"] else None,
                   "monitor_type": row["_monitored"]},
            s,
        )
        for row in distinct.iter_rows(named=True)
    ]  # fmt: skip
    named = distinct.with_columns(pl.Series("features", features, dtype=pl.List(pl.Utf8)))
    found = keys.join(named, on=keys.columns, how="left", nulls_equal=True, maintain_order="left")
    return candidates.with_columns(found["features"])


def feature_labels(s: ScoringSettings, sources: Mapping[str, str]) -> dict[str, str]:
    """Plain-Chinese names of the features, from the rules' own reasons in scoring.yaml."""
    labels = dict(_VULNERABILITY_LABELS)
    for group in ("harm", "compensation", "hardship", "priority"):
        for key, rule in getattr(s, group).items():
            labels[f"rule={key}"] = rule.reason
            labels[f"{group}={key}"] = rule.reason
    for key, rule in s.harm.items():
        for v, name in _VULNERABILITY_LABELS.items():
            labels[f"harm={key}+{v}"] = f"{rule.reason}且为{name}"
    labels |= {f"source={k}": f"{v}有记录" for k, v in sources.items()}
    labels |= {f"tier={t}": f"等级{t}" for t in s.tiers}
    for name in ELEMENTS.values():
        labels |= {f"{name}=✓": f"{name}要件满足", f"{name}=?": f"{name}要件待核实"}
    labels |= {f"forgiveness={k}": v for k, v in _FORGIVENESS.items()}
    return labels


def feature_label(feature: str, labels: Mapping[str, str]) -> str:
    """A feature's plain name; charge, forgiveness and evidence kinds are named by their value."""
    if feature in labels:
        return labels[feature]
    key, _, value = feature.partition("=")
    prefixes = {"charge": "案由", "hardship_evidence": "因案致困证据"}
    return f"{prefixes[key]}：{value}" if key in prefixes else feature
