"""Browsers over the app: the `client` fixture's cookie jar is one browser; each learner who
acts in a test gets a browser of their own."""

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import Browser

NewBrowser = Callable[..., Browser]
SignedIn = Callable[[str], Browser]


@pytest.fixture
def browser(client: TestClient) -> Browser:
    return Browser(client)


@pytest.fixture
def new_browser(client: TestClient) -> Iterator[NewBrowser]:
    """Another browser on the same app (a cookie jar of its own), closed after the test."""
    opened: list[TestClient] = []

    def open_browser(base_url: str = "http://testserver") -> Browser:
        other = TestClient(client.app, base_url=base_url)
        opened.append(other)
        return Browser(other)

    yield open_browser
    for other in opened:
        other.close()


@pytest.fixture
def signed_in(new_browser: NewBrowser) -> SignedIn:
    """A browser in which the learner `login` signed in through the sign-in page."""

    def open_as(login: str) -> Browser:
        return new_browser().signed_in(login)

    return open_as
