"""JSON value types, and deep freezing so that inventory data cannot be changed after collection."""

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeAlias

JsonValue: TypeAlias = (
    str | int | float | bool | Mapping[str, "JsonValue"] | Sequence["JsonValue"] | None
)
JsonObject: TypeAlias = Mapping[str, JsonValue]

EMPTY_OBJECT: JsonObject = MappingProxyType({})


def freeze(value: object) -> JsonValue:
    """A read-only deep copy of a JSON-like value (dicts become mapping proxies, lists tuples).

    Raises:
        TypeError: the value holds something JSON cannot carry.
    """
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def freeze_object(value: object) -> JsonObject:
    """Freeze a JSON object; anything that is not an object becomes an empty one."""
    frozen = freeze(value) if isinstance(value, Mapping) else EMPTY_OBJECT
    assert isinstance(frozen, Mapping)
    return frozen


def thaw(value: JsonValue) -> object:
    """Return plain dicts and lists for a frozen JSON value (for serialisation)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def get_path(obj: JsonValue, *path: str) -> JsonValue:
    """Follow object keys; ``None`` when any step is absent or not an object."""
    current: JsonValue = obj
    for key in path:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def has_path(obj: JsonValue, *path: str) -> bool:
    """True when every key of the path is present (a present JSON null counts as present)."""
    current: JsonValue = obj
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return False
        current = current[key]
    return True


def json_type(value: object) -> str:
    """``a string``, ``a boolean``, ``a number``, ``an object``, ``a list`` or ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int in Python
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"
