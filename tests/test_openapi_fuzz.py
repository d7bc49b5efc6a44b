"""Schemathesis fuzzes every /v1 operation against Zeal's own /openapi.json.

Stateless: each operation gets generated requests, valid and invalid, as a signed-in learner
(and with a platform key where one is needed). Stateful: the friend-request lifecycle is walked
through the OpenAPI links (send -> accept / reject / withdraw; accept -> end the friendship).
Every answer must: not be a 5xx; have a declared status, a declared content type and a body
that matches its schema; and, for a 4xx, be a problem document with type, title, status, code.

The schema is read once, at import, from an app built by `create_app` (the document does not
depend on the database), so that every operation is a test of its own; each request goes to an
app on the test's own database. (`schemathesis.pytest.from_fixture` would load it per test, but
it fails under pytest 9.2: it sets `Node._nodeid`, which pytest no longer has.)
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete

from tests.conftest import CATALOG_TABLES, START
from tests.factories import make_learner
from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Base, Database
from zeal.friends import pairs
from zeal.friends.models import FriendRequest
from zeal.problems import PROBLEM_TYPE
from zeal.schemas import MAX_ID

# Requests per operation in the fuzzing phase; the coverage phase adds its boundary cases.
MAX_EXAMPLES = 10
# Friend-request scenarios, and steps in each, in the stateful test.
SCENARIOS = 20
STEPS = 10
# What the stateful test walks through: a request sent, answered or withdrawn, a friendship
# ended (its links say which step may follow which).
LIFECYCLE = frozenset(
    {
        "POST /v1/friend-requests",
        "POST /v1/friend-requests/{request_id}/accept",
        "POST /v1/friend-requests/{request_id}/reject",
        "DELETE /v1/friend-requests/{request_id}",
        "DELETE /v1/me/friends/{username}",
    }
)
# The fuzzing learner and the learners it may befriend; generated usernames are drawn from
# these often enough that requests, blocks and profile reads also succeed.
ME = "fuzz_me"
OTHERS = ("fuzz_ann", "fuzz_ben", "fuzz_cat")
NAMES = (ME, *OTHERS)

HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # CI must fail (or pass) the same way every time.
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        # On purpose: an operation's requests share one database, as on a real server.
        HealthCheck.function_scoped_fixture,
    ],
)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 0,
        "generation": {"max-examples": MAX_EXAMPLES},
        "phases": {
            # One method no operation has is enough to see 405 answered as a problem.
            "coverage": {"unexpected-methods": ["PUT"]},
            # The lifecycle is walked with valid requests (invalid ones are the stateless
            # test's), along the links the document declares (none inferred).
            "stateful": {
                "max-steps": STEPS,
                "generation": {"mode": "positive"},
                "inference": {"algorithms": []},
            },
        },
    }
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    create_app(Settings(database_url="sqlite://"), FixedClock(START)),
    config=CONFIG,
).include(path_regex=r"^/v1/")


def problem_details(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> None:
    """Every 4xx is an RFC 9457 problem with Zeal's stable `code`."""
    if not 400 <= response.status_code < 500:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith(PROBLEM_TYPE), f"a {response.status_code} is {content_type}"
    body = response.json()
    assert isinstance(body, dict), body
    missing = {"type", "title", "status", "code"} - body.keys()
    assert not missing, f"the problem has no {sorted(missing)}: {body}"
    assert body["status"] == response.status_code, body
    assert body["type"] == f"urn:zeal:problem:{body['code']}", body


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    problem_details,
]


@schema.hook
def before_generate_body(context: schemathesis.HookContext, strategy: Any) -> Any:
    # Bodies naming a learner to befriend or block: often one who exists.
    operation = context.operation
    if operation is not None and operation.path in ("/v1/friend-requests", "/v1/me/blocks"):
        return st.one_of(strategy, st.sampled_from(OTHERS).map(lambda name: {"username": name}))
    return strategy


# The ids of the learners the running test signed up, by name (ids differ between backends).
SEEDED: dict[str, int] = {}
# Path parameters that name a learner, and their value for a learner's username.
LEARNER_PARAMETERS: dict[str, Callable[[str], object]] = {
    "username": lambda name: name,
    "user_id": lambda name: SEEDED[name],
}


@schema.hook
def before_generate_path_parameters(context: schemathesis.HookContext, strategy: Any) -> Any:
    # Paths naming a learner: often one who exists.
    path = context.operation.path if context.operation is not None else ""
    naming = [name for name in LEARNER_PARAMETERS if f"{{{name}}}" in path]
    if not naming:
        return strategy

    def name_a_learner(drawn: tuple[Any, str]) -> Any:
        parameters, learner = drawn
        if not isinstance(parameters, dict):  # deliberately invalid ones stay as they are
            return parameters
        return {**parameters, **{name: LEARNER_PARAMETERS[name](learner) for name in naming}}

    return st.one_of(strategy, st.tuples(strategy, st.sampled_from(NAMES)).map(name_a_learner))


@dataclass
class World:
    """The test's app and database, its learners and a platform key."""

    app: FastAPI
    db: Database
    ctx: Context
    learners: dict[str, User] = field(default_factory=dict)
    api_key: str = ""
    # Session tokens by learner id, made on first use.
    tokens: dict[int, str] = field(default_factory=dict)

    def seed(self) -> None:
        """Empty the database (as the `db` fixture does after a test) and sign up the learners."""
        with self.db.transaction() as session:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in CATALOG_TABLES:
                    session.execute(delete(table))
        self.learners = {name: make_learner(self.db, self.ctx, username=name) for name in NAMES}
        SEEDED.update((name, learner.id) for name, learner in self.learners.items())
        with self.db.transaction() as session:
            self.api_key, _ = accounts_service.create_api_key(session, self.ctx, name="fuzz")
        self.tokens.clear()

    def credentials(self, case: schemathesis.Case) -> dict[str, str]:
        """A session token of the learner who sends `case`, and the platform key."""
        actor = self._actor(case)
        if actor.id not in self.tokens:
            with self.db.transaction() as session:
                self.tokens[actor.id], _ = accounts_service.open_session(session, self.ctx, actor)
        return {"Authorization": f"Bearer {self.tokens[actor.id]}", "X-API-Key": self.api_key}

    def answered(self, case: schemathesis.Case, response: schemathesis.Response) -> None:
        # A DELETE that worked may have ended a session (signing out) or more: sign in again.
        if case.method.upper() == "DELETE" and response.status_code < 300:
            self.tokens.clear()

    def _actor(self, case: schemathesis.Case) -> User:
        """Who sends `case`: the learner it concerns, so that linked steps can succeed (the
        receiver answers a request, the sender withdraws it, a friend ends a friendship);
        otherwise `ME`."""
        params = case.path_parameters or {}
        request_id = params.get("request_id")
        if isinstance(request_id, int) and 1 <= request_id <= MAX_ID:
            with self.db.transaction(write=False) as session:
                request = session.get(FriendRequest, request_id)
                if request is not None:
                    answering = case.path.endswith(("/accept", "/reject"))
                    user_id = request.receiver_id if answering else request.sender_id
                    learners = (u for u in self.learners.values() if u.id == user_id)
                    return next(learners, self.learners[ME])
        friend = self.learners.get(str(params.get("username")))
        if case.path == "/v1/me/friends/{username}" and friend is not None:
            with self.db.transaction(write=False) as session:
                for learner in self.learners.values():
                    if pairs.active_friendship(session, learner.id, friend.id):
                        return learner
        return self.learners[ME]


@pytest.fixture
def world(db: Database, settings: Settings, clock: FixedClock) -> Iterator[World]:
    world = World(create_app(settings, clock), db, Context(settings=settings, clock=clock))
    world.seed()
    yield world
    # Schemathesis keeps the apps it started running; stop them (and their engines) now.
    shutdown_lifespans()


# Bugs the fuzzer found that are not fixed yet: operation -> (backends, what goes wrong).
@schema.parametrize()
@HYPOTHESIS
def test_every_operation_answers_as_declared(case: schemathesis.Case, world: World) -> None:
    response = case.call(headers=world.credentials(case), app=world.app)
    world.answered(case, response)
    case.validate_response(response, checks=CHECKS)


def test_the_friend_request_lifecycle_follows_its_links(world: World) -> None:
    lifecycle = schema.exclude(
        func=lambda ctx: ctx.operation.label not in LIFECYCLE
    ).as_state_machine()

    class Lifecycle(lifecycle):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            # Every scenario starts from the same state, or Hypothesis could not replay one.
            world.seed()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": world.credentials(case), "app": world.app}

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case) -> None:
            world.answered(case, response)

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS)

    Lifecycle.run(settings=settings(HYPOTHESIS, max_examples=SCENARIOS, stateful_step_count=STEPS))
