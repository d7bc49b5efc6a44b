"""Settings, read from `ZEAL_*` environment variables; the defaults run with no set-up at all."""

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZEAL_", extra="ignore")

    database_url: str = "sqlite:///./zeal.db"
    # Seconds to wait for a connection to PostgreSQL or MariaDB before a request gets 503
    # `database_unavailable`, instead of hanging while the database is unreachable.
    database_timeout_seconds: int = Field(default=5, ge=1, le=300)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Requests a server process works on at once (its threadpool); more wait their turn.
    # Python runs one thread at a time, so beyond a few, more threads only contend for it.
    request_threads: int = Field(default=8, ge=1, le=16)

    # Minimum exercise/reading/listening seconds on one language-day before it counts for the
    # streak; 0 means any practice event counts.
    min_daily_seconds: int = Field(default=0, ge=0, le=86_400)
    # How far an event's `occurred_at` may lie from the server's clock.
    event_max_future_seconds: int = Field(default=300, ge=0, le=3_600)
    event_max_past_days: int = Field(default=7, ge=0, le=30)

    session_days: int = Field(default=90, ge=1, le=3_650)
    max_body_bytes: int = Field(default=64 * 1024, ge=1_024)
    # A batch of practice events (up to 1,000) may be larger.
    max_batch_body_bytes: int = Field(default=1024 * 1024, ge=1_024)

    # Argon2id cost; the defaults are argon2-cffi's (RFC 9106 "low memory" profile).
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65_536, ge=8)
    password_parallelism: int = Field(default=4, ge=1)

    # The learner pages: a "log practice" form that records practice from the browser (for
    # demos and trials; turn it off where the learning app itself sends practice events), and a
    # sign-in hint naming the demo accounts (`make run` turns it on).
    practice_form: bool = True
    demo_hint: bool = False

    # Abuse limits (429). Counters live in the database, or in Redis when `redis_url` is set,
    # so every server process sees the same counts.
    redis_url: str | None = None
    redis_prefix: str = "zeal:"  # so several deployments can share one Redis
    # Wrong passwords in `sign_in_window_minutes`, past which sign-in is refused before the
    # password is even checked, to that client alone: per client (a known device, or an
    # account from one address), per account from every unknown client together (a botnet's
    # bound; known devices still get in), and per address whatever the accounts.
    sign_in_failures_per_client: int = Field(default=10, ge=1)
    sign_in_failures_per_account: int = Field(default=50, ge=1)
    sign_in_failures_per_address: int = Field(default=100, ge=1)
    sign_in_window_minutes: int = Field(default=15, ge=1, le=1_440)
    friend_requests_per_day: int = Field(default=50, ge=1)
    searches_per_minute: int = Field(default=120, ge=1)
    # Plausibility: practice events one learner can do in one minute (by `occurred_at`).
    practice_events_per_minute: int = Field(default=120, ge=1)
    # Proxies whose X-Forwarded-For / -Proto are believed (uvicorn's forwarded_allow_ips).
    trusted_proxies: str = "127.0.0.1"
    # Browser apps on these origins (comma-separated, e.g. "https://app.example.com") may call
    # /v1 with a learner's bearer token; none by default. The pages never allow other origins.
    cors_origins: str = ""

    # Webhooks. URLs that resolve to loopback, private or reserved addresses are refused unless
    # this is set (tests, a laptop: `make run` sets it).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: int = Field(default=10, ge=1, le=60)
    # Endpoints sent to at once, each by a thread of its own, and deliveries claimed for one
    # endpoint at a time (sent one after another on one connection).
    webhook_endpoints_at_once: int = Field(default=8, ge=1, le=64)
    webhook_deliveries_per_claim: int = Field(default=10, ge=1, le=100)
    webhook_poll_seconds: float = Field(default=0.5, gt=0, le=60)
    # Days a settled delivery (delivered, failed, abandoned) stays in the delivery log.
    webhook_log_days: int = Field(default=30, ge=1, le=3_650)
    # `streak.at_risk` is sent at this hour of the learner's local day (0-23).
    streak_at_risk_hour: int = Field(default=19, ge=0, le=23)
    # `zeal serve` runs the webhook worker in each of its processes; turn it off where
    # `zeal worker` runs on its own.
    serve_worker: bool = True

    # Daily XP goals a learner may choose (comma-separated), and the goal of one who never chose.
    daily_goal_presets: str = "10,20,30,50"
    daily_goal_default: int = Field(default=20, ge=1, le=100_000)

    # Streak freezes: how many a learner may hold, and the streak days that earn one.
    streak_freeze_cap: int = Field(default=2, ge=0, le=10)
    streak_freeze_earn_days: int = Field(default=7, ge=1, le=365)
    # Streak repair: how long after a streak broke it may be repaired; whether learners may
    # repair their own, and how often.
    streak_repair_hours: int = Field(default=48, ge=1, le=168)
    self_repair: bool = False
    self_repair_days: int = Field(default=30, ge=1, le=365)

    # Weekly leagues (false: nobody is placed); the tiers from the first up (comma-separated),
    # a group's size, and how many at the top move up and at the bottom move down each week.
    leagues: bool = True
    league_tiers: str = "Bronze,Silver,Gold,Sapphire,Ruby,Emerald,Amethyst,Pearl,Obsidian,Diamond"
    league_group_size: int = Field(default=30, ge=2, le=1_000)
    league_promoted: int = Field(default=7, ge=0, le=1_000)
    league_demoted: int = Field(default=5, ge=0, le=1_000)

    @model_validator(mode="after")
    def _default_goal_is_a_preset(self) -> "Settings":
        if self.daily_goal_default not in self.daily_goal_preset_list:
            raise ValueError("ZEAL_DAILY_GOAL_DEFAULT must be one of ZEAL_DAILY_GOAL_PRESETS")
        if not self.league_tier_list:
            raise ValueError("ZEAL_LEAGUE_TIERS must name at least one tier")
        return self

    @property
    def league_tier_list(self) -> list[str]:
        return [name.strip() for name in self.league_tiers.split(",") if name.strip()]

    @property
    def daily_goal_preset_list(self) -> list[int]:
        return sorted({int(v) for v in self.daily_goal_presets.split(",") if v.strip()})

    @property
    def requests_at_once(self) -> int:
        """Requests let into a process at once (`middleware.InFlight`): twice its threads, so
        no thread waits while its next request is read or its last one answered."""
        return 2 * self.request_threads

    @property
    def cors_origin_list(self) -> list[str]:
        return [
            origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()
        ]


@lru_cache
def get_settings() -> Settings:
    return Settings()
