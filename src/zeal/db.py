"""Database plumbing: the declarative base, engines for the three supported servers, sessions."""

import select
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    CursorResult,
    DateTime,
    Engine,
    Insert,
    MetaData,
    SelectBase,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    exc,
    insert,
    update,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine

# Constraint names must come out the same on every backend, or migrations drift.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored as naive UTC (MariaDB's DATETIME has no zone), read back aware."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` and `mysql://`/`mariadb://` URLs and pick our drivers."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend in ("mysql", "mariadb") and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="mariadb+pymysql")
    if parsed.get_backend_name() in ("mysql", "mariadb") and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed.render_as_string(hide_password=False)


# How long to wait for a database connection when the caller names no other limit.
DEFAULT_TIMEOUT_SECONDS = 5


# Requests let into a serving process at once unless its settings say otherwise (twice the
# default `ZEAL_REQUEST_THREADS`, see `Settings.requests_at_once`).
DEFAULT_REQUESTS_AT_ONCE = 16


def pool_size_for(requests_at_once: int) -> int:
    """Connections a process keeps: two for each request let in at once (a request may open
    a second transaction, to settle streaks) and ten for the webhook worker's threads."""
    return 2 * requests_at_once + 10


def make_engine(
    url: str,
    *,
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
    requests_at_once: int = DEFAULT_REQUESTS_AT_ONCE,
) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    # An unreachable server must fail a request within the timeout (503), not hang it: libpq
    # waits forever by default. A `connect_timeout` in the URL itself wins.
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = timeout_seconds
    # Read committed everywhere: after a learner's row is locked, every read sees what the
    # previous writer committed (MariaDB's default, repeatable read, would show a stale snapshot).
    engine = create_engine(
        url,
        connect_args=connect_args,
        isolation_level="READ COMMITTED",
        # Keep a connection for every request that can be in flight at once: a connection
        # beyond the pool is closed when returned, and opening the next one costs a PostgreSQL
        # backend and a sign-in, several requests' worth of work. They are opened only when
        # that many are in use at once.
        pool_size=pool_size_for(requests_at_once),
        max_overflow=0,
        pool_recycle=3_600,
    )
    _replace_dropped_connections(engine)
    if backend == "postgresql":
        _plan_boards_each_run(engine)
    return engine


# Execution options for a statement whose best plan depends on its parameters' values (a
# board summed over a window of days: one day or a year). See `_plan_boards_each_run`.
PLAN_EACH_RUN = {"zeal_plan_each_run": True}


def _plan_boards_each_run(engine: Engine) -> None:
    """psycopg prepares a statement after five runs, and PostgreSQL then plans it once for
    any parameters when that plan looks no costlier. For the lookups by key that most
    requests send, planning again was half the database's work on a practice event (measured
    with pg_stat_statements' track_planning). The boards of a week, a month or all time
    and the streak boards, which read one stored row per member, keep that one plan too: it
    ran as fast as planning each run, or faster (half the time for a 36-student class among
    100,000 learners). A board summed over a window of days does not: a year's window over
    1,000 students ran in 308 ms on the one plan against 67 ms on its own, so statements run
    with `PLAN_EACH_RUN` are sent unprepared, planned on every run for their own parameters."""

    @event.listens_for(engine, "do_execute")
    def _on_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        if not context.execution_options.get("zeal_plan_each_run"):
            return False
        cursor.execute(statement, parameters, prepare=False)
        return True


def _replace_dropped_connections(engine: Engine) -> None:
    """Zeal recovers by itself when the database comes back: a pooled connection the server
    closed (a restart, an idle timeout) is replaced before a request gets it.

    An idle connection has nothing to read unless the server hung up (end of stream, or a
    last error message), so a zero-timeout poll of its socket tells, with no round trip; a
    ping before every checkout (`pool_pre_ping`) cost one per request."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _hung_up(dbapi_connection):
            raise exc.DisconnectionError("the database closed this connection")


def _hung_up(dbapi_connection: Any) -> bool:
    sock = getattr(dbapi_connection, "_sock", None)  # PyMySQL
    try:
        fileno = sock.fileno() if sock is not None else dbapi_connection.fileno()
        readable, _, _ = select.select([fileno], [], [], 0)
    except (OSError, ValueError, AttributeError):
        return True  # closed already, or no socket left to poll
    return bool(readable)


def _configure_sqlite(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, and BEGIN IMMEDIATE for writing transactions.

    A deferred transaction that reads and then writes can fail with SQLITE_BUSY when another
    writer got in between; taking the write lock up front makes writers queue instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        writing = conn.get_execution_options().get("zeal_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """An engine with two session factories: one for reading requests, one for writing ones."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS,
        requests_at_once: int = DEFAULT_REQUESTS_AT_ONCE,
    ) -> None:
        self.engine = make_engine(
            url, timeout_seconds=timeout_seconds, requests_at_once=requests_at_once
        )
        self.backend = self.engine.dialect.name
        # SQLite takes one writer at a time; waiting writers poll with growing sleeps, which
        # gives second-long tails under load. Within a process they queue on this lock instead
        # (other processes still meet SQLite's busy timeout).
        self._sqlite_writer = threading.Lock() if self.backend == "sqlite" else None
        # Reads need no transaction: under read committed each statement sees what was
        # committed when it began, in a transaction or not. On PostgreSQL autocommit saves the
        # BEGIN and ROLLBACK round trips (psycopg switches it without asking the server; with
        # PyMySQL the switch and its undoing would cost as much as they save).
        self._reads = self.engine
        if self.backend == "postgresql":
            self._reads = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = sessionmaker(self._reads, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(zeal_write=True), expire_on_commit=False
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        if write and self._sqlite_writer is not None:
            with self._sqlite_writer, self._write.begin() as session:
                yield session
            return
        factory = self._write if write else self._read
        with factory.begin() as session:
            yield session

    def ping(self) -> None:
        """One round trip to the database (the health check): a bare connection, as a reading
        request would get one, without the cost of a session."""
        with self._reads.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        self.engine.dispose()


def upsert(
    backend: str,
    table: Table,
    values: Mapping[str, Any] | tuple[Sequence[str], SelectBase],
    keys: Sequence[str],
    changes: Callable[[Any], Mapping[str, Any]],
) -> Insert:
    """INSERT `values` (one row, or column names and a SELECT of rows), or UPDATE the row
    already holding the same `keys` with `changes`, given the row the INSERT proposed: one
    atomic statement on every backend (PostgreSQL and SQLite: ON CONFLICT DO UPDATE; MariaDB:
    ON DUPLICATE KEY UPDATE, on the table's unique key)."""

    def filled(statement: Any) -> Any:
        if isinstance(values, tuple):
            names, rows = values
            return statement.from_select(names, rows)
        return statement.values(values)

    if backend in ("mysql", "mariadb"):
        on_duplicate = filled(mysql.insert(table))
        # As pairs: MariaDB assigns left to right, each seeing those before, and SQLAlchemy
        # keeps the order only of pairs (a mapping comes out in the table's column order).
        pairs = list(changes(on_duplicate.inserted).items())
        return cast(Insert, on_duplicate.on_duplicate_key_update(pairs))
    dialect = postgresql if backend == "postgresql" else sqlite
    on_conflict = filled(dialect.insert(table))
    return cast(
        Insert,
        on_conflict.on_conflict_do_update(
            index_elements=list(keys), set_=changes(on_conflict.excluded)
        ),
    )


def insert_new(
    backend: str,
    table: Table,
    rows: Sequence[Mapping[str, Any]] | tuple[Sequence[str], SelectBase],
) -> Insert:
    """INSERT the `rows` (values, or column names and a SELECT) a unique key of the table does
    not hold already, skipping the others without an error; with RETURNING, only the rows
    inserted come back (PostgreSQL and SQLite: ON CONFLICT DO NOTHING; MariaDB: INSERT IGNORE,
    whose other errors a full row of valid values cannot meet)."""

    def filled(statement: Any) -> Any:
        if isinstance(rows, tuple):
            return statement.from_select(*rows)
        return statement.values(list(rows))

    if backend in ("mysql", "mariadb"):
        return cast(Insert, filled(insert(table).prefix_with("IGNORE")))
    dialect = postgresql if backend == "postgresql" else sqlite
    return cast(Insert, filled(dialect.insert(table)).on_conflict_do_nothing())


def stamp_new_version(session: Session, table: Table) -> None:
    """Give a one-row version table (`id` 1, `version`) a new random version, inserting the
    row when there is none. Processes that cache what it versions read that again once they
    see a version they have not cached; random, as a counter could come back to a value
    already cached after its row was deleted."""
    version = uuid.uuid4().hex
    stamped = session.execute(update(table).where(table.c.id == 1).values(version=version))
    if not cast(CursorResult[Any], stamped).rowcount:
        session.execute(insert(table).values(id=1, version=version))


def binary_order(backend: str, column: ColumnElement[str]) -> ColumnElement[str]:
    """`column` compared byte by byte (as Python compares str), whatever the database's
    collation: an ORDER BY whose order must not depend on the server's locale."""
    if backend == "postgresql":
        return column.collate("C")
    if backend in ("mysql", "mariadb"):
        return column.collate("utf8mb4_bin")
    return column  # SQLite compares text with BINARY unless told otherwise


def writes(session: Session) -> bool:
    """Whether `session` came from `Database.transaction(write=True)`."""
    return bool(session.get_bind().get_execution_options().get("zeal_write", False))


@contextmanager
def one_transaction(url: str, *, write: bool = True) -> Iterator[Session]:
    """A single unit of work on a database opened for it and closed after (CLI, set-up)."""
    database = Database(url)
    try:
        with database.transaction(write=write) as session:
            yield session
    finally:
        database.dispose()


class among(ColumnElement[bool]):
    """In a query: `column` is one of the list passed as parameter `name`. Everywhere an
    expanding `IN`; on PostgreSQL `column = ANY(:name)`, one array parameter, so the SQL is
    the same whatever the list's length and psycopg converts it once (an `IN` list of 50 ids
    cost more to render and convert on every run than PostgreSQL spent answering)."""

    inherit_cache = True
    type = Boolean()
    # A condition in itself: without this, SQLite and MariaDB get `id IN (...) = 1`, which no
    # index serves (a league week's close read its whole table for each update).
    _is_implicitly_boolean = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own declaration)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: Any, name: str) -> None:
        self.column: ColumnElement[Any] = coercions.expect(roles.ExpressionElementRole, column)
        self.name = name


@compiles(among)
def _among_in(element: among, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(among, "postgresql")
def _among_any(element: among, compiler: SQLCompiler, **kw: Any) -> str:
    items = postgresql.ARRAY(element.column.type)
    return compiler.process(element.column == any_(bindparam(element.name, type_=items)), **kw)
