"""Alembic environment: the URL comes from the caller (`zeal db upgrade`, tests, alembic.ini)."""

from alembic import context

import zeal.models  # noqa: F401  (registers every table on Base.metadata)
from zeal.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "no database URL given to the migrations"
    engine = make_engine(url).execution_options(zeal_write=True)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Copying a table to change it drops the old one, and with foreign keys on, that
            # drop first deletes its rows and so cascades to every table referring to it.
            # Outside a transaction, where the pragma takes effect; checked again after.
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite can only change tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                assert not broken, f"foreign keys broken by the migrations: {broken[:5]}"
    engine.engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
