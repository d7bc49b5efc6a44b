"""Learner pages benchmark: the demo world (30 learners, 4 weeks of practice), one browser
signed in as `ana`; p50/p99 of each page, rendered by a real server process.

    python -m bench.pages [--requests 50] [--backends sqlite,postgresql]
"""

import argparse
import re
import tempfile
import time
from pathlib import Path

import httpx2

from bench.common import fresh_database, percentile, server
from zeal import demo
from zeal.config import Settings

HTML = {"Accept": "text/html"}
PAGES = ("/", "/friends", "/friends?q=ma", "/badges", "/boards", "/boards?period=all",
         "/profile", "/learners/ben", "/classes/1")  # fmt: skip


def _sign_in(browser: httpx2.Client) -> None:
    page = browser.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None, "no CSRF token on the sign-in page"
    form = {"csrf_token": token.group(1), "login": "ana", "password": demo.PASSWORD, "next": ""}
    assert browser.post("/sign-in", data=form).status_code == 303


def _time(browser: httpx2.Client, path: str, requests: int) -> tuple[float, float, int]:
    latencies, size = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        response = browser.get(path)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        size = len(response.content)
    return percentile(latencies, 0.5), percentile(latencies, 0.99), size


def run(backend: str, requests: int) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        url = fresh_database(backend, Path(workdir))
        demo.load_world(Settings(database_url=url))
        with server(url) as base, httpx2.Client(base_url=base, headers=HTML) as browser:
            _sign_in(browser)
            print(f"\n{backend}: {requests} requests per page, one browser (ana)")
            for path in PAGES:
                p50, p99, size = _time(browser, path, requests)
                print(f"  {path:<22} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  {size / 1024:5.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.requests)


if __name__ == "__main__":
    main()
