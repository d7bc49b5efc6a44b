"""Public handles: what is allowed, what is reserved, and friendly generated ones."""

import random
import re
from typing import Final

from zeal.accounts.errors import UsernameInvalid, UsernameReserved
from zeal.accounts.words import ADJECTIVES, NOUNS

MIN_LENGTH: Final = 3
MAX_LENGTH: Final = 30
_PATTERN: Final = re.compile(r"[A-Za-z0-9_]+")

# Names that would let someone pose as staff or the system, or collide with routes
# (`/v1/users/me`). Compared case-insensitively.
RESERVED: Final[frozenset[str]] = frozenset(
    {
        "about",
        "account",
        "admin",
        "administrator",
        "api",
        "anonymous",
        "badges",
        "cohorts",
        "everyone",
        "friends",
        "help",
        "hidden_learner",
        "info",
        "leaderboards",
        "login",
        "logout",
        "me",
        "mod",
        "moderator",
        "null",
        "official",
        "operator",
        "owner",
        "root",
        "security",
        "settings",
        "signin",
        "signup",
        "staff",
        "support",
        "system",
        "teacher",
        "undefined",
        "user",
        "username",
        "users",
        "webmaster",
        "zeal",
        "zeal_team",
    }
)


def check_username(username: str) -> str:
    """The username as it will be stored, or a refusal that says what is wrong with it."""
    name = username.strip()
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        raise UsernameInvalid(
            f"A username has {MIN_LENGTH} to {MAX_LENGTH} characters; this one has {len(name)}."
        )
    if not _PATTERN.fullmatch(name):
        raise UsernameInvalid("A username may use only letters A-Z, digits and underscores (_).")
    if name.lower() in RESERVED:
        raise UsernameReserved(f"'{name}' is reserved; please pick another username.")
    return name


def generate_username(rng: random.Random) -> str:
    """`adjective_noun1234`: 248 x 250 x 9,000 = over 500 million names."""
    return f"{rng.choice(ADJECTIVES)}_{rng.choice(NOUNS)}{rng.randint(1000, 9999)}"


def noun_of(generated: str) -> str:
    """The noun of a generated name, so a new learner's avatar can match it (`brave_otter12`)."""
    return generated.split("_", 1)[-1].rstrip("0123456789")
