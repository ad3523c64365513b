"""Loading rules: the built-in pack, rule folders, and the ``auditor.rules`` entry points.

All three go through the same loader, and every problem is a start-up error naming the file:
a module that fails to import, a rule whose definition is wrong (checked as it is made, see
:mod:`auditor.engine.definition`), an id outside its source's namespace (``AML`` is the built-in
pack's, see :mod:`auditor.engine.rule_ids`), or an id defined twice.
"""

import hashlib
import importlib.util
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from auditor.engine.definition import Rule
from auditor.engine.rule_ids import BUILTIN_NAMESPACE, namespace_of

ENTRY_POINT_GROUP = "auditor.rules"
BUILTIN_PACKAGE = "auditor_rules"

logger = logging.getLogger(__name__)

AnyRule = Rule[Any, Any]


class RuleLoadError(Exception):
    """A rule source could not be loaded; the message names the file or entry point."""


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule and where it came from."""

    rule: AnyRule
    origin: str


class RuleRegistry:
    """The loaded rules by id, in load order."""

    def __init__(self, loaded: Sequence[LoadedRule]) -> None:
        """Index the loaded rules; ids must already be unique."""
        self._loaded = {item.rule.id: item for item in loaded}

    def __getitem__(self, rule_id: str) -> AnyRule:
        """The rule with this id.

        Raises:
            KeyError: no such rule.
        """
        return self._loaded[rule_id].rule

    def __contains__(self, rule_id: object) -> bool:
        """True when a rule with this id is loaded."""
        return rule_id in self._loaded

    def __iter__(self) -> Iterator[AnyRule]:
        """Rules sorted by id."""
        return iter(self.rules)

    def __len__(self) -> int:
        """Number of rules."""
        return len(self._loaded)

    @property
    def rules(self) -> tuple[AnyRule, ...]:
        """Every rule, sorted by id."""
        return tuple(self._loaded[k].rule for k in sorted(self._loaded))

    def origin(self, rule_id: str) -> str:
        """The file or entry point that defined the rule."""
        return self._loaded[rule_id].origin


def builtin_rules_dir() -> Path:
    """The built-in pack: the installed ``auditor_rules`` package, else ``rules/`` in a checkout.

    Raises:
        RuleLoadError: neither exists.
    """
    spec = importlib.util.find_spec(BUILTIN_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    checkout = Path(__file__).resolve().parents[2] / "rules"
    if (checkout / "__init__.py").is_file():
        return checkout
    raise RuleLoadError("the built-in rule pack is not installed (package auditor_rules)")


def rules_in_module(module: ModuleType) -> list[AnyRule]:
    """Module-level ``Rule`` values, in definition order."""
    return [value for value in vars(module).values() if isinstance(value, Rule)]


def _module_name(folder: Path, path: Path, prefix: str) -> str:
    relative = path.relative_to(folder).with_suffix("")
    return ".".join((prefix, *relative.parts))


def _import_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RuleLoadError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise RuleLoadError(f"{path}: failed to load: {type(exc).__name__}: {exc}") from exc
    return module


def _check_namespace(found: AnyRule, origin: str, *, builtin: bool) -> None:
    """``AML`` ids come from the built-in pack, and every other id from elsewhere."""
    ours = namespace_of(found.id) == BUILTIN_NAMESPACE
    if ours and not builtin:
        raise RuleLoadError(
            f"{origin}: rule id {found.id} uses the built-in namespace {BUILTIN_NAMESPACE}; rules"
            " from folders and entry points use their own (e.g. CONTOSO-NET-101)"
        )
    if builtin and not ours:
        raise RuleLoadError(f"{origin}: built-in rule id {found.id} must start with AML-")


def load_folder(
    folder: Path, *, prefix: str | None = None, builtin: bool = False
) -> Iterator[LoadedRule]:
    """Import every ``*.py`` file below ``folder`` (sorted) and yield the rules they define.

    Files are imported under synthetic module names, so a folder never shadows an installed package.
    ``builtin`` is true for the built-in pack only, whose ids are in the ``AML`` namespace.

    Raises:
        RuleLoadError: the folder is missing, a file fails to import or defines a wrong rule, or
            an id is outside the folder's namespace.
    """
    if not folder.is_dir():
        raise RuleLoadError(f"{folder}: rule folder does not exist")
    if prefix is None:
        digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:10]
        prefix = f"auditor_rule_folder_{digest}"
    for path in sorted(folder.rglob("*.py")):
        if path.name == "__init__.py" or any(p.startswith(".") for p in path.parts):
            continue
        module = _import_file(path, _module_name(folder, path, prefix))
        for found in rules_in_module(module):
            _check_namespace(found, str(path), builtin=builtin)
            yield LoadedRule(rule=found, origin=str(path))


def load_entry_points(points: Iterable[EntryPoint] | None = None) -> Iterator[LoadedRule]:
    """Rules from installed packages: each entry point of ``auditor.rules`` names a module.

    Raises:
        RuleLoadError: an entry point fails to load, or defines an id in the ``AML`` namespace.
    """
    if points is None:
        points = entry_points(group=ENTRY_POINT_GROUP)
    for ep in sorted(points, key=lambda e: e.name):
        origin = f"entry point {ep.name} = {ep.value}"
        try:
            module = ep.load()
        except Exception as exc:
            raise RuleLoadError(f"{origin}: failed to load: {type(exc).__name__}: {exc}") from exc
        if not isinstance(module, ModuleType):
            raise RuleLoadError(f"{origin}: must name a module, not {type(module).__name__}")
        for found in rules_in_module(module):
            _check_namespace(found, origin, builtin=False)
            yield LoadedRule(rule=found, origin=origin)


def _check_unique(loaded: Iterable[LoadedRule]) -> list[LoadedRule]:
    seen: dict[str, LoadedRule] = {}
    for item in loaded:
        first = seen.get(item.rule.id)
        if first is not None:
            raise RuleLoadError(
                f"{item.origin}: rule id {item.rule.id} is already defined in {first.origin}"
            )
        seen[item.rule.id] = item
    return list(seen.values())


def load_registry(
    folders: Sequence[Path] = (),
    *,
    include_builtin: bool = True,
    include_entry_points: bool = True,
) -> RuleRegistry:
    """Load the built-in pack, then extra folders, then entry points.

    Raises:
        RuleLoadError: any source fails, or an id is defined twice.
    """
    sources: list[Iterable[LoadedRule]] = []
    if include_builtin:
        sources.append(
            load_folder(builtin_rules_dir(), prefix=BUILTIN_PACKAGE + "_src", builtin=True)
        )
    sources.extend(load_folder(folder) for folder in folders)
    if include_entry_points:
        sources.append(load_entry_points())
    loaded = _check_unique(item for source in sources for item in source)
    logger.info("loaded %d rules: %s", len(loaded), ", ".join(i.rule.id for i in loaded))
    return RuleRegistry(loaded)
