"""Outcomes: what a rule concludes about one subject, and the engine's check of what it returned.

A rule is plugin code: whatever it returns is checked before it becomes a finding, so a rule that
returns the wrong thing costs an ``error`` on that subject, never the run.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from auditor.findings import Severity, Status
from auditor.json_types import JsonObject, JsonValue, freeze_object

__all__ = [
    "DECIDED_STATUSES",
    "RULE_STATUSES",
    "Outcome",
    "OutcomeError",
    "check_outcome",
    "failed",
    "not_applicable",
    "passed",
    "unknown",
]

# ``error`` is the engine's (the rule raised or returned something invalid) and ``suppressed`` is
# the waivers'; a rule returning either would forge what only the engine may say.
RULE_STATUSES = frozenset({Status.PASS, Status.FAIL, Status.UNKNOWN, Status.NOT_APPLICABLE})
# What a subject provider may decide without calling the rule: missing data or out of reach.
DECIDED_STATUSES = frozenset({Status.UNKNOWN, Status.NOT_APPLICABLE})

# Evidence is rule-made, but a cyclic or absurdly deep object must not take the run down.
_MAX_DEPTH = 32
_MAX_NODES = 100_000


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


class OutcomeError(ValueError):
    """A rule returned something the engine cannot turn into a finding; the message says what."""


def check_outcome(value: object, *, may_skip: bool) -> Outcome | None:
    """``value`` as a valid outcome with deep-frozen evidence, or ``None`` for a skipped subject.

    ``may_skip`` is true for rules whose declared return type admits ``None``.

    Raises:
        OutcomeError: not an :class:`Outcome` (or ``None`` where not allowed), a status a rule may
            not return, a field of the wrong type, or evidence that is not a JSON object.
    """
    if value is None:
        if may_skip:
            return None
        raise OutcomeError("returned None, but its declared return type is Outcome")
    if not isinstance(value, Outcome):
        raise OutcomeError(f"returned {type(value).__name__}, not an Outcome")
    if not isinstance(value.status, Status):
        raise OutcomeError(f"status is {type(value.status).__name__}, not a Status")
    if value.status not in RULE_STATUSES:
        raise OutcomeError(f"status {value.status.value} is set by the engine, not by rules")
    if not isinstance(value.message, str):
        raise OutcomeError(f"message is {type(value.message).__name__}, not a string")
    if value.severity is not None and not isinstance(value.severity, Severity):
        raise OutcomeError(f"severity is {type(value.severity).__name__}, not a Severity")
    if not isinstance(value.discriminator, str):
        raise OutcomeError(f"discriminator is {type(value.discriminator).__name__}, not a string")
    if not isinstance(value.evidence, Mapping):
        raise OutcomeError(f"evidence is {type(value.evidence).__name__}, not a JSON object")
    _check_json(value.evidence, "evidence", 0, [0])
    return Outcome(
        status=value.status,
        message=value.message,
        evidence=freeze_object(value.evidence),  # a rule may hand over a dict it keeps changing
        severity=value.severity,
        discriminator=value.discriminator,
    )


def _check_json(value: object, where: str, depth: int, nodes: list[int]) -> None:
    """Raise :class:`OutcomeError` unless ``value`` is what ``report.json`` can carry."""
    nodes[0] += 1
    if depth > _MAX_DEPTH or nodes[0] > _MAX_NODES:
        raise OutcomeError(f"{where}: nested deeper than {_MAX_DEPTH} or too large")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise OutcomeError(f"{where}: {value} is not a JSON number")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise OutcomeError(f"{where}: key of type {type(key).__name__}, not a string")
            _check_json(item, f"{where}.{key}", depth + 1, nodes)
        return
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _check_json(item, f"{where}[{position}]", depth + 1, nodes)
        return
    raise OutcomeError(f"{where}: a {type(value).__name__} is not a JSON value")
