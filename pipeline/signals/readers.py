"""Reading texts on every core: a large run's distinct texts split over worker processes.

Reading a text is pure Python (regexes, the victim views), so one process reads on one core
while the others wait. The distinct texts of a run are independent of each other, so
`TextReaders.map` cuts them into a few slices per worker, reads each slice in whichever worker
process is free (each holds the compiled patterns), and puts the readings back in order. The readings are the
same whichever way they are read (tested); only the time changes.

`TextReaders.submit` hands the slices over without waiting (the run links while the workers
read its case summaries); the workers run at a lower priority (`WORKER_NICENESS`), so the
process they serve keeps its cores and they take what it leaves idle.

Texts are read in this process when there are few of them (starting a worker costs about a
second: a new interpreter, the imports, the patterns), when one worker is asked for, and in a
process that may not have children (a Dask worker runs as a daemon; there the cluster's own
workers are the parallelism). Workers are started with `spawn`: polars runs its own threads,
and a forked copy of a process with threads can deadlock.
"""

from __future__ import annotations

import copyreg
import logging
import multiprocessing
import os
import pickle
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from types import MappingProxyType, TracebackType
from typing import Any, Generic, TypeVar

from pipeline.signals.patterns import TextPatterns

log = logging.getLogger(__name__)

# below this many texts per worker, starting workers costs more than it saves
MIN_TEXTS_PER_WORKER = 10_000
# slices per worker: a worker that is done takes the next slice, so one slowed down (by
# another process on its core, or by slower texts) does not keep the others waiting; with
# one slice each, the two workers of the 2 M province finished 2.6 s apart
SLICES_PER_WORKER = 4

# how much lower a worker's scheduling priority is than the run's (`os.nice`)
WORKER_NICENESS = 10

T = TypeVar("T")
R = TypeVar("R")
ReadFn = Callable[[Sequence[T], TextPatterns], list[R]]


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# the compiled patterns hold read-only mappings; pickle them as the dicts they wrap
copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


def available_cores() -> int:
    """The cores this process may run on (the container's share, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(texts: int, requested: int) -> int:
    """Processes to read `texts` texts with: `requested` (0 = one per core, and only when
    each worker gets at least MIN_TEXTS_PER_WORKER texts); 1 in a daemon process."""
    if multiprocessing.current_process().daemon:
        return 1
    if requested > 0:
        return max(1, min(requested, texts))
    return max(1, min(available_cores(), texts // MIN_TEXTS_PER_WORKER))


# in a worker: the patterns of each TextReaders it has served, unpickled once
_WORKER: dict[str, TextPatterns] = {}


def _read_slice(job: tuple[ReadFn[Any, Any], Sequence[Any], str, bytes]) -> list[Any]:
    read, items, token, patterns = job
    if token not in _WORKER:
        _WORKER[token] = pickle.loads(patterns)
    return read(items, _WORKER[token])


def _yielding() -> None:
    """In a worker: give way to the run's own process. The run links while its workers
    read the case summaries (pipeline/run.py); the linker's work is what the run waits
    for, the readings only at its end, so the workers take the cores it leaves idle."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def _read_nothing(items: Sequence[Any], patterns: TextPatterns) -> list[Any]:
    return []


def _gathered(futures: list[Future[list[R]]], fallback: Callable[[], list[R]]) -> list[R]:
    try:
        return [reading for future in futures for reading in future.result()]
    except BrokenProcessPool:
        return fallback()


class Pending(Generic[R]):
    """Readings on their way (`TextReaders.submit`): `result()` waits for them, once."""

    def __init__(self, readings: Callable[[], list[R]]) -> None:
        self._readings: Callable[[], list[R]] | None = readings
        self._result: list[R] | None = None

    def result(self) -> list[R]:
        if self._readings is not None:
            self._result, self._readings = self._readings(), None
        assert self._result is not None
        return self._result


class TextReaders:
    """Reads slices of texts in this process or in worker processes (started on first need
    and kept for the next `map` until `close`). Use as a context manager.

    The patterns travel with each slice (pickled once here, unpickled once per worker), not
    as the workers' start-up arguments: a worker that dies while starting (a script that
    runs the pipeline without `if __name__ == "__main__":`, which every worker re-imports)
    then breaks the pool, and the texts are read here instead, where a start-up argument
    larger than a pipe's buffer would leave this process waiting for ever.
    """

    def __init__(self, patterns: TextPatterns, workers: int = 0) -> None:
        self.patterns = patterns
        self.requested = workers
        self._pool: Executor | None = None
        self._size = 0
        self._token = uuid.uuid4().hex
        self._blob: bytes | None = None

    def map(self, read: ReadFn[T, R], items: Sequence[T]) -> list[R]:
        """`read(slice, patterns)` over `items` in slices; one reading per item, in order."""
        return self.submit(read, items).result()

    def submit(self, read: ReadFn[T, R], items: Sequence[T]) -> Pending[R]:
        """`map`, without waiting: the slices go to the workers now and `result()` waits for
        their readings, so this process can go on meanwhile (the run links while its case
        summaries are read). Where `map` would read in this process, `result()` reads."""
        workers = worker_count(len(items), self.requested)
        if workers <= 1:
            return Pending(lambda: read(items, self.patterns))
        blob = self._patterns_blob()
        step = -(-len(items) // (workers * SLICES_PER_WORKER))
        jobs = [(read, items[i : i + step], self._token, blob) for i in range(0, len(items), step)]

        def in_this_process() -> list[R]:
            log.warning("text workers could not start; reading the texts in this process")
            self.close()
            self.requested = 1
            return read(items, self.patterns)

        try:
            pool = self._pool_of(workers)
            futures = [pool.submit(_read_slice, job) for job in jobs]
        except BrokenProcessPool:
            return Pending(in_this_process)
        return Pending(partial(_gathered, futures, in_this_process))

    def start_workers(self, texts: int) -> None:
        """Start now the workers `map` would read about `texts` texts with, so that their
        start (a new interpreter, the imports, compiling the patterns: 1-2 s each) overlaps
        this process's work rather than the reading; `map` finds them started. Nothing is
        started where `map` would read in this process."""
        workers = worker_count(texts, self.requested)
        if workers <= 1:
            return
        blob = self._patterns_blob()
        pool = self._pool_of(workers)
        for _ in range(workers):  # each job that finds no idle worker starts one
            pool.submit(_read_slice, (_read_nothing, [], self._token, blob))

    def _patterns_blob(self) -> bytes:
        """The patterns pickled once, for every job (a worker unpickles them once)."""
        if self._blob is None:
            self._blob = pickle.dumps(self.patterns)
        return self._blob

    def _pool_of(self, workers: int) -> Executor:
        if self._pool is None or self._size < workers:
            self.close()
            self._pool = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn"), initializer=_yielding
            )
            self._size = workers
        return self._pool

    def close(self, wait: bool = True) -> None:
        """Let the workers go; without `wait`, they end while this process goes on (the
        readings are all in by then: a worker exiting takes ~1 s on the 2 M province)."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait)
            self._pool = None

    def __enter__(self) -> TextReaders:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
