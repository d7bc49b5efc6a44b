"""A believable demo world: learners across time zones with 20 weeks of practice and a
running weekly league.

Everything goes through the same services as the API, with a clock walked through the past, so
the demo's streaks and ledger obey exactly the rules real learners get. The walk goes learner
by learner, so it runs with leagues off (a placement would read groups of weeks not finished
in the walk); the XP of the league's last weeks is then replayed in time order across all
learners, each week closed when the next begins as the worker does, and the current week is
left running: last week's promoted learners play a tier up this week.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zeal.accounts import service as accounts_service
from zeal.accounts.models import User
from zeal.accounts.queries import lock_learners
from zeal.celebrations import service as celebrations
from zeal.clock import Clock, FixedClock, SystemClock
from zeal.cohorts import service as cohorts_service
from zeal.cohorts.models import LeaderboardNames, Role
from zeal.config import Settings
from zeal.context import Context
from zeal.db import Database
from zeal.friends import requests
from zeal.friends.models import RequestStatus
from zeal.leagues import closing, placement
from zeal.leagues.rules import week_bounds, week_of
from zeal.limits.counters import counters_for
from zeal.limits.service import Limits
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.recording import Practice
from zeal.use_cases import friendships
from zeal.use_cases.record_practice import record_practice

PASSWORD = "zeal-demo"
HISTORY_DAYS = 140  # 20 weeks: a calendar full enough to look lived in
EMAIL_DOMAIN = "example.com"

# (username, display name, time zone, languages)
CAST: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("ana", "Ana Lima", "America/Sao_Paulo", ("es", "en")),
    ("ben", "Ben Carter", "America/New_York", ("fr",)),
    ("chen", "Chen Wei", "Asia/Shanghai", ("en", "ja")),
    ("dara", "Dara Okafor", "Africa/Lagos", ("fr",)),
    ("elif", "Elif Demir", "Europe/Istanbul", ("de", "en")),
    ("freja", "Freja Nielsen", "Europe/Copenhagen", ("es",)),
    ("gabriel", "Gabriel Rossi", "Europe/Rome", ("en",)),
    ("hana", "Hana Sato", "Asia/Tokyo", ("ko", "en")),
    ("ivan", "Ivan Petrov", "Europe/Sofia", ("it",)),
    ("jules", "Jules Martin", "Europe/Paris", ("da",)),
    ("kai", "Kai Kealoha", "Pacific/Honolulu", ("ja",)),
    ("lena", "Lena Schmidt", "Europe/Berlin", ("sv", "nl")),
    ("mateo", "Mateo Garcia", "America/Mexico_City", ("en",)),
    ("nora", "Nora Haddad", "Asia/Beirut", ("fr", "en")),
    ("oliver", "Oliver Brown", "Europe/London", ("de",)),
    ("priya", "Priya Sharma", "Asia/Kolkata", ("de",)),
    ("quinn", "Quinn Taylor", "America/Los_Angeles", ("es",)),
    ("rosa", "Rosa Jansen", "Europe/Amsterdam", ("pt",)),
    ("sami", "Sami Virtanen", "Europe/Helsinki", ("sv",)),
    ("tane", "Tane Parata", "Pacific/Auckland", ("mi", "en")),
    ("uma", "Uma Reddy", "Asia/Kolkata", ("en",)),
    ("viktor", "Viktor Novak", "Europe/Prague", ("en", "de")),
    ("wanjiru", "Wanjiru Kamau", "Africa/Nairobi", ("sw", "en")),
    ("xin", "Xin Li", "Asia/Singapore", ("fr",)),
    ("yusuf", "Yusuf Aydin", "Europe/Istanbul", ("ar",)),
    ("zoe", "Zoe Walker", "Australia/Sydney", ("it",)),
    ("aroha", "Aroha Ngata", "Pacific/Kiritimati", ("es",)),
    ("sione", "Sione Tuilagi", "Pacific/Pago_Pago", ("en",)),
    ("marta", "Marta Kowalska", "Europe/Warsaw", ("en", "es")),
    ("leo", "Leo Dubois", "America/Montreal", ("fr", "en")),
)


@dataclass(frozen=True)
class DemoWorld:
    learners: int  # how many were created (0: the demo was loaded before)
    api_key: str | None  # a key of the demo platform, shown once


def load_world(
    settings: Settings,
    *,
    learners: int = 30,
    days: int = HISTORY_DAYS,
    clock: Clock | None = None,
) -> DemoWorld:
    """Open the settings' database and load the demo world into it, in one transaction,
    with its history up to `clock`'s now (the system's by default)."""
    database = Database(settings.database_url)
    ctx = Context(settings, clock or SystemClock())
    limits = Limits(settings, counters_for(database, settings), ctx.clock)
    try:
        with database.transaction() as session:
            return load(session, ctx, limits, learners=learners, days=days)
    finally:
        database.dispose()


def load(
    session: Session, ctx: Context, limits: Limits, *, learners: int = 30, days: int = HISTORY_DAYS
) -> DemoWorld:
    """Create the cast, their practice and a platform that knows five of them by its ids."""
    first = f"{CAST[0][0]}@{EMAIL_DOMAIN}"
    if session.scalar(select(User.id).where(User.email == first)) is not None:
        return DemoWorld(0, None)
    rng = random.Random(20261124)
    now = ctx.clock.now()
    before = replace(ctx, clock=FixedClock(now - timedelta(days=days + 1)))
    cast = [CAST[i % len(CAST)] for i in range(learners)]
    users = []
    for index, (username, name, zone, _) in enumerate(cast):
        suffix = "" if index < len(CAST) else str(index)
        users.append(
            accounts_service.create_user(
                session,
                before,
                email=f"{username}{suffix}@{EMAIL_DOMAIN}",
                password=PASSWORD,
                display_name=name,
                username=username + suffix,
                timezone=zone,
            )
        )
    _befriend(session, before, limits, users, rng)
    _classes(session, before, users)
    api_key = _platform(session, before, users)
    walking = replace(ctx, settings=ctx.settings.model_copy(update={"leagues": False}))
    earned: list[Earned] = []
    for user, (_, _, _, languages) in zip(users, cast, strict=True):
        habit = _habit(user.username, rng)
        earned += _practise(session, walking, user, languages, habit, days=days, now=now, rng=rng)
    _league(session, ctx, [user.id for user in users], earned)
    celebrations.settle(session, ctx, [user.id for user in users])
    return DemoWorld(len(cast), api_key)


@dataclass(frozen=True)
class Habit:
    """How a learner practised: `run` days in a row up to their last practice, which was
    `lapsed` days before today (0: today or yesterday counts), and on `often` of the days
    before that run."""

    run: int
    lapsed: int
    often: float
    skipped: int = -1  # a day (back from today) inside the run left out: a freeze keeps it


# The first learners' habits are chosen, so ana's friends are mid-streak with friend streaks
# of different lengths and her class has a student who lapsed (dara); the rest are drawn.
HABITS = {
    "ana": Habit(run=47, lapsed=0, often=0.9),
    "ben": Habit(run=131, lapsed=0, often=1.0),
    "chen": Habit(run=12, lapsed=0, often=0.8),
    "dara": Habit(run=9, lapsed=5, often=0.7),
    # elif missed a day three days ago; a freeze her streak earned kept it.
    "elif": Habit(run=26, lapsed=0, often=0.9, skipped=3),
    "freja": Habit(run=4, lapsed=0, often=0.6),
}


def _habit(username: str, rng: random.Random) -> Habit:
    drawn = Habit(
        run=rng.choice((2, 3, 6, 9, 15, 21, 33, 60)),
        lapsed=rng.choice((0, 0, 0, 0, 0, 3)),
        often=rng.choice((0.9, 0.8, 0.7, 0.5)),
    )
    return HABITS.get(username, drawn)


DEMO_PLATFORM = "Demo Platform"


def _platform(session: Session, ctx: Context, users: list[User]) -> str:
    """A platform that knows the first five learners by its own ids (demo-1 ... demo-5), and
    a key of it, so its API can be tried at once; returns the key."""
    secret, key = accounts_service.create_api_key(session, ctx, name="demo", platform=DEMO_PLATFORM)
    for number, user in enumerate(users[:5], start=1):
        user.platform_id, user.external_id = key.platform_id, f"demo-{number}"
    session.flush()
    return secret


def _classes(session: Session, ctx: Context, users: list[User]) -> None:
    """Two classes: a Spanish class with its board on (the first learner teaches it) and an
    English class with an anonymous board."""
    if len(users) < 6:
        return
    half = len(users) // 2
    spanish = cohorts_service.create_cohort(
        session, ctx, users[0], name="Spanish 2B", has_leaderboard=True
    )
    english = cohorts_service.create_cohort(
        session, ctx, users[half], name="English for Travel", has_leaderboard=True
    )
    cohorts_service.update_cohort(
        session, ctx, users[half], english.id, leaderboard_names=LeaderboardNames.ANONYMOUS
    )
    for student in users[1:half]:
        cohorts_service.join_cohort(session, ctx, student, invite_code=spanish.invite_code)
    for student in users[half + 1 :]:
        cohorts_service.join_cohort(session, ctx, student, invite_code=english.invite_code)


def _befriend(
    session: Session, ctx: Context, limits: Limits, users: list[User], rng: random.Random
) -> None:
    """Each learner is friends with the next two in the cast and one more at random; the
    last three have asked the first learner and wait for an answer."""
    pairs: set[tuple[int, int]] = set()
    n = len(users)
    for i in range(n):
        for j in (i + 1, i + 2, rng.randrange(n)):
            if j % n != i and n > 3:
                pairs.add((min(i, j % n), max(i, j % n)))
    waiting = {(0, k) for k in range(max(n - 3, 1), n)}
    for i, j in sorted(pairs - waiting):
        request = friendships.send_friend_request(
            session, ctx, limits, users[i], username=users[j].username
        )
        if request.status == RequestStatus.PENDING:
            friendships.accept_friend_request(session, ctx, users[j], request.id)
    for _, k in sorted(waiting & {(0, k) for k in range(1, n)}):
        friendships.send_friend_request(session, ctx, limits, users[k], username=users[0].username)


LEAGUE_WEEKS = 2  # last week and this one: 30 learners fill one group, then two tiers


@dataclass(frozen=True)
class Earned:
    """The XP one event of the walk earned, and when."""

    user_id: int
    occurred_at: datetime
    xp: int


def _practise(
    session: Session,
    ctx: Context,
    user: User,
    languages: tuple[str, ...],
    habit: Habit,
    *,
    days: int,
    now: datetime,
    rng: random.Random,
) -> list[Earned]:
    """Walk the learner's days up to `now`, recording their practice; the XP each event
    earned, for the league's replay."""
    zone = ZoneInfo(user.timezone)
    today = now.astimezone(zone).date()
    clock = FixedClock(now)
    walked = replace(ctx, clock=clock)
    earned: list[Earned] = []
    for back in range(days, -1, -1):
        if not _practises(habit, back, rng):
            continue
        day = today - timedelta(days=back)
        # The last four weeks in full; the months before them in short sessions.
        recent = back <= 28
        for language in languages[: rng.choice((1, 1, 2)) if recent else 1]:
            start = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)), zone)
            if back == 0:  # today's session is done already, at whatever hour the demo loads
                start = max(min(start, now - timedelta(minutes=40)), _midnight(day, zone))
            practices = _session_of_practice(language, rng)
            for offset, practice in enumerate(practices if recent else practices[:2]):
                at = start + timedelta(minutes=3 * offset)
                if at > now:
                    return earned
                clock.set(at + timedelta(seconds=30))
                recorded = record_practice(
                    session, walked, user_id=user.id, practice=replace(practice, occurred_at=at)
                )
                earned.append(Earned(user.id, at, recorded.xp_earned))
    return earned


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


def _league(session: Session, ctx: Context, user_ids: list[int], earned: list[Earned]) -> None:
    """Replay the XP of the last `LEAGUE_WEEKS` league weeks in time order across learners,
    each event at its own instant; when a week begins, the weeks that ended are closed first,
    as the worker would at that moment. The current week is left running."""
    learners = {learner.id: learner for learner in lock_learners(session, user_ids)}
    now = ctx.clock.now()
    clock = FixedClock(now)
    replaying = replace(ctx, clock=clock)
    week = week_of(now) - timedelta(weeks=LEAGUE_WEEKS - 1)
    for event in sorted(earned, key=lambda event: event.occurred_at):
        if week_of(event.occurred_at) < week:
            continue
        if week_of(event.occurred_at) != week:
            week = week_of(event.occurred_at)
            clock.set(week_bounds(week)[0])
            _close_ended_weeks(session, replaying)
        clock.set(min(event.occurred_at + timedelta(seconds=30), now))
        learner = learners[event.user_id]
        placement.add_xp(session, replaying, learner, event.xp, event.occurred_at)
    clock.set(now)
    _close_ended_weeks(session, replaying)


def _close_ended_weeks(session: Session, ctx: Context) -> None:
    """Close the groups of the weeks that ended by `ctx`'s clock, a batch at a time."""
    closed = closing.ClosedWeeks()
    while closing.close_some(session, ctx, 200, closed):
        pass


def _practises(habit: Habit, back: int, rng: random.Random) -> bool:
    """Whether the learner practised `back` days before today."""
    if back < habit.lapsed or back == habit.skipped:
        return False
    if back < habit.lapsed + habit.run:
        return True
    return back > habit.lapsed + habit.run and rng.random() < habit.often


def _session_of_practice(language: str, rng: random.Random) -> list[Practice]:
    kind = rng.choice(("exercises", "reading", "listening"))
    if kind == "exercises":
        outcomes = rng.choices(
            (Outcome.CORRECT, Outcome.WRONG, Outcome.HINT), weights=(7, 2, 1), k=rng.randint(3, 8)
        )
        exercise, learned = PracticeType.EXERCISE, PracticeType.WORD_LEARNED
        return [
            Practice(exercise, language, duration_seconds=rng.randint(20, 90), outcome=outcome)
            for outcome in outcomes
        ] + [Practice(learned, language)] * rng.randint(0, 2)
    if kind == "reading":
        return [
            Practice(PracticeType.READING, language, duration_seconds=rng.randint(180, 900)),
            *[Practice(PracticeType.WORD_TRANSLATED, language)] * rng.randint(1, 6),
            *([Practice(PracticeType.ARTICLE_COMPLETED, language)] if rng.random() < 0.6 else []),
        ]
    return [
        Practice(PracticeType.LISTENING, language, duration_seconds=rng.randint(240, 1200)),
        *([Practice(PracticeType.AUDIO_LESSON_COMPLETED, language)] if rng.random() < 0.7 else []),
    ]


@dataclass(frozen=True)
class Hint:
    """What the sign-in page tells a visitor of the demo, counted from the data."""

    teacher: str  # the first learner's username
    class_name: str
    students: int  # in the class she teaches
    requests_waiting: int  # friend requests she has not answered
    others: int  # every other learner


def hint(session: Session) -> Hint | None:
    """The demo's numbers as they stand, or None when the demo world is not loaded."""
    first = session.scalar(select(User).where(User.email == f"{CAST[0][0]}@{EMAIL_DOMAIN}"))
    if first is None:
        return None
    taught = [c for c, m in cohorts_service.my_cohorts(session, first) if m.role == Role.TEACHER]
    students = len(cohorts_service.roster(session, first, taught[0].id).students) if taught else 0
    waiting = requests.count_received(session, first)
    learners = session.scalar(select(func.count()).select_from(User)) or 1
    class_name = taught[0].name if taught else ""
    return Hint(first.username, class_name, students, waiting, learners - 1)
