"""Alembic migrations; `upgrade(url)` is what `zeal db upgrade` and the tests call."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select

from zeal.badges.models import Metric
from zeal.db import normalise_url, one_transaction

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    # `%` would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations; a database with no badge catalog yet gets the default one."""
    command.upgrade(alembic_config(url), revision)
    if revision == "head":
        ensure_default_catalog(url)


def ensure_default_catalog(url: str) -> bool:
    """Load Zeal's default catalog unless the database has one; True when it was loaded."""
    from zeal.badges import catalog, catch_up
    from zeal.config import Settings
    from zeal.context import Context
    from zeal.practice import xp

    with one_transaction(url) as session:
        if session.scalar(select(Metric.id).limit(1)) is not None:
            return False
        text = catalog.default_catalog_text()
        catalog.load(session, catalog.parse(text))
        xp.load(session, catalog.parse_xp(text) or [])
        # Learners from before badges existed get what their history earned.
        catch_up.catch_up(session, Context(Settings(database_url=url)))
        return True
