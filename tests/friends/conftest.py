"""Two learners most friends tests start from."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import signed_up
from tests.friends.helpers import Learner


@pytest.fixture
def anna(client: TestClient) -> Learner:
    return signed_up(client, username="anna", display_name="Anna K", email="anna@example.com")


@pytest.fixture
def bob(client: TestClient) -> Learner:
    return signed_up(client, username="bob", display_name="Bob", email="bob@example.com")
