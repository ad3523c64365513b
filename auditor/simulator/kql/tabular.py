"""Tabular operators: runs a parsed query over in-memory tables.

Columns are resolved before any row is touched, so a misspelt column fails even on an empty table,
as in Resource Graph.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from auditor.simulator.kql import syntax as s
from auditor.simulator.kql.errors import UNKNOWN_TABLE, KqlError
from auditor.simulator.kql.expressions import (
    Row,
    check,
    derived_name,
    evaluate,
    group_key,
    semantic_error,
    sort_value,
    unresolved,
)


@dataclass(frozen=True)
class Table:
    """A source or result table: ordered column names and rows keyed by them."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]


def _fresh_name(taken: Sequence[str], counter: list[int]) -> str:
    # KQL numbers unnamed computed columns Column1, Column2, ... skipping names in use.
    while True:
        counter[0] += 1
        name = f"Column{counter[0]}"
        if name not in taken:
            return name


def _require(refs: Sequence[s.ColumnRef], columns: Sequence[str]) -> None:
    for ref in refs:
        check(ref, columns)


class Evaluator:
    """Runs queries against a fixed set of tables (table names match case-insensitively)."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        """Remember the tables a query may name."""
        self._tables = {name.lower(): table for name, table in tables.items()}

    def run(self, query: s.Query) -> Table:
        """Execute a parsed query.

        Raises:
            KqlError: Unknown table or column, or another semantic error.
        """
        table = self._tables.get(query.table.lower())
        if table is None:
            raise KqlError(
                UNKNOWN_TABLE,
                f"Table '{query.table}' is invalid, unsupported or disallowed",
                line=query.table_line,
                column=query.table_column,
                token=query.table,
            )
        for op in query.operators:
            table = self._apply(op, table)
        return table

    def _apply(self, op: s.Operator, table: Table) -> Table:
        if isinstance(op, s.Where):
            check(op.predicate, table.columns)
            rows = tuple(r for r in table.rows if evaluate(op.predicate, r) is True)
            return Table(table.columns, rows)
        if isinstance(op, s.Project):
            return _extend(op, table) if op.extend else _project(op, table)
        if isinstance(op, s.ProjectAway):
            _require(op.columns, table.columns)
            gone = {ref.name for ref in op.columns}
            kept = tuple(c for c in table.columns if c not in gone)
            return Table(kept, tuple({c: r[c] for c in kept} for r in table.rows))
        if isinstance(op, s.OrderBy):
            return _order(op, table)
        if isinstance(op, s.Take):
            return Table(table.columns, table.rows[: op.count])
        if isinstance(op, s.Distinct):
            return _distinct(op, table)
        if isinstance(op, s.MvExpand):
            return _mv_expand(op, table)
        if isinstance(op, s.Join):
            return _join(op, table, self.run(op.right))
        if isinstance(op, s.Summarize):
            return _summarize(op, table)
        return Table(("Count",), ({"Count": len(table.rows)},))


def _project(op: s.Project, table: Table) -> Table:
    names: list[str] = []
    counter = [0]
    for item in op.items:
        check(item.expr, table.columns)
        name = item.name or derived_name(item.expr) or _fresh_name(names, counter)
        if name in names:
            line, column = item.expr.line, item.expr.column
            raise semantic_error(line, column, name, f"column '{name}' is projected twice")
        names.append(name)
    rows = tuple(
        {name: evaluate(item.expr, r) for name, item in zip(names, op.items, strict=True)}
        for r in table.rows
    )
    return Table(tuple(names), rows)


def _extend(op: s.Project, table: Table) -> Table:
    columns = list(table.columns)
    counter = [0]
    names: list[str] = []
    for item in op.items:
        # Later items may use columns made by earlier ones, as KQL allows.
        check(item.expr, columns)
        name = item.name or derived_name(item.expr) or _fresh_name(columns, counter)
        names.append(name)
        if name not in columns:
            columns.append(name)
    rows: list[Row] = []
    for source in table.rows:
        row = dict(source)
        for name, item in zip(names, op.items, strict=True):
            row[name] = evaluate(item.expr, row)
        rows.append(row)
    return Table(tuple(columns), tuple(rows))


def _order(op: s.OrderBy, table: Table) -> Table:
    for key in op.keys:
        check(key.expr, table.columns)
    rows = list(table.rows)
    # Stable sorts from the last key to the first give a multi-key order.
    for key in reversed(op.keys):
        rows.sort(
            key=lambda r, k=key: sort_value(evaluate(k.expr, r), k.descending, k.nulls_first),  # type: ignore[misc]
            reverse=key.descending,
        )
    return Table(table.columns, tuple(rows))


def _distinct(op: s.Distinct, table: Table) -> Table:
    if op.columns is None:
        columns = table.columns
    else:
        _require(op.columns, table.columns)
        columns = tuple(ref.name for ref in op.columns)
    seen: set[str] = set()
    rows: list[Row] = []
    for source in table.rows:
        row = {c: source[c] for c in columns}
        key = group_key(list(row.values()))
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return Table(columns, tuple(rows))


def _mv_expand(op: s.MvExpand, table: Table) -> Table:
    item = op.item
    check(item.expr, table.columns)
    name = item.name or derived_name(item.expr)
    if name is None:
        line, column = item.expr.line, item.expr.column
        raise semantic_error(line, column, "mv-expand", "mv-expand needs a column name here")
    columns = table.columns if name in table.columns else (*table.columns, name)
    rows: list[Row] = []
    for source in table.rows:
        value = evaluate(item.expr, source)
        if isinstance(value, list):
            elements = value
        elif isinstance(value, dict):
            elements = [{k: v} for k, v in value.items()]
        else:
            elements = [value]
        for element in elements:
            row = dict(source)
            row[name] = element
            rows.append(row)
    return Table(columns, tuple(rows))


def _join(op: s.Join, left: Table, right: Table) -> Table:
    _require(op.on, left.columns)
    for ref in op.on:
        if ref.name not in right.columns:
            raise unresolved(ref)
    keys = [ref.name for ref in op.on]
    # KQL keeps every left column and renames clashing right columns with a numeric suffix.
    renamed: dict[str, str] = {}
    columns = list(left.columns)
    for name in right.columns:
        new, suffix = name, 0
        while new in columns:
            suffix += 1
            new = f"{name}{suffix}"
        renamed[name] = new
        columns.append(new)
    index: dict[str, list[Row]] = {}
    for row in right.rows:
        values = [row[k] for k in keys]
        if all(v is not None for v in values):
            index.setdefault(group_key(values), []).append(row)
    left_rows: list[Row] = list(left.rows)
    if op.kind == "innerunique":
        # innerunique keeps one left row per key before matching.
        seen: set[str] = set()
        left_rows = []
        for row in left.rows:
            key = group_key([row[k] for k in keys])
            if key not in seen:
                seen.add(key)
                left_rows.append(row)
    out: list[Row] = []
    empty_right = {renamed[c]: None for c in right.columns}
    for row in left_rows:
        matches = index.get(group_key([row[k] for k in keys]), [])
        out.extend({**row, **{renamed[c]: v for c, v in m.items()}} for m in matches)
        if not matches and op.kind == "leftouter":
            out.append({**row, **empty_right})
    return Table(tuple(columns), tuple(out))


def _summarize(op: s.Summarize, table: Table) -> Table:
    names: list[str] = []
    counter = [0]
    for item in op.by:
        check(item.expr, table.columns)
        names.append(item.name or derived_name(item.expr) or _fresh_name(names, counter))
    if op.count_name in names or len(set(names)) != len(names):
        raise semantic_error(-1, -1, "summarize", "summarize produces a column name twice")
    groups: dict[str, tuple[list[object], int]] = {}
    for row in table.rows:
        values = [evaluate(item.expr, row) for item in op.by]
        key = group_key(values)
        _, count = groups.get(key, (values, 0))
        groups[key] = (values, count + 1)
    if not op.by and not groups:
        groups[""] = ([], 0)  # a plain count of no rows is one row with 0
    rows = tuple(
        {**dict(zip(names, values, strict=True)), op.count_name: count}
        for values, count in groups.values()
    )
    return Table((*names, op.count_name), rows)
