"""The badge catalog as each process keeps it: plain, frozen values read once, and read again
only when the catalog's version in the database (`badge_catalog`) is one not seen before.

Every badges page and every event that moves a metric needs the catalog; reading its ~50 rows
as ORM objects on each of them cost more than the rest of the badges page together."""

from dataclasses import dataclass
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from zeal.badges.models import Badge, BadgeCatalog, Metric


@dataclass(frozen=True)
class CatalogBadge:
    id: int
    metric_id: int
    level: int
    threshold: int
    name: str
    achieved_description: str
    unachieved_description: str
    icon: str
    hidden: bool


@dataclass(frozen=True)
class CatalogMetric:
    id: int
    code: str
    name: str
    description: str
    mechanism: str
    position: int
    badges: tuple[CatalogBadge, ...]  # by level


@dataclass(frozen=True)
class Catalog:
    version: str | None
    metrics: tuple[CatalogMetric, ...]  # catalog order; only metrics with badges
    badges: dict[int, CatalogBadge]  # by id
    metric_by_id: dict[int, CatalogMetric]


_METRIC = cast(Table, Metric.__table__)
_BADGE = cast(Table, Badge.__table__)
_BADGE_CATALOG = cast(Table, BadgeCatalog.__table__)
# In any query: the catalog's version now (None where no catalog was ever loaded). Table
# columns, not mapped attributes: a statement naming an entity takes the ORM's slower path.
VERSION = select(func.max(_BADGE_CATALOG.c.version)).scalar_subquery()
_READ = (
    select(_METRIC, _BADGE, VERSION.label("catalog_version"))
    .join(_BADGE, _BADGE.c.metric_id == _METRIC.c.id)
    .order_by(_METRIC.c.position, _METRIC.c.id, _BADGE.c.level)
)

# One catalog per database the process talks to (tests use several).
_cached: WeakKeyDictionary[Any, Catalog] = WeakKeyDictionary()


def catalog(session: Session, version: str | None) -> Catalog:
    """The catalog, as of `version` (read by the caller in its own query) or newer."""
    bind = session.get_bind()
    known = _cached.get(bind)
    if known is not None and version is not None and known.version == version:
        return known
    fresh = _read(session)
    _cached[bind] = fresh  # threads re-reading at once each store a current catalog; any may win
    return fresh


def _read(session: Session) -> Catalog:
    rows = session.execute(_READ).all()
    grouped: dict[int, tuple[Any, list[CatalogBadge]]] = {}
    for row in rows:
        fields = row._mapping
        badge = CatalogBadge(**{name: fields[_BADGE.c[name]] for name in _BADGE_FIELDS})
        grouped.setdefault(badge.metric_id, (fields, []))[1].append(badge)
    metrics = tuple(
        CatalogMetric(
            **{name: fields[_METRIC.c[name]] for name in _METRIC_FIELDS}, badges=tuple(badges)
        )
        for fields, badges in grouped.values()
    )
    version = rows[0].catalog_version if rows else None
    badges = {b.id: b for m in metrics for b in m.badges}
    return Catalog(version, metrics, badges, {m.id: m for m in metrics})


_BADGE_FIELDS = tuple(CatalogBadge.__dataclass_fields__)
_METRIC_FIELDS = tuple(name for name in CatalogMetric.__dataclass_fields__ if name != "badges")
