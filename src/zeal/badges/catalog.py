"""The badge catalog as data: read a YAML file, check it, and load it into the database.

Loading is idempotent: metrics are matched by code and badges by (metric, level); a changed name,
threshold, text or icon is updated in place. Badges missing from a file are kept (learners may
hold them) and reported.
"""

import itertools
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from zeal.badges.models import Badge, BadgeCatalog, Metric
from zeal.db import stamp_new_version
from zeal.practice import xp
from zeal.practice.metrics import METRICS


def known_metrics() -> dict[str, str]:
    """What Zeal can award badges for, and how (the registry's badge metrics). A catalog may
    leave any of them out."""
    return {m.code: str(m.mechanism) for m in METRICS.for_badges()}


class CatalogError(ValueError):
    """Everything wrong with a catalog file, one problem per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class BadgeSpec:
    level: int
    threshold: int
    name: str
    achieved_description: str
    unachieved_description: str
    icon: str
    hidden: bool = False


@dataclass(frozen=True)
class MetricSpec:
    code: str
    name: str
    description: str
    mechanism: str
    badges: tuple[BadgeSpec, ...]


def default_catalog_text() -> str:
    return resources.files("zeal.badges").joinpath("catalog.yaml").read_text(encoding="utf-8")


def parse(text: str) -> list[MetricSpec]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CatalogError([f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), list):
        raise CatalogError(["the file needs a top-level 'metrics:' list"])
    problems: list[str] = []
    specs: list[MetricSpec] = []
    seen_codes: set[str] = set()
    for index, raw in enumerate(data["metrics"]):
        spec = _metric(raw, f"metrics[{index}]", problems)
        if spec is None:
            continue
        if spec.code in seen_codes:
            problems.append(f"metrics[{index}]: metric '{spec.code}' appears twice")
        seen_codes.add(spec.code)
        specs.append(spec)
    if problems:
        raise CatalogError(problems)
    return specs


def parse_file(path: Path) -> list[MetricSpec]:
    return parse(path.read_text(encoding="utf-8"))


def parse_xp(text: str) -> list[xp.Rule] | None:
    """The file's XP table (`xp:`), or None when it has none (the stored one stays)."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or "xp" not in data:
        return None
    problems: list[str] = []
    rules = xp.parse(data["xp"], problems)
    if problems:
        raise CatalogError(problems)
    return rules


def _text(raw: dict[str, Any], key: str, where: str, problems: list[str], limit: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: '{key}' is required text")
        return ""
    if len(value) > limit:
        problems.append(f"{where}: '{key}' is longer than {limit} characters")
    return value.strip()


def _metric(raw: Any, where: str, problems: list[str]) -> MetricSpec | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a metric is a mapping")
        return None
    code = raw.get("code")
    known = known_metrics()
    if not isinstance(code, str) or code not in known:
        names = ", ".join(sorted(known))
        problems.append(f"{where}: unknown metric '{code}' (Zeal measures: {names})")
        return None
    where = f"{where} ({code})"
    mechanism = raw.get("mechanism")
    expected = known[code]
    if mechanism != expected:
        problems.append(
            f"{where}: mechanism must be '{expected}' for this metric, not '{mechanism}'"
        )
    name = _text(raw, "name", where, problems, 100)
    description = _text(raw, "description", where, problems, 500)
    raw_badges = raw.get("badges")
    if not isinstance(raw_badges, list) or not raw_badges:
        problems.append(f"{where}: 'badges' must list at least one level")
        return None
    badges = [
        b for i, r in enumerate(raw_badges) if (b := _badge(r, f"{where}.badges[{i}]", problems))
    ]
    _check_levels(badges, mechanism, where, problems)
    return MetricSpec(code, name, description, str(mechanism), tuple(badges))


def _badge(raw: Any, where: str, problems: list[str]) -> BadgeSpec | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a badge is a mapping")
        return None
    level, threshold = raw.get("level"), raw.get("threshold")
    if not isinstance(level, int) or isinstance(level, bool) or level < 1:
        problems.append(f"{where}: 'level' must be a whole number from 1")
        return None
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        problems.append(f"{where}: 'threshold' must be a whole number from 1")
        return None
    hidden = raw.get("hidden", False)
    if not isinstance(hidden, bool):
        problems.append(f"{where}: 'hidden' is true or false")
    return BadgeSpec(
        level=level,
        threshold=threshold,
        name=_text(raw, "name", where, problems, 100),
        achieved_description=_text(raw, "achieved", where, problems, 1000),
        unachieved_description=_text(raw, "unachieved", where, problems, 1000),
        icon=_text(raw, "icon", where, problems, 100),
        hidden=bool(hidden),
    )


def _check_levels(badges: list[BadgeSpec], mechanism: Any, where: str, problems: list[str]) -> None:
    levels = [b.level for b in badges]
    duplicates = sorted({level for level in levels if levels.count(level) > 1})
    if duplicates:
        problems.append(f"{where}: duplicate level(s) {duplicates}")
        return
    ordered = sorted(badges, key=lambda b: b.level)
    if [b.level for b in ordered] != list(range(1, len(ordered) + 1)):
        problems.append(f"{where}: levels must be 1, 2, 3, … without gaps")
    for lower, higher in itertools.pairwise(ordered):
        if higher.threshold <= lower.threshold:
            problems.append(
                f"{where}: thresholds must increase with the level "
                f"(level {higher.level}: {higher.threshold} <= {lower.threshold})"
            )
    if mechanism == "one_time" and (len(badges) != 1 or badges[0].threshold != 1):
        problems.append(f"{where}: a one_time metric has exactly one badge, with threshold 1")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the database, not in the file

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def load(session: Session, specs: list[MetricSpec]) -> LoadReport:
    """Bring the database's catalog in line with `specs`; flushes, never commits."""
    report = LoadReport()
    metrics = {m.code: m for m in session.scalars(select(Metric))}
    badges = {(b.metric_id, b.level): b for b in session.scalars(select(Badge))}
    for position, spec in enumerate(specs):
        metric = metrics.get(spec.code)
        values = {
            "name": spec.name,
            "description": spec.description,
            "mechanism": spec.mechanism,
            "position": position,
        }
        if metric is None:
            metric = Metric(code=spec.code, **values)
            session.add(metric)
            session.flush()
            report.created.append(spec.code)
        elif _apply(metric, values):
            report.updated.append(spec.code)
        _load_badges(session, metric, spec, badges, report)
    by_id = {m.id: m.code for m in metrics.values()}
    report.kept = [f"{by_id.get(m, m)} level {level}" for m, level in badges]
    if report.changed:
        stamp_new_version(session, cast(Table, BadgeCatalog.__table__))
    session.flush()
    return report


def _load_badges(
    session: Session,
    metric: Metric,
    spec: MetricSpec,
    badges: dict[tuple[int, int], Badge],
    report: LoadReport,
) -> None:
    """The metric's levels, matched by level; those found are taken out of `badges`."""
    for badge_spec in spec.badges:
        key = (metric.id, badge_spec.level)
        badge_values = {
            "threshold": badge_spec.threshold,
            "name": badge_spec.name,
            "achieved_description": badge_spec.achieved_description,
            "unachieved_description": badge_spec.unachieved_description,
            "icon": badge_spec.icon,
            "hidden": badge_spec.hidden,
        }
        label = f"{spec.code} level {badge_spec.level}"
        if key not in badges:
            session.add(Badge(metric_id=metric.id, level=badge_spec.level, **badge_values))
            report.created.append(label)
        elif _apply(badges[key], badge_values):
            report.updated.append(label)
        badges.pop(key, None)


def _apply(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed
