"""Opaque bearer secrets: shown once, stored only as a SHA-256 digest."""

import hashlib
import secrets

SESSION_PREFIX = "zs_"
API_KEY_PREFIX = "zk_"
DEVICE_PREFIX = "zd_"


def new_secret(prefix: str) -> str:
    # The prefix lets secret scanners (and people) tell a Zeal token from other strings.
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
