"""Poverty-monitoring attributes of households (防返贫监测), before and after a case."""

from __future__ import annotations

import numpy as np

GENERAL, TUOPIN, MONITORED = 0, 1, 2  # household groups; only TUOPIN and MONITORED are exported

MONITOR_TYPES = np.array(["", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"], dtype=object)
HOUSEHOLD_TYPES = np.array(["普通农户", "脱贫户"], dtype=object)
RISK_TYPES = np.array(
    [
        "",
        "因病",
        "因残",
        "因学",
        "因意外事故",
        "因务工就业不稳",
        "因灾",
        "因产业失败",
        "缺劳力",
        "其他",
        "缺技术",
        "缺资金",
    ],
    dtype=object,
)
CASE_RISKS = (1, 2, 4)  # 因病, 因残, 因意外事故: what a case leaves behind
_RISK_P_MONITORED = np.array([0, 30, 20, 10, 6, 14, 6, 6, 4, 4, 0, 0], dtype=float)
_RISK_P_TUOPIN = np.array([0, 30, 18, 12, 0, 0, 4, 0, 12, 4, 10, 10], dtype=float)


def yyyymm_from_months(months: np.ndarray) -> np.ndarray:
    """Months since 1970-01 -> YYYYMM integers."""
    return (months // 12 + 1970) * 100 + months % 12 + 1


def months_from_date(date: np.datetime64) -> int:
    return int(date.astype("datetime64[M]").astype(np.int64))


def draw_monitoring(rng: np.random.Generator, group: np.ndarray) -> dict[str, np.ndarray]:
    """Monitoring attributes per household; general households get neutral values."""
    h = len(group)
    monitored = group == MONITORED
    tuopin = group == TUOPIN
    monitor_type = np.where(monitored, rng.choice([1, 2, 3], size=h, p=[0.42, 0.42, 0.16]), 0)
    household_type = np.where(tuopin | (monitored & (monitor_type == 1)), 1, 0)
    risk = np.where(
        monitored,
        rng.choice(len(RISK_TYPES), size=h, p=_RISK_P_MONITORED / _RISK_P_MONITORED.sum()),
        np.where(
            tuopin, rng.choice(len(RISK_TYPES), size=h, p=_RISK_P_TUOPIN / _RISK_P_TUOPIN.sum()), 0
        ),
    )
    start = months_from_date(np.datetime64("2020-06"))
    end = months_from_date(np.datetime64("2026-10"))
    identified_m = rng.integers(start, end + 1, size=h)
    cleared = monitored & (rng.random(h) < 0.4) & (identified_m < end - 6)
    cleared_m = np.minimum(identified_m + rng.integers(6, 30, size=h), end)
    income = np.where(
        monitored & ~cleared,
        rng.integers(3800, 9800, size=h),
        np.where(monitored, rng.integers(8600, 16000, size=h), rng.integers(8000, 26000, size=h)),
    )
    return {
        "monitor_type": monitor_type.astype(np.int8),
        "household_type": household_type.astype(np.int8),
        "risk_type": risk.astype(np.int8),
        "risk_identified": np.where(monitored, yyyymm_from_months(identified_m), 0),
        "risk_cleared": np.where(monitored, np.where(cleared, 1, 2), 0).astype(
            np.int8
        ),  # 1 是 2 否
        "risk_cleared_at": np.where(cleared, yyyymm_from_months(cleared_m), 0),
        "income": income.astype(np.int64),
        "monitored_before": monitored.copy(),
    }


def enter_monitoring_after_case(
    households: dict[str, np.ndarray],
    hid: int,
    incident: np.datetime64,
    harm: str,
    rng: np.random.Generator,
) -> None:
    """The case pushed household `hid` into monitoring: risk identified after the incident."""
    lag = int(rng.integers(1, 9))
    identified = months_from_date(incident) + lag
    identified = min(identified, months_from_date(np.datetime64("2026-10")))
    risk = 4 if harm == "death" or rng.random() < 0.4 else int(rng.choice([1, 2]))
    households["group"][hid] = MONITORED
    households["monitor_type"][hid] = int(rng.choice([3, 2], p=[0.6, 0.4]))
    households["risk_type"][hid] = risk
    households["risk_identified"][hid] = int(yyyymm_from_months(np.array([identified]))[0])
    cleared = rng.random() < 0.15 and identified + 12 <= months_from_date(np.datetime64("2026-10"))
    households["risk_cleared"][hid] = 1 if cleared else 2
    households["risk_cleared_at"][hid] = (
        int(yyyymm_from_months(np.array([identified + 12]))[0]) if cleared else 0
    )
    households["income"][hid] = int(rng.integers(3500, 8400))
