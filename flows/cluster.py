"""A Dask cluster for `relief-leads run --cluster …`: Dask only, no Prefect (no server needed).

    --cluster tcp://10.0.0.5:8786     an existing scheduler (workers run the same code and venv)
    --cluster local:4                 a LocalCluster of 4 worker processes on this machine,
                                      one thread each, `--worker-memory` each (e.g. 4GB)

`client_map(client)` is the `map_fn` of pipeline/partitioned/: it submits every part at
once and hands the results back in order. Parts are functions of paths on the shared work
folder; what travels through the scheduler is paths, counts and the config.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from pipeline.errors import ConfigError, ReliefLeadsError
from pipeline.outputs.masking import mask_digit_runs

_LOCAL = re.compile(r"^local:(\d+)$")


def local_workers(spec: str) -> int | None:
    """N of `local:N`, None for a scheduler address; a ConfigError for anything else."""
    match = _LOCAL.match(spec)
    if match:
        workers = int(match.group(1))
        if workers < 1:
            raise ConfigError(f"--cluster {spec}: local needs at least 1 worker")
        return workers
    if not spec.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        raise ConfigError(
            f"--cluster {spec!r}: expected a scheduler address (tcp://host:8786) or local:N"
        )
    return None


@contextmanager
def dask_client(spec: str, worker_memory: str | None = None) -> Iterator[Any]:
    """A Dask client on the cluster `spec` (started here for `local:N`, closed on exit)."""
    from distributed import Client, LocalCluster

    # the scheduler's and nannies' lines (a worker slow to stop) would bury the progress bar
    logging.getLogger("distributed").setLevel(logging.ERROR)
    workers = local_workers(spec)
    if workers is None:
        with Client(spec) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,  # polars and rapidfuzz inside a part already use every core
            processes=True,
            memory_limit=worker_memory or "auto",
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 may be another cluster's
            # workers' own log lines (heartbeats failing while the cluster shuts down) would
            # bury the progress bar; a part's error reaches the driver as an exception anyway
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def client_map(client: Any) -> Callable[[Callable[..., Any], Sequence[Any]], Iterable[Any]]:
    """`map` on the cluster: every part submitted at once, results in the parts' order."""

    def mapped(fn: Callable[..., Any], items: Sequence[Any]) -> Iterator[Any]:
        futures = client.map(partial(masked_part, fn), list(items), pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            client.cancel(futures)

    return mapped


def masked_part(fn: Callable[[Any], Any], item: Any) -> Any:
    """`fn(item)` on a worker, its error text with long numbers masked: Dask logs a failed
    task's exception on the worker, and a bug's text may quote a cell (an ID, a phone)."""
    masked: Exception | None = None
    try:
        return fn(item)
    except ReliefLeadsError as exc:
        masked = type(exc)(mask_digit_runs(str(exc)))
    except OSError:
        raise  # paths only
    except Exception as exc:
        masked = RuntimeError(f"{type(exc).__name__}: {mask_digit_runs(str(exc))}")
    # raised outside the except block, so the unmasked exception is not chained to it
    raise masked
