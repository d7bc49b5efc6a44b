"""The README runs as pasted (issue 15, item 2): its shell blocks, after the first (`make run`
and `make test` themselves), run in order in one shell against a live `zeal serve` on a fresh
demo world, and every request in them must succeed."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)
# Every curl in the README must get a 2xx: --fail-with-body turns anything else into an error
# (and shows the problem), so a block that no longer works fails the test.
PRELUDE = """set -euo pipefail
curl() { command curl --fail-with-body -sS --max-time 10 "$@"; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
"""

# What the README promises next: the receiver prints the delivery. A real server and worker
# deliver it, so the script waits (up to 20 s) for the log to say it was delivered.
AWAIT_DELIVERY = """
for attempt in $(seq 1 100); do
  curl "localhost:8000/v1/platform/webhooks/$HOOK/deliveries" -H "X-API-Key: $KEY" \\
    | grep -q '"state":"delivered"' && break
  sleep 0.2
done
"""


def readme_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def zeal(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "zeal.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[dict[str, str], int]]:
    """`make run` on a fresh database: migrated, the demo world, served on a free port."""
    port = free_port()
    env = {
        **os.environ,
        "ZEAL_DATABASE_URL": f"sqlite:///{tmp_path / 'zeal.db'}",
        "ZEAL_PORT": str(port),
        "ZEAL_WEBHOOK_ALLOW_PRIVATE": "true",
        "ZEAL_DEMO_HINT": "true",
    }
    zeal(env, "db", "upgrade")
    zeal(env, "demo")
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "zeal.cli", "serve"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 30
        while not _healthy(port):  # waiting for a process to open its socket, not for a clock
            assert server.poll() is None and time.monotonic() < deadline, log.read()
            time.sleep(0.1)
        yield env, port
    finally:
        server.terminate()
        server.wait(timeout=15)


def _healthy(port: int) -> bool:
    try:
        return httpx2.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200
    except httpx2.TransportError:
        return False


def test_the_first_block_is_the_two_commands() -> None:
    first = readme_blocks()[0]
    assert [line.split()[:2] for line in first.splitlines()] == [["make", "run"], ["make", "test"]]


def test_every_shell_block_runs_as_pasted(live: tuple[dict[str, str], int], tmp_path: Path) -> None:
    env, port = live
    receiver_port = free_port()
    script = PRELUDE + "\n".join(readme_blocks()[1:]) + AWAIT_DELIVERY
    script = script.replace("localhost:8000", f"127.0.0.1:{port}")
    script = script.replace("127.0.0.1:9000", f"127.0.0.1:{receiver_port}")
    script = script.replace('("127.0.0.1", 9000)', f'("127.0.0.1", {receiver_port})')
    env = {**env, "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    out = done.stdout
    assert '"daily_streak"' in out  # the streaks were read, as ana and as user-8812
    assert '"external_id":"user-8812"' in out  # the platform's learner was created
    # The receiver printed the signed delivery of the learner's new streak.
    delivered = r'msg_\S+ \{"type":"streak.extended"[^\n]*"external_id":"user-8812"'
    assert re.search(delivered, out), out[-3000:]
