"""The `zeal` command: serve, migrate, load the demo world, manage platform API keys."""

from typing import Annotated

import typer

from zeal import demo, migrations
from zeal.accounts import service as accounts_service
from zeal.config import get_settings
from zeal.context import Context
from zeal.db import Database

app = typer.Typer(
    pretty_exceptions_enable=False,
    help="Zeal: streaks, friends, badges and leaderboards for learning apps.",
)
db_app = typer.Typer(help="Database schema.")
keys_app = typer.Typer(help="Platform API keys (X-API-Key).")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="api-keys")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: ZEAL_HOST or 127.0.0.1")] = None,
    port: Annotated[int | None, typer.Option(help="Default: ZEAL_PORT or 8000")] = None,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
) -> None:
    """Serve the HTTP API."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "zeal.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="info",
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations to ZEAL_DATABASE_URL."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command("demo")
def load_demo(
    learners: Annotated[int, typer.Option(help="How many demo learners.")] = 30,
    days: Annotated[int, typer.Option(help="Days of practice history.")] = 28,
) -> None:
    """Load a believable demo world once (does nothing when it is already there)."""
    database = Database(get_settings().database_url)
    try:
        with database.transaction() as session:
            created = demo.load(session, Context(get_settings()), learners=learners, days=days)
    finally:
        database.dispose()
    if created:
        typer.echo(
            f"demo world loaded: {created} learners; sign in as any of them with "
            f"password '{demo.PASSWORD}' (e.g. login 'ana')"
        )
    else:
        typer.echo("demo world already loaded")


@keys_app.command("create")
def create_key(name: Annotated[str, typer.Argument(help="Who the key is for.")]) -> None:
    """Create a key; it is printed once and stored only hashed."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            secret, row = accounts_service.create_api_key(session, Context(settings), name=name)
            key_id = row.id
    finally:
        database.dispose()
    typer.echo(f"api key {key_id} ({name}): {secret}")
    typer.echo("Store it now: Zeal keeps only its hash.", err=True)


@keys_app.command("list")
def list_keys() -> None:
    """List keys (their prefixes only)."""
    database = Database(get_settings().database_url)
    try:
        with database.transaction(write=False) as session:
            for key in accounts_service.list_api_keys(session):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                typer.echo(f"{key.id}\t{key.key_prefix}…\t{key.name}\t{state}")
    finally:
        database.dispose()


@keys_app.command("revoke")
def revoke_key(key_id: int) -> None:
    """Revoke a key at once."""
    settings = get_settings()
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            done = accounts_service.revoke_api_key(session, Context(settings), key_id)
    finally:
        database.dispose()
    if not done:
        typer.echo(f"no active key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"api key {key_id} revoked")


if __name__ == "__main__":
    app()
