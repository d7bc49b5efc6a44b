"""The layers point down: read every module's imports and refuse any that point up.

From the bottom: the kernel (clock, config, db, errors, context, schemas); the domains
accounts, limits, practice, friends, cohorts; badges and leaderboards, which read what the
domains keep; the use cases that span domains; and on top the edge (each package's `api` and
`schemas`, the pages, the CLI, the app). A module may import its own package and anything in a
lower layer; the bottom domains offer each other only their tables, errors, lookups and pure
rules, never a service. docs/design.md draws the same picture.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
KERNEL = {"clock", "config", "db", "errors", "context", "schemas"}
LAYERS = [
    "kernel",
    "accounts",
    "webhooks",
    "limits",
    "practice",
    "friends",
    "cohorts",
    "badges",
    "celebrations",
    "leagues",
    "leaderboards",
    "use_cases",
    "data_rights",
    "platform",
    "edge",
]
EDGE = {
    "app",
    "cli",
    "demo",
    "deps",
    "docs",
    "methods",
    "health",
    "middleware",
    "problems",
    "models",
    "routing",
    "web",
    "worker",
}
EDGE_MODULES = {"api", "schemas"}  # a package's routes and request/response shapes
BOTTOM = {"accounts", "webhooks", "limits", "practice", "friends", "cohorts"}
# What a bottom domain offers the domains above it in the bottom layer.
OFFERED = {"models", "errors", "queries", "activities", "metrics", "languages", "streaks"}
OFFERED_MODULES = {
    "zeal.accounts.queries",
    "zeal.limits.service",  # the limits every caller is held to
    "zeal.practice.ledger",  # reads of the ledger the friend streaks share
    "zeal.friends.visibility",  # "blocked either way": who may see whom
    "zeal.webhooks.outbox",  # events any change may announce, in its own transaction
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "zeal").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "migrations" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "edge"
    top = parts[1]
    if top in KERNEL:
        return "kernel"
    if top in EDGE or (len(parts) > 2 and parts[2] in EDGE_MODULES):
        return "edge"
    return top


def imports_of(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    modules = _modules()
    return {name for name in found if name in modules and name != module}


def refusal(module: str, imported: str) -> str | None:
    """Why `module` may not import `imported`, or None when it may."""
    mine, theirs = layer_of(module), layer_of(imported)
    if mine == "edge" or mine == theirs:
        return None
    if LAYERS.index(theirs) > LAYERS.index(mine):
        return f"{module} ({mine}) imports {imported} ({theirs}), a layer above it"
    offered = imported in OFFERED_MODULES or imported.rsplit(".", 1)[-1] in OFFERED
    if mine in BOTTOM and theirs in BOTTOM and not offered:
        return f"{module} imports {imported}: a sibling domain's service"
    return None


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_what_lies_below_it(module: str) -> None:
    problems = [
        problem
        for imported in sorted(imports_of(MODULES[module], module))
        if (problem := refusal(module, imported)) is not None
    ]
    assert problems == []


def test_every_package_has_a_layer() -> None:
    packages = {name.split(".")[1] for name in MODULES if "." in name}
    unplaced = {p for p in packages if p not in KERNEL | EDGE and p not in LAYERS}
    assert unplaced == set()


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("zeal.practice.recording", "zeal.badges.service"),  # a domain calling a reaction
        ("zeal.accounts.service", "zeal.practice.daily_streaks"),  # a sibling's service
        ("zeal.friends.pairs", "zeal.use_cases.friendships"),  # a domain calling a use case
        ("zeal.badges.service", "zeal.leaderboards.service"),  # upwards among reactions
    ],
)
def test_an_import_that_points_up_is_refused(module: str, imported: str) -> None:
    assert refusal(module, imported) is not None


def test_the_edge_and_the_use_cases_may_reach_down() -> None:
    assert refusal("zeal.practice.api", "zeal.use_cases.record_practice") is None
    assert refusal("zeal.use_cases.record_practice", "zeal.badges.service") is None
    assert refusal("zeal.friends.friend_streaks", "zeal.practice.ledger") is None


def test_imports_are_read_whole_and_relative() -> None:
    module = "zeal.use_cases.record_practice"
    found = imports_of(MODULES[module], module)
    assert {"zeal.badges.service", "zeal.practice.recording", "zeal.friends"} <= found
