"""Declarative rules: read one property, compare it, conclude pass, fail or unknown.

Modelled on Cloud Custodian's value filter (key, op, value), built on the typed reads of
:mod:`auditor.engine.reading`, so it keeps their guarantees::

    soft_delete = value_rule(
        id="AML-KV-001", title="Key vault has soft delete enabled", severity=Severity.HIGH,
        category=Category.KEY_VAULT, subject=KeyVaultSubject, remediation="...",
        description="Checks that ...",
        path="enableSoftDelete", op="eq", value=True,
    )

- present, of the expected JSON type: ``pass`` when ``<property> <op> <value>`` holds, else
  ``fail``;
- absent (or JSON null): judged as the default Azure documents for it, which the typed reads take
  from :mod:`auditor.engine.defaults` (the evidence then says ``absent; Azure default true``), or
  ``unknown`` when there is none;
- of another JSON type (``"true"`` for a boolean): ``unknown`` naming what was found; never a pass.

Strings compare ignoring case, as ARM echoes enum values in any casing. Anything more involved
(several properties, other resources) stays a typed function decorated with ``rule``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar, get_args

from auditor.engine.definition import NoParams, Rule, RuleContext, rule
from auditor.engine.kinds import Subject
from auditor.engine.outcomes import Outcome, failed, passed, unknown
from auditor.engine.reading import Read, read_bool, read_number, read_text, render
from auditor.findings import Category, Exposure, Severity
from auditor.inventory.model import CollectionSource, Resource

__all__ = ["Op", "ResourceSubject", "ValueTest", "value_rule"]

Op = Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge"]
Scalar = bool | str | int | float
JsonKind = Literal["boolean", "string", "number"]

_WORDS: dict[str, str] = {
    "eq": "{}",
    "ne": "anything but {}",
    "in": "one of {}",
    "not_in": "none of {}",
    "lt": "below {}",
    "le": "at most {}",
    "gt": "above {}",
    "ge": "at least {}",
}


class ResourceSubject(Subject, Protocol):
    """A subject judged through one ARM document (every built-in kind is one)."""

    @property
    def resource(self) -> Resource:
        """The document the property is read from."""
        ...


R = TypeVar("R", bound=ResourceSubject)


def _kind(value: object) -> JsonKind:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    raise ValueError(f"{value!r} is not a boolean, string or number")


@dataclass(frozen=True, slots=True)
class ValueTest:
    """``properties.<path> <op> <value>``: pass when it holds."""

    path: tuple[str, ...]
    op: Op
    value: Scalar | tuple[Scalar, ...]

    def __post_init__(self) -> None:
        """Reject a test that could never be evaluated (checked when the rule file loads)."""
        if not self.path or not all(self.path):
            raise ValueError("path must name a property, e.g. 'networkAcls.defaultAction'")
        if self.op not in get_args(Op):
            raise ValueError(f"op {self.op!r} is not one of {', '.join(get_args(Op))}")
        listed = self.op in ("in", "not_in")
        if listed != isinstance(self.value, tuple) or (listed and not self.value):
            raise ValueError(f"op {self.op} takes {'a tuple of values' if listed else 'one value'}")
        kinds = {_kind(v) for v in (self.value if isinstance(self.value, tuple) else (self.value,))}
        if len(kinds) != 1:
            raise ValueError("the values to compare with must all be of one JSON type")
        if self.op in ("lt", "le", "gt", "ge") and kinds != {"number"}:
            raise ValueError(f"op {self.op} compares numbers")

    @property
    def json_kind(self) -> JsonKind:
        """The JSON type the property must have."""
        first = self.value[0] if isinstance(self.value, tuple) else self.value
        return _kind(first)

    @property
    def name(self) -> str:
        """The dotted property path, as messages and evidence show it."""
        return ".".join(self.path)

    def read(self, resource: Resource) -> Read[Any]:
        """The property, read with its JSON type."""
        if self.json_kind == "boolean":
            return read_bool(resource, *self.path)
        if self.json_kind == "string":
            return read_text(resource, *self.path)
        return read_number(resource, *self.path)

    def holds(self, actual: Scalar) -> bool:
        """Whether ``actual`` (of the right JSON type) satisfies the comparison."""
        wanted = self.value if isinstance(self.value, tuple) else (self.value,)
        if isinstance(actual, str):
            actual, wanted = actual.casefold(), tuple(str(w).casefold() for w in wanted)
        if self.op in ("eq", "in"):
            return actual in wanted
        if self.op in ("ne", "not_in"):
            return actual not in wanted
        number, limit = float(actual), float(wanted[0])
        return {
            "lt": number < limit,
            "le": number <= limit,
            "gt": number > limit,
            "ge": number >= limit,
        }[self.op]

    def expectation(self) -> str:
        """``one of "TLS1_2", "TLS1_3"``, ``true``, ``at least 7``: what passes, for messages."""
        values = self.value if isinstance(self.value, tuple) else (self.value,)
        return _WORDS[self.op].format(", ".join(render(v) for v in values))

    def judge(self, resource: Resource) -> Outcome:
        """The outcome for one document; see the module docstring."""
        who = f"'{resource.name}' ({resource.id})"
        read = self.read(resource)
        if read.wrong_type:
            return unknown(f"{who}: {self.name} is {read.describe()}.", {self.name: read.shown})
        if read.absent or read.value is None:
            return unknown(
                f"{who}: {self.name} is absent and Azure documents no default for it.",
                {self.name: None},
            )
        # Present, or read as the default Azure documents (describe() and shown then say so).
        evidence = {self.name: read.shown}
        if self.holds(read.value):
            return passed(f"{who}: {self.name} is {read.describe()}.", evidence)
        return failed(
            f"{who}: {self.name} is {read.describe()}; expected {self.expectation()}.", evidence
        )


def _resource_of(subject: ResourceSubject) -> Resource:
    return subject.resource


def value_rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[R],
    remediation: str,
    description: str,
    path: str,
    op: Op,
    value: Scalar | tuple[Scalar, ...],
    references: tuple[str, ...] = (),
    needs: tuple[CollectionSource, ...] = (),
    exposure: Exposure | None = None,
    resource: Callable[[R], Resource] = _resource_of,
) -> Rule[R, NoParams]:
    """A rule that passes when ``properties.<path> <op> <value>`` holds on the subject's document.

    ``path`` is dotted (``networkAcls.defaultAction``); an absent property is read as the default
    listed for the resource's type in :mod:`auditor.engine.defaults` (add the documented default
    there, with its source), else it is ``unknown``. ``resource`` picks the document when it is
    not the subject's ``resource``. The other arguments are those of
    :func:`~auditor.engine.definition.rule`, with ``description`` in place of a docstring.

    Raises:
        ValueError: at load time, when the comparison or the metadata is wrong.
    """
    test = ValueTest(tuple(path.split(".")), op, value)

    def check(subject: R, ctx: RuleContext[NoParams]) -> Outcome:
        return test.judge(resource(subject))

    check.__doc__ = description
    check.__name__ = check.__qualname__ = id.lower().replace("-", "_")
    decorate = rule(
        id=id,
        title=title,
        severity=severity,
        category=category,
        subject=subject,
        remediation=remediation,
        references=references,
        needs=needs,
        exposure=exposure,
    )
    return decorate(check)
