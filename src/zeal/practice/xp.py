"""XP: what each practice event earns, by its type and outcome, from the platform's XP table.

The table is part of the catalog file (`xp:`), loaded with `zeal badges load`; it is stored in
`xp_rule` and versioned in `xp_table`, so each process keeps it in memory and reads it again
only when the version it sees (with the event's standing, in a statement it runs anyway)
moved. An event's XP is booked on its practice day (`practice_day.xp`) when it arrives: a
later change of the table changes what new events earn, never what was earned.
"""

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zeal.db import stamp_new_version
from zeal.practice.activities import Outcome, PracticeType
from zeal.practice.models import XpRule, XpTableVersion

MAX_XP = 1_000  # an event, or a minute, earns at most this much


@dataclass(frozen=True)
class Rule:
    """What an event of `type` earns: `per_event`, plus `per_minute` for each whole minute of
    its duration. `outcome` None: events with no outcome, and outcomes without a rule."""

    type: PracticeType
    outcome: Outcome | None
    per_event: int = 0
    per_minute: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return self.type.value, self.outcome.value if self.outcome else ""

    def describe(self) -> str:
        parts = [f"{self.per_event} an event"] if self.per_event else []
        parts += [f"{self.per_minute} a minute"] if self.per_minute else []
        return " + ".join(parts) or "nothing"


class XpTable:
    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = {rule.key: rule for rule in rules}

    def amount(self, kind: PracticeType, outcome: Outcome | None, seconds: int | None) -> int:
        """The XP one event earns: its outcome's rule, else its type's."""
        rule = self.rules.get((kind.value, outcome.value if outcome else ""))
        if rule is None:
            rule = self.rules.get((kind.value, ""))
        if rule is None:
            return 0
        return rule.per_event + rule.per_minute * ((seconds or 0) // 60)


# ---- the table in the database, cached per process ---------------------------------------------

_lock = threading.Lock()
_cached: dict[str | None, XpTable] = {}


def xp_table(session: Session, version: str | None) -> XpTable:
    """The table as of `version` (read with the caller's statement): from memory, or read once
    when the version moved."""
    table = _cached.get(version)
    if table is not None:
        return table
    rows = session.execute(select(XpRule)).scalars().all()
    table = XpTable(_rule_of(row) for row in rows)
    with _lock:
        _cached.clear()
        _cached[version] = table
    return table


def _rule_of(row: XpRule) -> Rule:
    outcome = Outcome(row.outcome) if row.outcome else None
    return Rule(PracticeType(row.type), outcome, row.per_event, row.per_minute)


def load(session: Session, rules: list[Rule]) -> list[str]:
    """Make the stored table `rules` (the file's whole table); what changed, one line each."""
    stored = {(row.type, row.outcome): row for row in session.scalars(select(XpRule))}
    changes = []
    for rule in rules:
        row = stored.pop(rule.key, None)
        amounts = {"per_event": rule.per_event, "per_minute": rule.per_minute}
        if row is None:
            session.add(XpRule(type=rule.key[0], outcome=rule.key[1], **amounts))
            changes.append(f"+ xp {_label(rule.key)}: {rule.describe()}")
        elif (row.per_event, row.per_minute) != (rule.per_event, rule.per_minute):
            was = _rule_of(row).describe()
            row.per_event, row.per_minute = rule.per_event, rule.per_minute
            changes.append(f"~ xp {_label(rule.key)}: {was} -> {rule.describe()}")
    for key, row in stored.items():
        session.delete(row)
        changes.append(f"- xp {_label(key)}: earns nothing now")
    if changes:
        stamp_new_version(session, cast(Table, XpTableVersion.__table__))
    session.flush()
    return changes


def _label(key: tuple[str, str]) -> str:
    return f"{key[0]}/{key[1]}" if key[1] else key[0]


# ---- the catalog file's `xp:` section ----------------------------------------------------------


def parse(raw: Any, problems: list[str]) -> list[Rule]:
    """The rules of a catalog file's `xp:` list; problems are appended, one line each."""
    if not isinstance(raw, list) or not raw:
        problems.append("xp: a list of {type, outcome?, per_event?, per_minute?}")
        return []
    rules: dict[tuple[str, str], Rule] = {}
    for index, item in enumerate(raw):
        rule = _parse_rule(item, f"xp[{index}]", problems)
        if rule is None:
            continue
        if rule.key in rules:
            problems.append(f"xp[{index}]: {_label(rule.key)} appears twice")
        rules[rule.key] = rule
    return list(rules.values())


def _parse_rule(item: Any, where: str, problems: list[str]) -> Rule | None:
    if not isinstance(item, dict) or set(item) - {"type", "outcome", "per_event", "per_minute"}:
        problems.append(f"{where}: keys are type, outcome, per_event and per_minute")
        return None
    try:
        kind = PracticeType(str(item.get("type")))
        outcome = Outcome(item["outcome"]) if item.get("outcome") is not None else None
    except ValueError:
        problems.append(f"{where}: unknown type or outcome")
        return None
    if outcome is not None and kind is not PracticeType.EXERCISE:
        problems.append(f"{where}: only exercises have outcomes")
        return None
    amounts = [item.get("per_event", 0), item.get("per_minute", 0)]
    if not all(
        isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= MAX_XP for a in amounts
    ):
        problems.append(f"{where}: per_event and per_minute are whole numbers 0-{MAX_XP}")
        return None
    return Rule(kind, outcome, amounts[0], amounts[1])
