"""The weekly league: this week's group with its zones, the time left in the week (which ends
at one instant for everyone), and how last week ended."""

from dataclasses import dataclass
from itertools import groupby

from fastapi import APIRouter
from fastapi.responses import Response

from zeal.context import Context
from zeal.leagues import service
from zeal.leagues.rules import Zone
from zeal.leagues.service import GroupRow, League, Tier
from zeal.routing import Route
from zeal.web.formats import plural
from zeal.web.pages import LearnerDep

router = APIRouter(route_class=Route)


@dataclass(frozen=True)
class Section:
    """A run of the group's rows in one zone, shown under a heading that says what it means."""

    zone: Zone
    rows: list[GroupRow]


@dataclass(frozen=True)
class Moves:
    """Where the zones lead from this tier: None where nobody moves (the first or last tier,
    or a zone of no places)."""

    up: Tier | None
    down: Tier | None


def sections(rows: list[GroupRow]) -> list[Section]:
    """The group best first, cut where the zone changes (promotion, safe, demotion)."""
    return [Section(zone, list(run)) for zone, run in groupby(rows, key=lambda r: r.standing.zone)]


def moves(ctx: Context, league: League) -> Moves:
    position, last = league.tier.position, len(ctx.settings.league_tier_list) - 1
    up = position < last and league.promoted > 0
    down = position > 0 and league.demoted > 0
    return Moves(
        service.tier_named(ctx, position + 1) if up else None,
        service.tier_named(ctx, position - 1) if down else None,
    )


def week_left(seconds: float) -> str:
    """How long the week has left: 3 days 4 hours, 1 day, 5 hours 12 minutes, 40 minutes."""
    minutes = max(0, int(seconds)) // 60
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return plural(days, "day") + (f" {plural(hours, 'hour')}" if hours else "")
    if hours:
        return plural(hours, "hour") + (f" {plural(minutes, 'minute')}" if minutes else "")
    return plural(minutes, "minute") if minutes else "under a minute"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


@router.get("/league")
def league_page(web: LearnerDep) -> Response:
    league = service.league(web.session, web.ctx, web.me)
    seconds_left = (league.ends_at - web.ctx.clock.now()).total_seconds()
    return web.render(
        "league.html",
        league=league,
        running=web.ctx.settings.leagues,
        week_left=week_left(seconds_left),
        sections=sections(league.rows),
        moves=moves(web.ctx, league),
        ordinal=ordinal,
    )
