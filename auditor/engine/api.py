"""The one module rule authors import (besides the inventory model and subjects).

A rule is a typed function decorated with :func:`rule`. It receives one subject and a
:class:`RuleContext` and returns an :class:`Outcome` (or ``None`` when the subject is out of the
rule's reach, e.g. a Kubernetes compute for a rule about compute instances)::

    @rule(
        id="AML-NET-001",
        title="Workspace is not reachable from public networks",
        severity=Severity.HIGH,
        category=Category.NETWORK,
        subject=Bundle,
        remediation="Set publicNetworkAccess to Disabled and use a private endpoint.",
    )
    def public_access_disabled(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
        \"\"\"Description shown in the catalogue.\"\"\"
        ...

The decorator returns a :class:`Rule` value; the registry collects module-level ``Rule`` objects.
Nothing registers itself on import.
"""

import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict

from auditor.engine.reading import (
    Read,
    read_bool,
    read_list,
    read_object,
    read_text,
    wrong_types,
)
from auditor.engine.subjects import (
    ApplicationInsightsSubject,
    AttachedSubject,
    AttachedView,
    Bundle,
    ComputeSubject,
    ContainerRegistrySubject,
    KeyVaultSubject,
    StorageAccountSubject,
    Subject,
)
from auditor.findings import Category, Severity, Status
from auditor.inventory.model import Inventory
from auditor.json_types import JsonObject, JsonValue, freeze_object

__all__ = [
    "ApplicationInsightsSubject",
    "AttachedSubject",
    "AttachedView",
    "Bundle",
    "Category",
    "ComputeSubject",
    "ContainerRegistrySubject",
    "KeyVaultSubject",
    "NoParams",
    "Outcome",
    "Read",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Severity",
    "StorageAccountSubject",
    "failed",
    "not_applicable",
    "passed",
    "read_bool",
    "read_list",
    "read_object",
    "read_text",
    "rule",
    "unknown",
    "wrong_types",
]

RULE_ID_PATTERN = re.compile(r"^AML-[A-Z]{2,8}-\d{3}$")


class NoParams(BaseModel):
    """Parameters of a rule that takes none."""

    model_config = ConfigDict(frozen=True, extra="forbid")


S = TypeVar("S", bound=Bundle | AttachedSubject | ComputeSubject)
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """What a rule concluded; the engine turns it into a finding."""

    status: Status
    message: str
    evidence: JsonObject = field(default_factory=lambda: MappingProxyType({}))
    severity: Severity | None = None  # overrides the rule's severity for this finding
    discriminator: str = ""  # distinguishes causes on the same subject, for the fingerprint


def passed(message: str, evidence: Mapping[str, JsonValue] | None = None) -> Outcome:
    """The subject complies."""
    return Outcome(status=Status.PASS, message=message, evidence=freeze_object(evidence or {}))


def failed(
    message: str,
    evidence: Mapping[str, JsonValue] | None = None,
    *,
    severity: Severity | None = None,
) -> Outcome:
    """The subject does not comply; ``severity`` overrides the rule's default for this case."""
    return Outcome(
        status=Status.FAIL,
        message=message,
        evidence=freeze_object(evidence or {}),
        severity=severity,
    )


def not_applicable(message: str, evidence: Mapping[str, JsonValue] | None = None) -> Outcome:
    """The rule does not concern this subject (e.g. AML-NET-020 on a public workspace): shown as
    such, never counted as a pass."""
    return Outcome(
        status=Status.NOT_APPLICABLE, message=message, evidence=freeze_object(evidence or {})
    )


def unknown(message: str, evidence: Mapping[str, JsonValue] | None = None) -> Outcome:
    """The data needed is missing; the message says what is missing. Never a pass."""
    return Outcome(status=Status.UNKNOWN, message=message, evidence=freeze_object(evidence or {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext(Generic[P]):
    """What a rule may read besides its subject."""

    params: P
    inventory: Inventory
    now: datetime


class RuleMeta(BaseModel):
    """Validated rule metadata, as listed by ``auditor rules list``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    severity: Severity
    category: Category
    description: str
    remediation: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Generic[S, P]):
    """A rule: metadata, the subject type it judges, its parameters and its function."""

    meta: RuleMeta
    subject: type[S]
    params: type[P]
    check: Callable[[S, RuleContext[P]], Outcome | None]
    needs: tuple[str, ...] = ()  # collection sources whose errors make this rule unknown

    @property
    def id(self) -> str:
        """The rule id."""
        return self.meta.id

    def parameters(self) -> list[dict[str, JsonValue]]:
        """The declared parameters with their types, defaults and descriptions, for catalogues."""
        schema = self.params.model_json_schema()
        defaults = self.params().model_dump(mode="json")
        return [
            {
                "name": name,
                "type": spec.get("type", "object"),
                "default": defaults.get(name),
                "description": spec.get("description", ""),
            }
            for name, spec in schema.get("properties", {}).items()
        ]


@overload
def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    references: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[[S, RuleContext[NoParams]], Outcome | None]], Rule[S, NoParams]]: ...


@overload
def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    params: type[P],
    references: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[[S, RuleContext[P]], Outcome | None]], Rule[S, P]]: ...


def rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    category: Category,
    subject: type[S],
    remediation: str,
    params: type[Any] = NoParams,
    references: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[Callable[[S, RuleContext[Any]], Outcome | None]], Rule[S, Any]]:
    """Make a rule from a check function; metadata problems raise ``ValueError`` at load time."""

    def decorate(check: Callable[[S, RuleContext[Any]], Outcome | None]) -> Rule[S, Any]:
        if not RULE_ID_PATTERN.match(id):
            raise ValueError(f"rule id {id!r} does not match AML-<AREA>-<NNN>")
        if not (isinstance(params, type) and issubclass(params, BaseModel)):
            raise ValueError(f"{id}: params must be a pydantic model class")
        if not issubclass(subject, Bundle | AttachedSubject | ComputeSubject):
            raise ValueError(f"{id}: unsupported subject type {subject!r}")
        description = inspect.cleandoc(check.__doc__ or "").strip()
        if not description:
            raise ValueError(f"{id}: the rule function needs a docstring (its description)")
        for ref in references:
            if not ref.startswith("https://"):
                raise ValueError(f"{id}: reference {ref!r} is not an https URL")
        meta = RuleMeta(
            id=id,
            title=title,
            severity=severity,
            category=category,
            description=description,
            remediation=remediation,
            references=references,
        )
        return Rule(meta=meta, subject=subject, params=params, check=check, needs=needs)

    return decorate


def is_subject(value: object) -> bool:
    """True for any subject object (used by the engine's type checks)."""
    return isinstance(value, Subject)
