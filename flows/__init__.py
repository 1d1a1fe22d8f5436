"""Thin Prefect wrappers around `pipeline.run`: the only package that imports Prefect.

Flows: `adhoc` (flows/adhoc.py) and `nightly` (flows/nightly.py); `python -m flows.serve`
serves both against a local Prefect server (see docs/operations.md).
"""

import os

# Prefect's client-side analytics honour only this environment variable (the server side is
# switched off in prefect.toml). Set before any Prefect import; a user's own value wins.
os.environ.setdefault("DO_NOT_TRACK", "1")
