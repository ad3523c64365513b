"""KQL scalar functions and value semantics over JSON values (None is KQL's null)."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

Value = object

# name -> (minimum, maximum) argument count
SIGNATURES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {
        "tolower": (1, 1),
        "toupper": (1, 1),
        "tostring": (1, 1),
        "tobool": (1, 1),
        "toint": (1, 1),
        "pack_array": (1, 64),
        "array_length": (1, 1),
        "isnull": (1, 1),
        "isnotnull": (1, 1),
        "isempty": (1, 1),
        "isnotempty": (1, 1),
        "strlen": (1, 1),
        "coalesce": (2, 64),
        "not": (1, 1),
    }
)


def is_number(value: Value) -> bool:
    """True for ints and floats but not booleans (a bool is an int in Python, not in KQL)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_string(value: Value) -> str:
    """KQL ``tostring``: null is "", booleans are lowercase, bags and arrays compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def to_bool(value: Value) -> bool | None:
    """KQL ``tobool``."""
    if isinstance(value, bool):
        return value
    if is_number(value):
        return value != 0
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return None


def to_int(value: Value) -> int | None:
    """KQL ``toint``: truncates reals, parses decimal strings, null otherwise."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def equals(left: Value, right: Value, *, ignore_case: bool = False) -> bool | None:
    """KQL ``==`` (or ``=~``); null when either side is null."""
    if left is None or right is None:
        return None
    if ignore_case:
        return to_string(left).lower() == to_string(right).lower()
    if is_number(left) and is_number(right):
        return left == right
    if type(left) is not type(right):
        return False
    return left == right


_ORDER: Mapping[str, Callable[[Any, Any], bool]] = MappingProxyType(
    {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}
)


def order(op: str, left: Value, right: Value) -> bool | None:
    """``<``, ``>``, ``<=``, ``>=`` on two numbers or two strings; null otherwise."""
    if (is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str)):
        return _ORDER[op](left, right)
    return None


def negate(value: bool | None) -> bool | None:
    """Logical not that keeps null."""
    return None if value is None else not value


def _is_empty(value: Value) -> bool:
    return value is None or value == ""


def _coalesce(args: Sequence[Value]) -> Value:
    # KQL treats the empty string like null here.
    return next((a for a in args if not _is_empty(a)), None)


def _not(value: Value) -> bool | None:
    return negate(to_bool(value))


def _strlen(value: Value) -> int | None:
    return None if value is None else len(to_string(value))


def _array_length(value: Value) -> int | None:
    return len(value) if isinstance(value, list) else None


_UNARY: Mapping[str, Callable[[Value], Value]] = MappingProxyType(
    {
        "tolower": lambda v: to_string(v).lower(),
        "toupper": lambda v: to_string(v).upper(),
        "tostring": to_string,
        "tobool": to_bool,
        "toint": to_int,
        "array_length": _array_length,
        "isnull": lambda v: v is None,
        "isnotnull": lambda v: v is not None,
        "isempty": _is_empty,
        "isnotempty": lambda v: not _is_empty(v),
        "strlen": _strlen,
        "not": _not,
    }
)


def call(name: str, args: Sequence[Value]) -> Value:
    """Apply a scalar function to evaluated arguments (arity is checked by the parser)."""
    if name == "pack_array":
        return list(args)
    if name == "coalesce":
        return _coalesce(args)
    return _UNARY[name](args[0])
