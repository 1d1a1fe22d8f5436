"""`make serve`: a local Prefect server on 127.0.0.1 and the deployments served from this process.

- `nightly/nightly` on the cron and time zone of schemas/schedule.yaml;
- `adhoc/adhoc` without a schedule, for `prefect deployment run 'adhoc/adhoc' -p county=…`;
- `distributed-run/distributed` without a schedule: the whole pipeline on a Dask cluster
  (`-p out=… -p work=… [-p address=tcp://…]`, docs/distributed.md).

Schedules need a real server: `serve` on Prefect's temporary server only warns. If the API at
PREFECT_API_URL (default http://127.0.0.1:4200/api) already answers, it is used; otherwise
`prefect server start` is started here, in the background, and stopped when serving stops
(Ctrl-C or SIGTERM). Its log is `<PREFECT_HOME>/server.log`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import httpx
from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

from flows.adhoc import adhoc
from flows.distributed import distributed_run
from flows.nightly import nightly
from flows.schedule import PROJECT_ROOT, load_nightly_settings

HOST, PORT = "127.0.0.1", 4200
API_URL = f"http://{HOST}:{PORT}/api"
HEALTH_TIMEOUT_SECONDS = 120  # first start on a fresh 2-core machine migrates a new database


def is_healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def start_server(home: Path) -> subprocess.Popen[bytes]:
    """Start `prefect server start` in the background and wait until it answers."""
    home.mkdir(parents=True, exist_ok=True)
    log = (home / "server.log").open("ab")
    env = os.environ | {"PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)  # the server serves the API; it is not its client
    # Its own session: Ctrl-C in the terminal reaches only this process, which then stops
    # serving first (pausing the schedules needs the server) and the server last.
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(PORT)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_healthy(server, home / "server.log")
    except BaseException:  # a timeout, or Ctrl-C while waiting: leave no server behind
        stop_server(server)
        raise
    print(
        f"prefect server up at {API_URL} (UI http://{HOST}:{PORT}), PREFECT_HOME={home}", flush=True
    )
    return server


def wait_until_healthy(server: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while not is_healthy(API_URL):
        if server.poll() is not None:
            raise SystemExit(f"prefect server exited with {server.returncode}; see {log_file}")
        if time.monotonic() > deadline:
            raise SystemExit(f"prefect server did not answer in time; see {log_file}")
        time.sleep(1)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGTERM)  # measured: the server exits on it within seconds
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def api_url_hint(api_url: str) -> str:
    """What to run in another shell before `prefect deployment run …`: without it Prefect
    starts a temporary server of its own, which has none of these deployments."""
    return (
        f"deployments served by the Prefect API at {api_url}. To trigger runs from another "
        "shell (in the project root), first:\n"
        f"    export PREFECT_API_URL={api_url}\n"
        "then: .venv/bin/prefect deployment run 'adhoc/adhoc' -p county=…"
    )


def deployments() -> list[RunnerDeployment]:
    """`nightly` on the configured cron and time zone; `adhoc` and `distributed` on demand."""
    settings = load_nightly_settings()
    # to_deployment is sync here (called outside an event loop); the cast tells mypy so
    return [
        cast(
            RunnerDeployment,
            nightly.to_deployment(
                name="nightly",
                schedules=[Cron(settings.cron, timezone=settings.timezone)],
                description=f"newest exports from {settings.inbox}, keep {settings.keep_runs} runs",
                tags=["relief-leads"],
            ),
        ),
        cast(RunnerDeployment, adhoc.to_deployment(name="adhoc", tags=["relief-leads"])),
        # the whole pipeline on a Dask cluster (docs/distributed.md), on demand: `out` and
        # `work` are required, the scheduler is `address` or $RELIEF_LEADS_DASK_ADDRESS
        cast(
            RunnerDeployment,
            distributed_run.to_deployment(
                name="distributed",
                description="whole pipeline on the Dask cluster at address / "
                "$RELIEF_LEADS_DASK_ADDRESS; parts under `work`, one run folder in `out`",
                tags=["relief-leads"],
            ),
        ),
    ]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_serving(signum: int, frame: object) -> None:
    # Prefect's runner shuts down gracefully on SIGTERM only (measured: on SIGINT, even twice,
    # `serve` kept running), so Ctrl-C is turned into SIGTERM to this process.
    os.kill(os.getpid(), signal.SIGTERM)


def main() -> None:
    # Flow runs are subprocesses started in this directory: relative paths (runs/, inbox/)
    # and ./prefect.toml then mean the project's.
    os.chdir(PROJECT_ROOT)
    home = Path(PREFECT_HOME.value()).resolve()
    api_url = PREFECT_API_URL.value() or API_URL
    # Until Prefect's runner installs its own SIGTERM handler, SIGTERM unwinds to `finally`.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _stop_serving)
    server = None
    try:
        if not is_healthy(api_url):
            server = start_server(home)
        print(api_url_hint(api_url), flush=True)
        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_HOME: home}):
            serve(*deployments())
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            stop_server(server)


if __name__ == "__main__":
    main()
