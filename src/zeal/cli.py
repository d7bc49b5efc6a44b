"""The `zeal` command: serve, migrate, load the demo world, manage platforms and their keys."""

import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from zeal import demo, migrations
from zeal.accounts import service as accounts_service
from zeal.badges import catalog, catch_up
from zeal.config import Settings, get_settings
from zeal.context import Context
from zeal.db import one_transaction
from zeal.errors import ZealError
from zeal.practice import xp

app = typer.Typer(
    pretty_exceptions_enable=False,
    help="Zeal: streaks, friends, badges and leaderboards for learning apps.",
)
db_app = typer.Typer(help="Database schema.")
platforms_app = typer.Typer(help="Platforms: each has its keys and its own learners.")
keys_app = typer.Typer(help="Platform API keys (X-API-Key).")
badges_app = typer.Typer(help="The badge catalog and catching up on awards.")
leagues_app = typer.Typer(help="Weekly leagues.")
app.add_typer(db_app, name="db")
app.add_typer(platforms_app, name="platforms")
app.add_typer(keys_app, name="api-keys")
app.add_typer(badges_app, name="badges")
app.add_typer(leagues_app, name="leagues")


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
        "zeal.app:serving_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        **uvicorn_options(settings),
    )


@app.command()
def worker() -> None:
    """Deliver webhooks and write streak notices, until stopped (Ctrl-C or SIGTERM). Needed
    only where `zeal serve` runs with ZEAL_SERVE_WORKER=false; several may run at once."""
    from zeal.db import Database
    from zeal.worker import Worker

    settings = get_settings()
    database = Database(settings.database_url, timeout_seconds=settings.database_timeout_seconds)
    running = Worker(database, Context(settings=settings))
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: running.stop())
    running.start()
    typer.echo("Zeal worker: delivering webhooks. Ctrl-C stops.")
    running.wait()
    database.dispose()


def uvicorn_options(settings: Settings | None = None) -> dict[str, Any]:
    """How uvicorn serves Zeal; `bench.hello` serves the bare stack the same way."""
    settings = settings or get_settings()
    return {
        "proxy_headers": True,
        "forwarded_allow_ips": settings.trusted_proxies,
        "log_level": "info",
    }


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the Alembic migrations to ZEAL_DATABASE_URL."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"database at {revision}")


@app.command("demo")
def load_demo(
    learners: Annotated[int, typer.Option(help="How many demo learners.")] = 30,
    days: Annotated[int, typer.Option(help="Days of practice history.")] = demo.HISTORY_DAYS,
) -> None:
    """Load a believable demo world once (does nothing when it is already there)."""
    created = demo.load_world(get_settings(), learners=learners, days=days)
    if created.learners:
        typer.echo(
            f"demo world loaded: {created.learners} learners; sign in as any of them with "
            f"password '{demo.PASSWORD}' (e.g. login 'ana')"
        )
        typer.echo(
            f'platform "{demo.DEMO_PLATFORM}" knows five of them as demo-1 ... demo-5; its '
            f"API key (shown once): {created.api_key}"
        )
    else:
        typer.echo("demo world already loaded")


@platforms_app.command("create")
def create_platform(name: Annotated[str, typer.Argument(help="The platform's name.")]) -> None:
    """Create a platform; give it keys with `zeal api-keys create --platform NAME`."""
    settings = get_settings()
    try:
        with one_transaction(settings.database_url) as session:
            platform = accounts_service.create_platform(session, Context(settings), name)
            platform_id = platform.id
    except ZealError as refused:
        typer.echo(str(refused), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"platform {platform_id} ({name}) created")


@platforms_app.command("list")
def list_platforms() -> None:
    """List platforms."""
    with one_transaction(get_settings().database_url, write=False) as session:
        for platform in accounts_service.list_platforms(session):
            typer.echo(f"{platform.id}\t{platform.name}\tsince {platform.created_at:%Y-%m-%d}")


@keys_app.command("create")
def create_key(
    name: Annotated[str, typer.Argument(help="Who the key is for.")],
    platform: Annotated[
        str, typer.Option(help="The platform the key acts for (made when it does not exist).")
    ] = accounts_service.DEFAULT_PLATFORM,
) -> None:
    """Create a key; it is printed once and stored only hashed."""
    settings = get_settings()
    with one_transaction(settings.database_url) as session:
        secret, row = accounts_service.create_api_key(
            session, Context(settings), name=name, platform=platform
        )
        key_id = row.id
    typer.echo(f"api key {key_id} ({name}, platform {platform}): {secret}")
    typer.echo("Store it now: Zeal keeps only its hash.", err=True)


@keys_app.command("list")
def list_keys() -> None:
    """List keys (their prefixes only)."""
    with one_transaction(get_settings().database_url, write=False) as session:
        for key, platform in accounts_service.list_api_keys(session):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
            typer.echo(f"{key.id}\t{key.key_prefix}…\t{key.name}\t{platform}\t{state}")


@keys_app.command("revoke")
def revoke_key(key_id: int) -> None:
    """Revoke a key at once."""
    settings = get_settings()
    with one_transaction(settings.database_url) as session:
        done = accounts_service.revoke_api_key(session, Context(settings), key_id)
    if not done:
        typer.echo(f"no active key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"api key {key_id} revoked")


def _print_catch_up(report: catch_up.CatchUpReport, dry_run: bool) -> None:
    verb = "would get" if dry_run else "got"
    for username, names in sorted(report.awards.items()):
        typer.echo(f"  {username} {verb}: {', '.join(names)}")
    typer.echo(
        f"{report.learners} learners checked; {report.badges} badges "
        f"{'would be ' if dry_run else ''}awarded to {len(report.awards)} learners"
    )


@badges_app.command("load")
def load_badges(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    dry_run: Annotated[bool, typer.Option(help="Check and report; change nothing.")] = False,
) -> None:
    """Load a catalog file (idempotent), then award what learners already qualify for."""
    try:
        text = file.read_text(encoding="utf-8")
        specs, xp_rules = catalog.parse(text), catalog.parse_xp(text)
    except catalog.CatalogError as exc:
        typer.echo(f"{file}: the catalog has {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1) from None
    settings = get_settings()
    with one_transaction(settings.database_url) as session:
        report = catalog.load(session, specs)
        typer.echo(
            f"catalog: {len(report.created)} created, {len(report.updated)} updated"
            + (f", {len(report.kept)} kept (not in the file)" if report.kept else "")
        )
        for line in report.created:
            typer.echo(f"  + {line}")
        for line in report.updated:
            typer.echo(f"  ~ {line}")
        if xp_rules is not None:
            _load_xp(session, xp_rules)
        awarded = catch_up.catch_up(session, Context(settings), dry_run=dry_run)
        _print_catch_up(awarded, dry_run)
        if dry_run:
            session.rollback()
            typer.echo("dry run: nothing was changed")


def _load_xp(session: Session, rules: list[xp.Rule]) -> None:
    changes = xp.load(session, rules)
    typer.echo(f"xp table: {len(changes)} change(s); new events earn by it, earned XP stays")
    for line in changes:
        typer.echo(f"  {line}")


@badges_app.command("recompute")
def recompute_badges(
    dry_run: Annotated[
        bool, typer.Option(help="Print who would get what; change nothing.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000)] = 500,
) -> None:
    """Award every badge learners already qualify for (counters rebuilt from the ledger)."""
    settings = get_settings()
    with one_transaction(settings.database_url, write=not dry_run) as session:
        report = catch_up.catch_up(
            session, Context(settings), dry_run=dry_run, batch_size=batch_size
        )
        _print_catch_up(report, dry_run)
        if dry_run:
            session.rollback()


@leagues_app.command("close-week")
def close_week(
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Groups a transaction.")] = 200,
) -> None:
    """Write the results of every league group whose week has ended (the worker does this
    each minute; running it again, or at the same time, changes nothing more)."""
    from zeal.db import Database
    from zeal.leagues.closing import close_weeks

    settings = get_settings()
    database = Database(settings.database_url, timeout_seconds=settings.database_timeout_seconds)
    try:
        closed = close_weeks(database, Context(settings), batch=batch_size)
    finally:
        database.dispose()
    moved = ", ".join(f"{count} {outcome}" for outcome, count in closed.outcomes.items())
    typer.echo(f"{closed.groups} groups closed, {closed.learners} learners ({moved})")


if __name__ == "__main__":
    app()
