"""An export table before it is written: text cells plus the true person of every row."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Table:
    """Columns in export order; `pids` aligns with rows; `numeric` marks number cells."""

    source: str
    file: str
    columns: dict[str, list[str]]
    pids: np.ndarray
    numeric: dict[str, np.ndarray] | None = None
    sheet: str = ""
    title: str = ""
    flags: list[str] | None = None  # per row: why the pipeline should quarantine it ("" = keep)

    @property
    def n_rows(self) -> int:
        return len(self.pids)

    def release(self) -> Table:
        """Drop the cells once written; keep what the truth files need."""
        self.columns, self.numeric = {}, None
        return self
