"""The one module rule authors import (besides the inventory model and subjects).

A rule is a typed function decorated with :func:`rule`. It receives one subject and a
:class:`RuleContext` and returns an :class:`Outcome` (or ``None``, when its declared return type is
``Outcome | None``, for a subject out of the rule's reach, e.g. a Kubernetes compute for a rule
about compute instances)::

    @rule(
        id="AML-NET-001",
        title="Workspace is not reachable from public networks",
        severity=Severity.HIGH,
        category=Category.NETWORK,
        subject=Bundle,
        remediation="Set publicNetworkAccess to Disabled and use a private endpoint.",
        exposure=Exposure.RESOURCE,
    )
    def public_access_disabled(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
        \"\"\"Description shown in the catalogue.\"\"\"
        ...

A rule that reads one property and compares it is a :func:`value_rule` instead. Both return a
:class:`Rule` value; the registry collects module-level ``Rule`` objects. Nothing registers itself
on import. See ``docs/writing-rules.md``.
"""

from auditor.engine.definition import NoParams, Rule, RuleContext, RuleMeta, rule
from auditor.engine.kinds import Subject, SubjectKind, Target, kind_of, register_subject_kind
from auditor.engine.outcomes import Outcome, failed, not_applicable, passed, unknown
from auditor.engine.reading import (
    Read,
    read_bool,
    read_list,
    read_number,
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
)
from auditor.engine.values import value_rule
from auditor.findings import Category, Exposure, Severity
from auditor.inventory.model import CollectionSource

__all__ = [
    "ApplicationInsightsSubject",
    "AttachedSubject",
    "AttachedView",
    "Bundle",
    "Category",
    "CollectionSource",
    "ComputeSubject",
    "ContainerRegistrySubject",
    "Exposure",
    "KeyVaultSubject",
    "NoParams",
    "Outcome",
    "Read",
    "Rule",
    "RuleContext",
    "RuleMeta",
    "Severity",
    "StorageAccountSubject",
    "Subject",
    "SubjectKind",
    "Target",
    "failed",
    "is_subject",
    "not_applicable",
    "passed",
    "read_bool",
    "read_list",
    "read_number",
    "read_object",
    "read_text",
    "register_subject_kind",
    "rule",
    "unknown",
    "value_rule",
    "wrong_types",
]


def is_subject(value: object) -> bool:
    """True for an instance of a registered subject kind."""
    return kind_of(type(value)) is not None
