"""Counting the SQL statements a request sends, to pin that a read costs a fixed number."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event


@contextmanager
def counted(client: TestClient) -> Iterator[list[str]]:
    with counted_on(client.app.state.database.engine) as statements:  # type: ignore[attr-defined]
        yield statements


@contextmanager
def counted_on(engine: Engine) -> Iterator[list[str]]:
    """The statements sent through `engine` while the block runs."""
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
