"""The layering that import-linter enforces (``make lint``), and what it cannot see."""

import ast
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import auditor
from auditor.inventory.model import CollectionSource

ROOT = Path(__file__).resolve().parents[2]
# What rule modules may import from the product (besides the standard library and pydantic).
RULES_MAY_IMPORT = {"engine", "inventory", "json_types", "findings"}


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def test_rules_contract_forbids_every_other_product_module() -> None:
    (rules,) = [c for c in contracts() if c.get("source_modules") == ["rules"]]
    forbidden = set(rules["forbidden_modules"])
    product = {f"auditor.{m.name}" for m in pkgutil.iter_modules(auditor.__path__)}
    allowed = {f"auditor.{name}" for name in RULES_MAY_IMPORT}
    assert forbidden - {"azure"} == product - allowed
    assert "azure" in forbidden


def test_make_lint_runs_import_linter() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in lint


def test_cli_loads_neither_simulator_nor_azure_sdk_until_a_command_needs_them() -> None:
    # Import-linter allows auditor.cli to import the simulator; only a lazy import keeps `scan`
    # from loading it (and judging a saved inventory from loading the Azure SDK).
    code = (
        "import sys, auditor.cli; "
        "print(sorted(m for m in sys.modules if m.startswith(('azure', 'auditor.simulator'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def _member(node: ast.expr) -> str | None:
    """``CollectionSource.X`` -> ``X``; anything else -> None."""
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "CollectionSource"
    ):
        return node.attr
    return None


def _collector_sources() -> dict[str, str]:
    """Every ``source=`` a collector writes into a CollectionError, by where it is written.

    Each is a ``CollectionSource`` member, directly or through a module constant, or the
    ``source`` parameter of a helper passing one on; a plain string would escape the closed set.
    """
    found: dict[str, str] = {}
    for path in sorted((ROOT / "auditor" / "collect").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: _member(node.value) or repr(ast.unparse(node.value))
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "source":
                    continue
                value = keyword.value
                where = f"{path.name}:{node.lineno}"
                if isinstance(value, ast.Name) and value.id == "source":
                    continue  # passed on from the caller, checked there
                if isinstance(value, ast.Attribute) and value.attr == "source":
                    continue  # a discovered collector's SOURCE, typed CollectionSource
                if isinstance(value, ast.Name):
                    found[where] = constants.get(value.id, f"unbound {value.id}")
                else:
                    found[where] = _member(value) or ast.unparse(value)
    return found


def test_every_source_a_collector_writes_is_a_collection_source() -> None:
    sources = _collector_sources()
    assert len(sources) >= 8  # the scan itself works
    assert {"ARM", "COMPUTES", "SUBSCRIPTIONS", "RESOURCE_GRAPH"} <= set(sources.values())
    valid = {s.name for s in CollectionSource}
    assert {where: s for where, s in sources.items() if s not in valid} == {}
