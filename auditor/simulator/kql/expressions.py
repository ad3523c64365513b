"""Scalar expressions: column checks, derived column names and row-wise evaluation."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from auditor.simulator.kql import syntax as s
from auditor.simulator.kql.errors import SEMANTIC, KqlError
from auditor.simulator.kql.functions import Value, call, equals, negate, order, to_string

Row = dict[str, Value]

# Conversions whose result column KQL names after the converted column (tostring(a.b) -> a_b).
_NAME_PRESERVING = frozenset({"tostring", "tolower", "toupper", "tobool", "toint"})


def semantic_error(line: int, column: int, token: str, message: str) -> KqlError:
    """A ``SemanticError`` located at ``line``/``column``."""
    return KqlError(
        SEMANTIC,
        f"{message} at line {line}, position {column}",
        line=line,
        column=column,
        token=token,
    )


def unresolved(ref: s.ColumnRef) -> KqlError:
    """The error for a column the input table does not have."""
    return semantic_error(
        ref.line, ref.column, ref.name, f"Failed to resolve scalar expression named '{ref.name}'"
    )


def check(expr: s.Expr, columns: Sequence[str]) -> None:
    """Fail when ``expr`` names a column the input does not have."""
    if isinstance(expr, s.ColumnRef):
        if expr.name not in columns:
            raise unresolved(expr)
    elif isinstance(expr, s.Member):
        check(expr.target, columns)
    elif isinstance(expr, s.Call):
        for arg in expr.args:
            check(arg, columns)
    elif isinstance(expr, s.Unary):
        check(expr.operand, columns)
    elif isinstance(expr, s.Binary):
        check(expr.left, columns)
        check(expr.right, columns)
    elif isinstance(expr, s.InList):
        check(expr.operand, columns)
        for item in expr.items:
            check(item, columns)


def derived_name(expr: s.Expr) -> str | None:
    """The column name KQL gives an unnamed expression, or None when it would number it."""
    if isinstance(expr, s.ColumnRef):
        return expr.name
    if isinstance(expr, s.Member):
        base = derived_name(expr.target)
        return None if base is None else f"{base}_{expr.key}"
    if isinstance(expr, s.Call) and expr.name in _NAME_PRESERVING:
        return derived_name(expr.args[0])
    return None


def evaluate(expr: s.Expr, row: Mapping[str, Value]) -> Value:
    """Evaluate a scalar expression against one row."""
    if isinstance(expr, s.Literal):
        return expr.value
    if isinstance(expr, s.ColumnRef):
        return row[expr.name]
    if isinstance(expr, s.Member):
        target = evaluate(expr.target, row)
        if isinstance(target, dict) and isinstance(expr.key, str):
            return target.get(expr.key)
        if isinstance(target, list) and isinstance(expr.key, int):
            return target[expr.key] if -len(target) <= expr.key < len(target) else None
        return None
    if isinstance(expr, s.Call):
        return call(expr.name, [evaluate(a, row) for a in expr.args])
    if isinstance(expr, s.Unary):
        value = evaluate(expr.operand, row)
        return -value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if isinstance(expr, s.InList):
        return _in_list(expr, row)
    return _binary(expr, row)


def _binary(expr: s.Binary, row: Mapping[str, Value]) -> Value:
    left = evaluate(expr.left, row)
    if expr.op in ("and", "or"):
        # Three-valued logic: false and null is false, true or null is true.
        stop = expr.op == "or"
        if left is stop:
            return stop
        right = evaluate(expr.right, row)
        if right is stop:
            return stop
        if left is None or right is None or not isinstance(left, bool):
            return None
        return right if isinstance(right, bool) else None
    right = evaluate(expr.right, row)
    if expr.op in ("==", "=~"):
        return equals(left, right, ignore_case=expr.op == "=~")
    if expr.op in ("!=", "!~"):
        return negate(equals(left, right, ignore_case=expr.op == "!~"))
    return order(expr.op, left, right)


def _in_list(expr: s.InList, row: Mapping[str, Value]) -> Value:
    negated = expr.op.startswith("!")
    ignore_case = expr.op.endswith("~")
    left = evaluate(expr.operand, row)
    if left is None:
        return negated
    candidates: list[Value] = []
    for item in expr.items:
        value = evaluate(item, row)
        # A dynamic array inside the list contributes its elements.
        candidates.extend(value if isinstance(value, list) else [value])
    found = any(equals(left, c, ignore_case=ignore_case) is True for c in candidates)
    return found != negated


def group_key(values: Sequence[Value]) -> str:
    """A hashable key for a tuple of values (used by distinct, join and summarize)."""
    return json.dumps(list(values), sort_keys=True, separators=(",", ":"))


def sort_value(value: Value, descending: bool, nulls_first: bool) -> tuple[int, int, Value]:
    """Sort key of one value: nulls where asked, then booleans, numbers, strings, the rest."""
    if value is None:
        # Python's reverse sort flips the null rank too; pick it so nulls land where asked.
        return (2 if nulls_first == descending else 0, 0, "")
    if isinstance(value, bool):
        return (1, 0, int(value))
    if isinstance(value, int | float):
        return (1, 1, value)
    if isinstance(value, str):
        return (1, 2, value)
    return (1, 3, to_string(value))
