"""End-to-end: Zeal's pages in headless Chromium (Debian's package) driven by Playwright.

One server runs for the session, in a thread of this process, on a fresh SQLite database and
a FixedClock the tests move; each test starts from the clock's START and uses learners of its
own. Screenshots of every page land in tests/e2e/screenshots/ for a reviewer to look at.
"""

import threading
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import START, make_settings
from tests.ports import free_port
from zeal import migrations
from zeal.app import create_app
from zeal.clock import FixedClock

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "e2e-password-1"
# Without the networking flags Chromium keeps calling home, which this machine refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
_serial = count(1)


class LiveServer:
    def __init__(self, url: str, clock: FixedClock) -> None:
        self.url = url
        self.clock = clock


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'zeal.db'}"
    migrations.upgrade(database_url)
    clock = FixedClock(START)
    app = create_app(make_settings(database_url), clock)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # waiting for a socket to open, not for the clock
        assert thread.is_alive() and time.monotonic() < deadline, "the e2e server did not start"
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", clock)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package.")
    SCREENSHOTS.mkdir(exist_ok=True)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
    )
    yield browser
    browser.close()


@pytest.fixture
def server(live_server: LiveServer) -> LiveServer:
    live_server.clock.set(START)
    return live_server


class Browsers:
    """Browser contexts (separate cookie jars: separate people) for one test."""

    def __init__(self, browser: Browser, server: LiveServer) -> None:
        self.browser = browser
        self.server = server
        self.contexts: list[BrowserContext] = []

    def open(
        self, *, timezone: str = "Europe/Copenhagen", phone: bool = False, less_motion: bool = False
    ) -> Page:
        viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = self.browser.new_context(
            base_url=self.server.url,
            timezone_id=timezone,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=phone,
            has_touch=phone,
            reduced_motion="reduce" if less_motion else "no-preference",
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(browser: Browser, server: LiveServer) -> Iterator[Browsers]:
    opened = Browsers(browser, server)
    yield opened
    opened.close()


def unique_name(prefix: str) -> str:
    return f"{prefix}{next(_serial)}{time.monotonic_ns() % 100_000}"


def screenshot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_up(page: Page, name: str, *, display_name: str | None = None) -> None:
    """Sign up through the form; lands on the home page."""
    page.goto("/sign-up")
    page.get_by_label("Your name").fill(display_name or name.title())
    page.get_by_label("E-mail").fill(f"{name}@example.com")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/")


def log_practice(
    page: Page, *, language: str, what: str, minutes: str = "5", result: str = "—"
) -> None:
    page.goto("/")
    form = page.locator("form.practice-form")
    form.get_by_label("Language").select_option(label=language)
    form.get_by_label("What you did").select_option(label=what)
    form.get_by_label("Minutes").fill(minutes)
    if what == "Exercises":  # the result is asked for exercises only
        form.get_by_label("Exercise result").select_option(label=result)
    form.get_by_role("button", name="Log practice").click()
    page.wait_for_url("**/")
