"""The avatar catalog: images a learner can pick, and the colours allowed for them."""

import random
import re
from functools import cache
from pathlib import Path
from typing import Final

# Image name -> alt text.
IMAGES: Final[dict[str, str]] = {
    "bear": "A bear",
    "cat": "A cat",
    "deer": "A deer",
    "dolphin": "A dolphin",
    "eagle": "An eagle",
    "fox": "A fox",
    "frog": "A frog",
    "hedgehog": "A hedgehog",
    "koala": "A koala",
    "lion": "A lion",
    "otter": "An otter",
    "owl": "An owl",
    "panda": "A panda",
    "penguin": "A penguin",
    "rabbit": "A rabbit",
    "tiger": "A tiger",
    "turtle": "A turtle",
    "whale": "A whale",
    "wolf": "A wolf",
    "zebra": "A zebra",
}

# Paired by position: each character colour reads well on the background beside it, which is
# what a random avatar draws. Any character colour may be combined with any background.
CHARACTER_COLORS: Final[tuple[str, ...]] = (
    "#F6D110",
    "#F09000",
    "#EA2F14",
    "#6367FF",
    "#0D1A63",
    "#008BFF",
    "#005F02",
    "#8E24AA",
)
BACKGROUND_COLORS: Final[tuple[str, ...]] = (
    "#FFF9C7",
    "#FFE0B3",
    "#FFC3B3",
    "#C9BEFF",
    "#81A6C6",
    "#9CD5FF",
    "#BCD9A2",
    "#F3D9FA",
)


def random_avatar(rng: random.Random, image: str | None = None) -> tuple[str, str, str]:
    """(image, character colour, background colour); `image` is kept when it is in the catalog."""
    chosen = image if image in IMAGES else rng.choice(sorted(IMAGES))
    pair = rng.randrange(len(CHARACTER_COLORS))
    return chosen, CHARACTER_COLORS[pair], BACKGROUND_COLORS[pair]


_ART_DIR: Final = Path(__file__).resolve().parent.parent / "static" / "avatars"
_SVG_BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.DOTALL)


@cache
def _art(image: str) -> str:
    """The drawing inside an image's SVG file; its body colour is `currentColor`."""
    text = (_ART_DIR / f"{image}.svg").read_text(encoding="utf-8")
    match = _SVG_BODY.search(text)
    assert match is not None, f"{image}.svg is not an SVG document"
    return match.group(1).strip()


def avatar_svg(image: str, character_color: str, background_color: str) -> str:
    """An avatar as one SVG: the image drawn in the character colour on a round background.
    The caller checks `image` is in IMAGES and the colours are #RRGGBB."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img">'
        f"<title>{IMAGES[image]}</title>"
        f'<circle cx="50" cy="50" r="50" fill="{background_color}"/>'
        f'<g color="{character_color}">{_art(image)}</g></svg>'
    )
