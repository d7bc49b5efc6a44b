"""A real `zeal serve` process, for the tests that need a server of its own (a kill, a burst)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tests.ports import free_port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str


@contextmanager
def zeal_serve(database_url: str, log: Path, **settings: str) -> Iterator[Server]:
    """`zeal serve` in its own process on a free port, killed when the block ends. `settings`
    are more environment variables (`ZEAL_...`)."""
    port = free_port()
    env = {
        **os.environ,
        "ZEAL_DATABASE_URL": database_url,
        "ZEAL_PORT": str(port),
        "ZEAL_PASSWORD_TIME_COST": "1",
        "ZEAL_PASSWORD_MEMORY_KIB": "8",
        "ZEAL_PASSWORD_PARALLELISM": "1",
        **settings,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "zeal.cli", "serve"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        server = Server(process, f"http://127.0.0.1:{port}")
        _wait_until_up(server, log)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=15)


def _wait_until_up(server: Server, log: Path) -> None:
    # Waiting for a process to start listening, not for time to pass in a rule.
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx2.get(f"{server.base_url}/v1/health", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"zeal serve did not come up:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)
