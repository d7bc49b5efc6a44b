"""The abuse limits: what is counted, against which setting, and what a client is told."""

import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from zeal.accounts.models import User
from zeal.accounts.queries import find_by_login, known_device
from zeal.clock import Clock
from zeal.config import Settings
from zeal.errors import WrongPassword
from zeal.limits.counters import Counters, window_start
from zeal.limits.errors import RateLimited

MINUTE = 60
DAY = 86_400


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int
    refusal: str  # what the learner is told, with {minutes} to wait


class Limits:
    def __init__(self, settings: Settings, counters: Counters, clock: Clock) -> None:
        self.counters = counters
        self.clock = clock
        sign_in_window = settings.sign_in_window_minutes * MINUTE
        too_many_sign_ins = "Too many wrong passwords. Try again in {minutes} minutes."
        self.sign_in_client = Rule(
            "sign_in_client", settings.sign_in_failures_per_client, sign_in_window,
            too_many_sign_ins,
        )  # fmt: skip
        self.sign_in_account = Rule(
            "sign_in_account", settings.sign_in_failures_per_account, sign_in_window,
            "Too many wrong passwords for this account from unknown devices. Try again in "
            "{minutes} minutes, or sign in from a device you used before.",
        )  # fmt: skip
        self.sign_in_address = Rule(
            "sign_in_address", settings.sign_in_failures_per_address, sign_in_window,
            too_many_sign_ins,
        )  # fmt: skip
        self.search = Rule(
            "search", settings.searches_per_minute, MINUTE,
            "Too many searches in a minute. Try again in a moment.",
        )  # fmt: skip
        self.friend_requests = Rule(
            "friend_requests", settings.friend_requests_per_day, DAY,
            f"At most {settings.friend_requests_per_day} friend requests a day. "
            "Try again in {minutes} minutes.",
        )  # fmt: skip

    @contextmanager
    def counted(self, session: Session, rule: Rule, subject: str) -> Iterator[None]:
        """Refuse (429) once the rule's limit is reached; otherwise count what the block does,
        if it succeeds (a refused friend request is not a friend request sent). Two requests
        racing for the last unit may both pass: a limit against abuse, not a ledger."""
        self.check(session, rule, subject)
        yield
        self.hit(session, rule, subject)

    def check(self, session: Session, rule: Rule, subject: str) -> None:
        """Refuse (429) when the rule's limit is already reached, without counting."""
        now = self.clock.now()
        window = window_start(now, rule.window_seconds)
        if self.counters.count(session, f"{rule.name}:{subject}", window) >= rule.limit:
            raise self._refusal(rule, window, now)

    def hit(self, session: Session | None, rule: Rule, subject: str) -> None:
        """Count one more: in the request's transaction while it writes, else at once."""
        window = window_start(self.clock.now(), rule.window_seconds)
        self.counters.hit(session, f"{rule.name}:{subject}", window, rule.window_seconds)

    def _refusal(self, rule: Rule, window: datetime, now: datetime) -> RateLimited:
        seconds = max(1, math.ceil(rule.window_seconds - (now - window).total_seconds()))
        detail = rule.refusal.format(minutes=math.ceil(seconds / MINUTE))
        return RateLimited(detail, retry_after=seconds)


@dataclass
class SignInAttempt:
    """One sign-in attempt, refused early when its client has failed too often.

    Following OWASP's advice against lock-out by strangers (device cookies): wrong passwords
    from a device that signed in to the account before count against that device alone;
    those from any other client count per (account, address), and against the account's one
    allowance for all unknown clients together, which bounds a botnet but never blocks a
    known device. Every attempt also counts against its address, whatever the account.
    A failure must count even though the request's transaction is rolled back, so it is
    recorded when the attempt closes, after that transaction, in a transaction of its own.
    """

    limits: Limits
    address: str
    device_token: str | None = None
    counted: list[tuple[Rule, str]] = field(default_factory=list)
    failed: bool = field(default=False)

    def check(self, session: Session, login: str) -> None:
        user = find_by_login(session, login)
        if user is None:
            # An unknown login by a digest: what was typed may be long, and is nobody's.
            digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]
            self._check(session, f"login:{digest}", None)
            return
        # By account, not by the string typed: e-mail and username share one allowance.
        self._check(session, f"user:{user.id}", known_device(session, user.id, self.device_token))

    def check_user(self, session: Session, user: User) -> None:
        """For a password typed to confirm something (deleting the account): the learner is
        signed in, so only their own address's failures count."""
        self._check(session, f"user:{user.id}", None, shared=False)

    def _check(
        self, session: Session, account: str, device: int | None, *, shared: bool = True
    ) -> None:
        limits = self.limits
        self.counted = [(limits.sign_in_address, self.address)]
        if device is not None:
            self.counted.append((limits.sign_in_client, f"device:{device}"))
        else:
            self.counted.append((limits.sign_in_client, f"{account}@{self.address}"))
            if shared:
                self.counted.append((limits.sign_in_account, account))
        for rule, subject in self.counted:
            limits.check(session, rule, subject)

    def saw(self, error: Exception | None) -> None:
        """What the attempt came to: a wrong password counts when the attempt closes."""
        self.failed = self.failed or isinstance(error, WrongPassword)

    def close(self) -> None:
        if self.failed:
            for rule, subject in self.counted:
                self.limits.hit(None, rule, subject)
