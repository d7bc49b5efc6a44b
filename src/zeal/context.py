"""What every service call may need besides its session: the clock, the settings, the hasher."""

from dataclasses import dataclass, field

from argon2 import PasswordHasher

from zeal.clock import Clock, SystemClock
from zeal.config import Settings


@dataclass(frozen=True)
class Context:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @property
    def passwords(self) -> PasswordHasher:
        return _hasher(
            self.settings.password_time_cost,
            self.settings.password_memory_kib,
            self.settings.password_parallelism,
        )


_HASHERS: dict[tuple[int, int, int], PasswordHasher] = {}


def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    key = (time_cost, memory_kib, parallelism)
    if key not in _HASHERS:
        _HASHERS[key] = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
    return _HASHERS[key]
