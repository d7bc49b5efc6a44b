"""A browser for the learner pages: it asks for HTML, keeps its cookies, and sends every form
with the CSRF token the last page it loaded carried (as a real browser's form would)."""

import re
from collections.abc import Mapping
from html import unescape
from html.parser import HTMLParser
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from tests.factories import PASSWORD

HTML = {"Accept": "text/html"}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
_TITLE = re.compile(r"<title>(.*?) · Zeal</title>", re.DOTALL)
_FLASH = re.compile(r'<p class="flash( flash-error)?"[^>]*>(.*?)</p>', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")

FormData = Mapping[str, str | list[str]]


class Browser:
    """One browser (one cookie jar) over the app; pages are fetched without following
    redirects, so a test sees each 303 and where it leads."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token: str | None = None

    # ---- reading pages ----------------------------------------------------------------------

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        response = self.client.get(
            path, headers={**HTML, **(headers or {})}, follow_redirects=False
        )
        found = csrf_token_in(response.text) if _is_html(response) else None
        if found is not None:
            self.token = found
        return response

    def page(self, path: str) -> str:
        """A page that must open (200); its HTML."""
        response = self.get(path)
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.text

    def follow(self, response: Response) -> str:
        """The page a 303 after a form leads to (loaded, so a flash on it is used up)."""
        assert response.status_code == 303, (response.status_code, response.text[:2000])
        return self.page(response.headers["location"])

    # ---- sending forms ----------------------------------------------------------------------

    def post(
        self,
        path: str,
        data: FormData | None = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send a form as a page of this site would: with the token of the last page loaded
        (a page is loaded first if none was)."""
        if token is None:
            if self.token is None:
                self.get("/sign-in")
            token = self.token
        assert token is not None
        fields: dict[str, Any] = {"csrf_token": token, **(data or {})}
        return self.client.post(
            path, data=fields, headers={**HTML, **(headers or {})}, follow_redirects=False
        )

    def submit(self, path: str, data: FormData | None = None) -> str:
        """Send a form that must succeed (303) and load the page it leads to."""
        return self.follow(self.post(path, data))

    # ---- accounts ---------------------------------------------------------------------------

    def sign_in(self, login: str, password: str = PASSWORD, next: str = "") -> Response:
        self.get("/sign-in")
        return self.post("/sign-in", {"login": login, "password": password, "next": next})

    def signed_in(self, login: str, password: str = PASSWORD) -> "Browser":
        response = self.sign_in(login, password)
        assert response.status_code == 303, response.text[:2000]
        self.follow(response)
        return self

    def cookie(self, name: str) -> str | None:
        value: str | None = self.client.cookies.get(name)
        return value


def _is_html(response: Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


def csrf_token_in(html: str) -> str | None:
    match = _CSRF_FIELD.search(html)
    return match.group(1) if match else None


def title_of(html: str) -> str:
    match = _TITLE.search(html)
    assert match is not None, html[:2000]
    return unescape(match.group(1).strip())


def flash_of(html: str) -> tuple[str, bool] | None:
    """The one-time message on a page: (text, is_error), or None."""
    match = _FLASH.search(html)
    if match is None:
        return None
    return text_of(match.group(2)), match.group(1) is not None


def text_of(html: str) -> str:
    """What a reader sees of a piece of HTML: tags dropped, entities read, spaces collapsed."""
    return " ".join(unescape(_TAGS.sub("", html)).split())


def field_error(html: str, name: str) -> str | None:
    """The message shown beside a form field, or None."""
    match = re.search(rf'<p class="field-error" id="{re.escape(name)}-error">(.*?)</p>', html)
    return text_of(match.group(1)) if match else None


def form_error(html: str) -> str | None:
    match = re.search(r'<p class="form-error"[^>]*>(.*?)</p>', html, re.DOTALL)
    return text_of(match.group(1)) if match else None


def input_value(html: str, name: str) -> str | None:
    """The value a text input shows (the first input of that name)."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            return unescape(value.group(1)) if value else ""
    return None


def is_checked(html: str, name: str, value: str | None = None) -> bool:
    """Whether a checkbox (or the radio button with `value`) is ticked."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if not re.search(rf'\bname="{re.escape(name)}"', tag):
            continue
        if value is not None and f'value="{value}"' not in tag:
            continue
        return re.search(r"\bchecked\b", tag) is not None
    raise AssertionError(f"no input {name}={value} on the page")


def hidden_values(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)">', html)


def badge_count(html: str) -> int:
    """The number beside "Badges" in the header (0 when none is shown)."""
    match = re.search(r'<span id="badge-count">(?:<span class="count">(\d+))?', html)
    assert match is not None, html[:2000]
    return int(match.group(1)) if match.group(1) else 0


def set_cookie(response: Response, name: str) -> str | None:
    """The Set-Cookie header a response sent for cookie `name`, or None."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    return None


def cookie_attributes(header: str) -> dict[str, str]:
    """A Set-Cookie header's attributes, names in lower case (flags map to "")."""
    attributes: dict[str, str] = {}
    for part in header.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        attributes[key.lower()] = value
    return attributes


class _FormReader(HTMLParser):
    """What a browser would send for the form posting to `action`, left as the page filled it."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.select: str | None = None
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.setdefault(name, []).append(attributes.get("value") or "on")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attributes:
            self.fields.setdefault(self.select, []).append(attributes.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_fields(html: str, action: str) -> dict[str, str | list[str]]:
    """The fields of the form posting to `action`, as the browser would send them unchanged
    (the CSRF token left out: `Browser.post` adds it)."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.fields, f"no form posting to {action}"
    fields: dict[str, str | list[str]] = {
        name: values[0] if len(values) == 1 else values for name, values in reader.fields.items()
    }
    fields.pop("csrf_token", None)
    return fields
