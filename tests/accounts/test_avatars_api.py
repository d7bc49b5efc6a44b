"""The avatar picture: any catalog image in any two colours, as an SVG an <img> tag can show."""

import re

import pytest
from fastapi.testclient import TestClient

from tests.http import assert_problem
from zeal.accounts import avatars

SVG = "image/svg+xml"


def picture(client: TestClient, image: str, **colours: str) -> str:
    response = client.get(f"/v1/avatars/{image}.svg", params=colours)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(SVG)
    return response.text


def fills(svg: str) -> list[str]:
    return re.findall(r'fill="(#[0-9A-F]{6})"', svg)


def test_the_picture_is_drawn_in_both_colours_with_its_alt_text(client: TestClient) -> None:
    svg = picture(client, "owl", character="8e24aa", background="fff9c7")

    assert svg.startswith("<svg ")
    assert "<title>An owl</title>" in svg
    assert 'color="#8E24AA"' in svg
    assert 'fill="#FFF9C7"' in svg
    assert "8e24aa" not in svg and "fff9c7" not in svg


def test_without_colours_the_first_catalog_pair_is_used(client: TestClient) -> None:
    svg = picture(client, "fox")

    assert f'color="{avatars.CHARACTER_COLORS[0]}"' in svg
    assert f'fill="{avatars.BACKGROUND_COLORS[0]}"' in svg


def test_every_image_in_the_catalog_has_a_picture(client: TestClient) -> None:
    catalog = client.get("/v1/avatars").json()

    for image in catalog["images"]:
        svg = picture(client, image["name"], character="123456", background="ABCDEF")
        assert f"<title>{image['alt']}</title>" in svg
        assert 'color="#123456"' in svg and 'fill="#ABCDEF"' in svg


def test_an_image_not_in_the_catalog_is_not_found(client: TestClient) -> None:
    assert_problem(client.get("/v1/avatars/unicorn.svg"), 404, "avatar_not_found")
    assert_problem(client.get("/v1/avatars/_art.svg"), 404, "avatar_not_found")
    traversal = client.get("/v1/avatars/..%2F..%2Fconfig.svg")
    assert traversal.status_code == 404
    assert "<svg" not in traversal.text


@pytest.mark.parametrize(
    "colours",
    [
        {"character": "red"},
        {"character": "#F6D110"},
        {"background": "FFF"},
        {"background": "FFF9C7FF"},
        {"character": "GGGGGG"},
    ],
)
def test_a_colour_that_is_not_rrggbb_is_refused(
    client: TestClient, colours: dict[str, str]
) -> None:
    assert_problem(client.get("/v1/avatars/fox.svg", params=colours), 422, "validation_error")
