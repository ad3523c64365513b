"""Typed reads of ARM properties: present, read as Azure's documented default, absent, or wrong.

Anyone who can write to one resource can shape the documents Azure returns, and ARM echoes back
whatever a template sent for properties the provider does not validate. A rule that reads
``allowPublicAccessWhenBehindVnet: "true"`` as "not set" would pass a public workspace, so every
read here keeps "absent" apart from "wrong type" (which never decides a pass).

Azure's GET responses also omit properties that hold their default. A property missing from a
resource's document is read as the default that :mod:`auditor.engine.defaults` lists for the
resource's type (state ``default``, and messages and evidence say ``absent; Azure default ...``);
only a property without a documented default is ``absent``, and each rule decides what that means.
A value of the wrong type is never replaced by a default.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from auditor.engine.defaults import AzureDefault, documented_default
from auditor.inventory.model import Resource
from auditor.json_types import JsonObject, JsonValue, json_type

__all__ = [
    "Read",
    "ReadState",
    "json_type",
    "no_properties",
    "read_bool",
    "read_list",
    "read_number",
    "read_object",
    "read_text",
    "render",
    "wrong_types",
]

T = TypeVar("T")
ReadState = Literal["present", "default", "absent", "wrong_type"]
Source = Resource | JsonValue

# Bounds on how much of an unexpected value reaches messages and evidence: the document may be
# hostile and arbitrarily large or deep.
_RENDER_LIMIT = 80
_RENDER_DEPTH = 2
_RENDER_ITEMS = 4


def _render(value: object, depth: int) -> str:
    if isinstance(value, str):
        return json.dumps(value[: _RENDER_LIMIT + 1])
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        if depth >= _RENDER_DEPTH and value:
            return "{...}"
        items = [f"{json.dumps(str(k))}: {_render(v, depth + 1)}" for k, v in value.items()]
        more = ", ..." if len(items) > _RENDER_ITEMS else ""
        return "{" + ", ".join(items[:_RENDER_ITEMS]) + more + "}"
    if isinstance(value, list | tuple):
        if depth >= _RENDER_DEPTH and value:
            return "[...]"
        parts = [_render(v, depth + 1) for v in value[: _RENDER_ITEMS + 1]]
        more = ", ..." if len(parts) > _RENDER_ITEMS else ""
        return "[" + ", ".join(parts[:_RENDER_ITEMS]) + more + "]"
    return repr(value)


def render(value: object) -> str:
    """A short JSON rendering of a value for messages (``"true"``, ``1``, ``["Deny"]``).

    Strings keep their quotes so ``"true"`` reads differently from ``true``; non-ASCII characters
    are escaped (no bidirectional override reaches a message) and long or deep values are cut.
    """
    text = _render(value, 0)
    return text if len(text) <= _RENDER_LIMIT else text[: _RENDER_LIMIT - 3] + "..."


@dataclass(frozen=True, slots=True)
class Read(Generic[T]):
    """One property as a rule read it.

    ``state`` is ``present`` (``value`` holds it, with the expected type), ``default`` (it is
    missing or JSON null and ``value`` holds the default Azure documents for it, see ``source``),
    ``absent`` (missing or JSON null, at the property or at a parent object, with no documented
    default) or ``wrong_type``: ``found`` is the value of the wrong type, at ``at`` (the property
    itself or a parent that is not an object), where ``expected`` was wanted.
    """

    path: str
    state: ReadState
    value: T | None = None
    found: JsonValue = None
    at: str = ""
    expected: str = ""
    source: AzureDefault | None = None  # the table entry a ``default`` read came from

    @property
    def present(self) -> bool:
        """True when the property holds a value of the expected type."""
        return self.state == "present"

    @property
    def defaulted(self) -> bool:
        """True when the property is missing and ``value`` is Azure's documented default."""
        return self.state == "default"

    @property
    def absent(self) -> bool:
        """True when the property (or a parent object) is missing or JSON null, with no default."""
        return self.state == "absent"

    @property
    def wrong_type(self) -> bool:
        """True when the property, or a parent object, holds a value of another JSON type."""
        return self.state == "wrong_type"

    @property
    def problem(self) -> str | None:
        """``allowPublicAccessWhenBehindVnet: "true" (a string, expected a boolean)``, or None."""
        if not self.wrong_type:
            return None
        return f"{self.at}: {self._found_text()}"

    def describe(self) -> str:
        """The value for messages: ``absent``, ``absent; Azure default "TLS1_0"``, the value, or
        what was found instead."""
        if self.defaulted:
            return f"absent; Azure default {render(self.value)}"
        if self.wrong_type:
            if self.at == self.path:
                return self._found_text()
            return f"unreadable ({self.problem})"
        if self.value is None:
            return "absent"
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return self.value if isinstance(self.value, str) else render(self.value)

    @property
    def shown(self) -> JsonValue:
        """The value for evidence: the value, None when absent, ``absent; Azure default ...`` when
        read as the documented default, or a note on the wrong type."""
        if self.defaulted:
            return self.describe()
        if self.wrong_type:
            return self.describe() if self.at == self.path else self.problem
        return self.found

    def _found_text(self) -> str:
        return f"{render(self.found)} ({json_type(self.found)}, expected {self.expected})"


def _absent(
    source: Source, path: Sequence[str], full: str, absent_from: int, accept: Callable[[Any], bool]
) -> Read[Any]:
    """Absent, or the documented default for a resource's type (when it has the expected type).

    A document without a ``properties`` object is not one whose properties hold their defaults:
    nothing in it is read as a default.
    """
    if isinstance(source, Resource) and source.has_properties:
        found = documented_default(source.type, tuple(path), absent_from)
        if found is not None and accept(found[1]):
            return Read(full, "default", value=found[1], source=found[0])
    return Read(full, "absent")


def _read(
    source: Source, path: Sequence[str], prefix: str, accept: Callable[[Any], bool], expected: str
) -> Read[Any]:
    current: JsonValue = source.properties if isinstance(source, Resource) else source
    names = [prefix] if prefix else []
    full = ".".join([*names, *path])
    for index, key in enumerate(path):
        if current is None:  # path[index - 1] is the first key missing
            return _absent(source, path, full, index - 1, accept)
        if not isinstance(current, Mapping):
            at = ".".join([*names, *path[:index]]) or "(value)"
            return Read(full, "wrong_type", found=current, at=at, expected="an object")
        current = current.get(key)
    if current is None:
        return _absent(source, path, full, len(path) - 1, accept)
    if not accept(current):
        return Read(full, "wrong_type", found=current, at=full or "(value)", expected=expected)
    return Read(full, "present", value=current, found=current)


def read_bool(source: Source, *path: str, prefix: str = "") -> Read[bool]:
    """A JSON boolean at ``properties.<path>`` of a resource (or ``<path>`` of a JSON value).

    When a resource's document lacks it, the read holds the default Azure documents for the
    resource's type, if any (state ``default``). ``prefix`` names the source in messages when it
    is not a resource's properties (e.g. ``sku``); such sources have no documented defaults.
    """
    return _read(source, path, prefix, lambda v: isinstance(v, bool), "a boolean")


def read_text(source: Source, *path: str, prefix: str = "") -> Read[str]:
    """A JSON string (enum values such as ``Enabled`` or ``TLS1_2``); see :func:`read_bool`."""
    return _read(source, path, prefix, lambda v: isinstance(v, str), "a string")


def read_number(source: Source, *path: str, prefix: str = "") -> Read[float]:
    """A JSON number, not a boolean (``softDeleteRetentionInDays``); see :func:`read_bool`."""
    return _read(
        source,
        path,
        prefix,
        lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "a number",
    )


def read_object(source: Source, *path: str, prefix: str = "") -> Read[JsonObject]:
    """A JSON object (e.g. ``networkAcls``); see :func:`read_bool`."""
    return _read(source, path, prefix, lambda v: isinstance(v, Mapping), "an object")


def read_list(source: Source, *path: str, prefix: str = "") -> Read[Sequence[JsonValue]]:
    """A JSON list (e.g. ``privateEndpointConnections``); see :func:`read_bool`."""
    return _read(source, path, prefix, lambda v: isinstance(v, list | tuple), "a list")


def wrong_types(*reads: Read[Any]) -> list[str]:
    """The problem of each wrong-typed read, once each (a bad parent is shared by its children)."""
    problems = (r.problem for r in reads if r.problem is not None)
    return list(dict.fromkeys(problems))


def no_properties(resource: Resource) -> str:
    """Why nothing in a resource can be judged when Azure sent no ``properties`` object."""
    return (
        f"'{resource.name}' ({resource.id}): Azure returned no properties object for it, so none"
        " of its settings can be judged"
    )
