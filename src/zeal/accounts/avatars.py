"""The avatar catalog: images a learner can pick, and the colours allowed for them."""

import random
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
