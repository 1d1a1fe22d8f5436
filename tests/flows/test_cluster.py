"""flows/cluster.py: what --cluster accepts, and errors from a worker with numbers masked."""

from __future__ import annotations

import pytest

from flows.cluster import local_workers, masked_part
from pipeline.errors import ConfigError, InputError


@pytest.mark.parametrize(
    ("spec", "workers"),
    [("local:1", 1), ("local:4", 4), ("tcp://10.0.0.5:8786", None), ("tls://h:8786", None)],
)
def test_cluster_spec(spec: str, workers: int | None) -> None:
    assert local_workers(spec) == workers


@pytest.mark.parametrize("spec", ["local:0", "local", "10.0.0.5:8786", "local:two"])
def test_bad_cluster_spec(spec: str) -> None:
    with pytest.raises(ConfigError):
        local_workers(spec)


def _fails(exc: Exception) -> None:
    raise exc


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (InputError("cases: bad row 610102199001011234"), InputError),
        (ValueError("could not parse 13912345678 as int"), RuntimeError),
    ],
)
def test_worker_errors_are_masked(raised: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected) as info:
        masked_part(_fails, raised)
    assert "610102199001011234" not in str(info.value)
    assert "13912345678" not in str(info.value)
    assert info.value.__context__ is None
