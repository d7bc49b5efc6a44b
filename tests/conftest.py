"""The test harness: every database test runs once per backend in ZEAL_TEST_DATABASES.

Each backend's database is created fresh and built by the Alembic migrations (never
`create_all`). Tests go through real transactions and real commits; the tables are emptied after
each test. A backend that is named but unreachable fails the run: it is never skipped.
"""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

import zeal.models  # noqa: F401
from tests.factories import signed_up
from tests.friends.helpers import Learner
from zeal import migrations
from zeal.app import create_app
from zeal.clock import FixedClock
from zeal.config import Settings, get_settings
from zeal.context import Context
from zeal.db import Base, Database, normalise_url

BACKENDS = [
    name.strip()
    for name in os.environ.get("ZEAL_TEST_DATABASES", "sqlite").split(",")
    if name.strip()
]
# Each run gets databases of its own (suffixed with the process id), so two runs on one machine
# never drop each other's; they are dropped again when the run ends.
_RUN = f"zeal_test_{os.getpid()}"
_SERVER_URLS = {
    "postgresql": os.environ.get(
        "ZEAL_TEST_POSTGRESQL_URL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{_RUN}"
    ),
    "mariadb": os.environ.get(
        "ZEAL_TEST_MARIADB_URL", f"mariadb+pymysql://root@127.0.0.1:3306/{_RUN}"
    ),
}
unknown = set(BACKENDS) - {"sqlite", *_SERVER_URLS}
if unknown:
    raise pytest.UsageError(f"ZEAL_TEST_DATABASES names unknown backends: {sorted(unknown)}")

# 2026-03-10 is a Tuesday; noon UTC is the same date in every zone from UTC-11 to UTC+11.
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _recreate_server_database(url: str, *, create: bool = True) -> None:
    parsed = make_url(normalise_url(url))
    name = parsed.database
    assert name, f"{url} names no database"
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        statements = [
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}"',
        ]
    else:
        admin = create_engine(parsed.set(database="mysql"))
        statements = [
            f"DROP DATABASE IF EXISTS `{name}`",
            f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        ]
    try:
        with admin.connect() as connection:
            for statement in statements if create else statements[:1]:
                connection.execute(text(statement))
            connection.commit()
    except Exception as exc:
        pytest.fail(f"test database server for {url} is unreachable: {exc}", pytrace=False)
    finally:
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    backend = request.param
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "zeal-test.db"
        url = f"sqlite:///{path}"
    else:
        url = _SERVER_URLS[backend]
        _recreate_server_database(url)
        request.addfinalizer(lambda: _recreate_server_database(url, create=False))
    migrations.upgrade(url)
    return url


def make_settings(database_url: str, **overrides: object) -> Settings:
    # Cheap Argon2 parameters: hashing cost is not what these tests are about.
    values: dict[str, object] = {
        "database_url": database_url,
        "password_time_cost": 1,
        "password_memory_kib": 8,
        "password_parallelism": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


# The badge catalog and the XP table are loaded by the migrations and kept between tests.
CATALOG_TABLES = {"metric", "badge", "badge_catalog", "xp_rule", "xp_table"}


@pytest.fixture
def db(database: Database) -> Iterator[Database]:
    """The backend's database, emptied after the test (all but the badge catalog)."""
    yield database
    with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in CATALOG_TABLES:
                session.execute(delete(table))


@pytest.fixture
def catalog_edits(db: Database) -> Iterator[Database]:
    """For tests that change the badge catalog: the default one is back afterwards."""
    yield db
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            session.execute(delete(table))
    assert migrations.ensure_default_catalog(db.engine.url.render_as_string(hide_password=False))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def ctx(settings: Settings, clock: FixedClock) -> Context:
    return Context(settings=settings, clock=clock)


@pytest.fixture
def client(db: Database, settings: Settings, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock)) as test_client:
        yield test_client


@pytest.fixture
def cli_env(db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The environment a `zeal` command reads: this backend's database, cheap hashing."""
    monkeypatch.setenv("ZEAL_DATABASE_URL", database_url)
    for name, value in (("TIME_COST", "1"), ("MEMORY_KIB", "8"), ("PARALLELISM", "1")):
        monkeypatch.setenv(f"ZEAL_PASSWORD_{name}", value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# Two learners many API tests start from: (their account, their session headers).
@pytest.fixture
def anna(client: TestClient) -> Learner:
    return signed_up(client, username="anna", display_name="Anna K", email="anna@example.com")


@pytest.fixture
def bob(client: TestClient) -> Learner:
    return signed_up(client, username="bob", display_name="Bob", email="bob@example.com")
