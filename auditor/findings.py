"""Findings: the result of one rule on one subject."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from auditor.json_types import JsonObject


class Severity(StrEnum):
    """Finding severity, most severe first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for critical up to 4 for info."""
        return list(Severity).index(self)

    def at_least(self, other: "Severity") -> bool:
        """True when this severity is ``other`` or more severe."""
        return self.rank <= other.rank


class Status(StrEnum):
    """What a rule concluded about a subject."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # the data the rule needs is missing
    ERROR = "error"  # the rule itself raised
    SUPPRESSED = "suppressed"  # a waiver matched
    NOT_APPLICABLE = "not_applicable"  # the rule does not concern this subject; never a pass


class Category(StrEnum):
    """Rule areas."""

    NETWORK = "network"
    AUTHENTICATION = "authentication"
    IAM = "iam"
    KEY_VAULT = "key_vault"
    SECRETS = "secrets"
    COST = "cost"
    LOGGING = "logging"


class Exposure(StrEnum):
    """What a rule's verdict says about network exposure, for the report's ``exposed`` flags.

    A ``fail`` of such a rule means exposed, a ``pass`` means not exposed (when every such verdict
    on the subject passes); ``unknown`` and ``error`` leave the flag unknown.
    """

    RESOURCE = "resource"  # the subject itself is reachable from any network (AML-NET-001, -010)
    BUNDLE = "bundle"  # the workspace is effectively exposed through its bundle (AML-NET-020)


@dataclass(frozen=True, slots=True, kw_only=True)
class Waiver:
    """An accepted risk: ``rule_id`` findings on resources matching ``resource`` are suppressed."""

    rule_id: str
    resource: str  # glob on the resource id, case-insensitive
    reason: str
    owner: str
    expires: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One rule's verdict on one subject."""

    rule_id: str
    title: str
    severity: Severity
    category: Category
    status: Status
    resource_id: str
    workspace_ids: tuple[str, ...]
    message: str
    remediation: str
    fingerprint: str
    evidence: JsonObject = field(default_factory=lambda: MappingProxyType({}))
    suppressed_status: Status | None = None  # the original status when SUPPRESSED
    waiver: Waiver | None = None
    exposure: Exposure | None = None  # declared by the rule; not written to report.json


def fingerprint(rule_id: str, subject_id: str, discriminator: str = "") -> str:
    """A stable id for (rule, subject, cause), for de-duplication across runs.

    The subject id is lowercased because Azure spells the same id differently from call to call.
    """
    material = "|".join((rule_id.upper(), subject_id.lower().rstrip("/"), discriminator))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def count_by(findings: tuple[Finding, ...] | list[Finding]) -> Mapping[str, int]:
    """Findings per status, every status present."""
    counts = dict.fromkeys((s.value for s in Status), 0)
    for finding in findings:
        counts[finding.status.value] += 1
    return counts
