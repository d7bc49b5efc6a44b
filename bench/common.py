"""Shared benchmark plumbing: fresh databases, a real server process, latency figures."""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zeal import migrations
from zeal.db import normalise_url

POSTGRESQL_URL = os.environ.get(
    "ZEAL_BENCH_POSTGRESQL_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/zeal_bench"
)


def fresh_database(backend: str, workdir: Path, *, name: str | None = None) -> str:
    """A new, migrated database for `backend` ('sqlite' or 'postgresql'); returns its URL.
    `name` replaces the PostgreSQL database's name, so benchmarks can keep theirs apart."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        parsed = make_url(normalise_url(POSTGRESQL_URL))
        if name:
            parsed = parsed.set(database=name)
        url = parsed.render_as_string(hide_password=False)
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    migrations.upgrade(url)
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, *, workers: int = 1, source: str | None = None) -> Iterator[str]:
    """`zeal serve` in its own process on a free port; yields its base URL. `source` serves
    the package from another checkout's `src` (a before/after comparison in one run)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        yield from _serve(url, port, workers, log, source)


def _serve(url: str, port: int, workers: int, log: Any, source: str | None) -> Iterator[str]:
    env = {**os.environ, "ZEAL_DATABASE_URL": url, "ZEAL_PORT": str(port)}
    if source:
        env["PYTHONPATH"] = source
    process = subprocess.Popen(
        [sys.executable, "-m", "zeal.cli", "serve", "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx2.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server did not start:\n{log.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(name: str, latencies: list[float], seconds: float, errors: int = 0) -> str:
    rate = len(latencies) / seconds if seconds else 0.0
    return (
        f"{name:<34} {rate:8.1f}/s   p50 {percentile(latencies, 0.50) * 1000:7.1f} ms   "
        f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   n={len(latencies)}"
        + (f"   errors={errors}" if errors else "")
        + (f"   mean {statistics.fmean(latencies) * 1000:.1f} ms" if latencies else "")
    )
