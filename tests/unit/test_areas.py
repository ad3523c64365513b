"""Area collectors are found, not listed; one that breaks costs its own dataset, not the run."""

import importlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from auditor.azure_sdk.clients import ClientFactory
from auditor.azure_sdk.stats import RequestStats
from auditor.collect.areas import collect_datasets, discover
from auditor.collect.context import CollectContext
from auditor.config import parse_settings
from auditor.inventory.model import CollectionSource, Inventory, Scope
from auditor.inventory.snapshot import inventory_from_json, inventory_to_json

GOOD = """
from auditor.inventory.model import CollectionSource
SOURCE = CollectionSource.DIAGNOSTIC_SETTINGS
def collect(ctx, workspaces):
    return {"count": len(workspaces), "settings": [{"name": "to-law"}]}
"""
BROKEN = """
from auditor.inventory.model import CollectionSource
SOURCE = CollectionSource.ROLE_ASSIGNMENTS
def collect(ctx, workspaces):
    raise KeyError("a bug in a new collector")
"""
HELPER = """
def collect(ctx, workspaces):
    return "not an area collector: it has no SOURCE"
"""


def _package(tmp_path: Path, name: str, modules: dict[str, str]) -> Iterator[ModuleType]:
    root = tmp_path / name
    root.mkdir()
    (root / "__init__.py").write_text("")
    for module, text in modules.items():
        (root / f"{module}.py").write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(tmp_path))
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            del sys.modules[loaded]


@pytest.fixture
def areas(tmp_path: Path) -> Iterator[ModuleType]:
    yield from _package(
        tmp_path, "fake_areas", {"b_broken": BROKEN, "a_good": GOOD, "helpers": HELPER}
    )


def _context() -> CollectContext:
    settings = parse_settings(
        {
            "cloud": {"name": "custom", "resource_manager": "https://127.0.0.1:1"},
            "credential": {"type": "static_token", "token": "t"},
        },
        source="test",
    )
    return CollectContext(clients=ClientFactory.from_settings(settings, RequestStats()))


def test_modules_with_a_source_and_collect_are_found_in_name_order(areas: ModuleType) -> None:
    found = list(discover(areas))
    assert [(c.source, c.module) for c in found] == [
        (CollectionSource.DIAGNOSTIC_SETTINGS, "fake_areas.a_good"),
        (CollectionSource.ROLE_ASSIGNMENTS, "fake_areas.b_broken"),
    ]


def test_a_broken_collector_costs_its_dataset_only(areas: ModuleType) -> None:
    ctx = _context()
    datasets = collect_datasets(ctx, (), list(discover(areas)))
    assert dict(datasets) == {
        "diagnostic_settings": {"count": 0, "settings": ({"name": "to-law"},)}
    }
    (error,) = ctx.log.errors
    assert error.source == CollectionSource.ROLE_ASSIGNMENTS and error.code == "InternalError"


def test_two_collectors_of_one_source_are_refused(tmp_path: Path) -> None:
    for package in _package(tmp_path, "twin_areas", {"one": GOOD, "two": GOOD}):
        with pytest.raises(ValueError, match="collected by both"):
            list(discover(package))


def test_the_built_in_package_loads() -> None:
    # Every module of auditor.collect.areas imports, and sources are unique.
    assert all(isinstance(c.source, CollectionSource) for c in discover())


def test_datasets_are_saved_and_replayed() -> None:
    inventory = Inventory(
        collected_at=datetime(2026, 12, 1, tzinfo=UTC),
        cloud="AzureCloud",
        scope=Scope(),
        subscriptions=(),
        workspaces=(),
        resources=(),
        datasets={"diagnostic_settings": {"ws": [{"name": "to-law", "logs": 2}]}},
    )
    again = inventory_from_json(inventory_to_json(inventory))
    assert inventory_to_json(again)["datasets"] == {
        "diagnostic_settings": {"ws": [{"name": "to-law", "logs": 2}]}
    }
