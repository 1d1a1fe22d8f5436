"""Resident ID numbers per GB 11643-1999, built vectorised."""

from __future__ import annotations

import numpy as np
import polars as pl

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"


def id_bodies(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """The first 17 digits as int64: region (6) + YYYYMMDD (8) + sequence (3)."""
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = years * 10_000 + months * 100 + days
    return region.astype(np.int64) * 10**11 + ymd * 1_000 + seq.astype(np.int64)


def check_indices(bodies: np.ndarray) -> np.ndarray:
    """Index into CHECK_CHARS of each 17-digit body."""
    total = np.zeros(len(bodies), dtype=np.int64)
    rest = bodies.copy()
    for pos in range(16, -1, -1):
        total += (rest % 10) * WEIGHTS[pos]
        rest //= 10
    return total % 11


def make_ids(bodies: np.ndarray) -> pl.Series:
    """Full 18-character IDs for 17-digit bodies."""
    checks = pl.Series(list(CHECK_CHARS))[check_indices(bodies)]
    return pl.Series(bodies).cast(pl.Utf8) + checks


def check_char(body17: str) -> str:
    """Check character of one 17-digit body."""
    total = sum(int(d) * int(w) for d, w in zip(body17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid_id(value: str) -> bool:
    """True if `value` is an 18-character ID whose check character matches."""
    return (
        len(value) == 18
        and value[:17].isdigit()
        and value[17] in CHECK_CHARS
        and check_char(value[:17]) == value[17]
    )


def to_legacy15(id18: str) -> str:
    """The pre-1999 15-digit form: region + YYMMDD + sequence, no check character."""
    return id18[:6] + id18[8:17]
