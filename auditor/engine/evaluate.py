"""Run every rule over its subjects and turn outcomes into findings.

Missing data never passes: an attached resource that could not be read, computes that could not be
listed, a subject whose document came without a ``properties`` object, or a collection error in a
source a rule needs all give ``unknown`` without calling the rule.
A rule that raises gives ``error`` for that subject only.
"""

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from auditor.engine.api import Outcome, Rule, RuleContext
from auditor.engine.reading import no_properties
from auditor.engine.subjects import (
    ATTACHED_SUBJECT_TYPES,
    AttachedSubject,
    Bundle,
    ComputeSubject,
    list_attached_refs,
    list_bundles,
)
from auditor.findings import Finding, Severity, Status, fingerprint
from auditor.inventory.model import Inventory, LookupState, Resource
from auditor.json_types import freeze_object

logger = logging.getLogger(__name__)

AnyRule = Rule[Any, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSettings:
    """Per-rule settings from the configuration, already validated against each rule."""

    params: Mapping[str, BaseModel] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Target:
    """A subject to call the rule on, or an outcome decided without calling it."""

    subject_id: str
    workspace_ids: tuple[str, ...]
    subject: Bundle | AttachedSubject | ComputeSubject | None
    outcome: Outcome | None = None


def _unknown(message: str) -> Outcome:
    return Outcome(status=Status.UNKNOWN, message=message)


def _target(subject: Bundle | AttachedSubject | ComputeSubject, resource: Resource) -> _Target:
    """The subject, or ``unknown`` when its own document has no ``properties`` object.

    Read as empty, such a document would look like one where every property is absent, and
    absence passes or fails several rules (AML-NET-003, AML-NET-012, AML-AUTH-002).
    """
    if not resource.has_properties:
        outcome = _unknown(no_properties(resource) + ".")
        return _Target(subject.subject_id, subject.workspace_ids(), None, outcome)
    return _Target(subject.subject_id, subject.workspace_ids(), subject)


def list_targets(rule: AnyRule, inventory: Inventory) -> Iterator[_Target]:
    """The subjects of one rule, with those whose data is missing already decided as unknown."""
    subject_type = rule.subject
    if issubclass(subject_type, Bundle):
        for bundle in list_bundles(inventory):
            yield _target(bundle, bundle.resource)
    elif issubclass(subject_type, AttachedSubject):
        role = next(r for r, t in ATTACHED_SUBJECT_TYPES.items() if issubclass(subject_type, t))
        for ref in list_attached_refs(inventory, role):
            users = inventory.workspaces_using(ref.id)
            ws_ids = tuple(ws.id for ws in users)
            resource = inventory.get_resource(ref.id)
            if ref.state is LookupState.NOT_FOUND:
                continue  # deleted: nothing to judge; the bundle records it as found: false
            if ref.state is LookupState.UNKNOWN or resource is None:
                reason = ref.reason or "it was not returned by Azure"
                yield _Target(
                    ref.id, ws_ids, None, _unknown(f"{ref.id} could not be read: {reason}")
                )
                continue
            yield _target(subject_type(resource=resource, workspaces=users), resource)
    elif issubclass(subject_type, ComputeSubject):
        for ws in inventory.workspaces:
            if ws.computes is None:
                reason = ws.computes_error or "the computes could not be listed"
                message = f"computes of {ws.name} could not be listed: {reason}"
                yield _Target(f"{ws.id}/computes", (ws.id,), None, _unknown(message))
                continue
            for compute in ws.computes:
                yield _target(ComputeSubject(resource=compute, workspace=ws), compute)


def _missing_sources(rule: AnyRule, inventory: Inventory, target: _Target) -> list[str]:
    """Collection errors in the sources this rule needs that concern the target."""
    if not rule.needs:
        return []
    scopes = {target.subject_id.lower(), *(w.lower() for w in target.workspace_ids)}
    reasons = []
    for error in inventory.errors:
        scope = error.scope.lower()
        if error.source in rule.needs and any(
            s == scope or s.startswith(scope + "/") for s in scopes
        ):
            reasons.append(f"{error.source} {error.code}: {error.message}")
    return reasons


def _run_check(rule: AnyRule, target: _Target, ctx: RuleContext[Any]) -> Outcome | None:
    if target.outcome is not None:
        return target.outcome
    missing = _missing_sources(rule, ctx.inventory, target)
    if missing:
        return _unknown("data needed by this rule could not be collected: " + "; ".join(missing))
    try:
        return rule.check(target.subject, ctx)
    except Exception as exc:
        logger.exception("rule %s raised on %s", rule.id, target.subject_id)
        return Outcome(
            status=Status.ERROR,
            message=f"rule raised {type(exc).__name__}: {exc}",
            evidence=freeze_object({"exception": type(exc).__name__}),
        )


def evaluate(
    inventory: Inventory, rules: tuple[AnyRule, ...], settings: RuleSettings, now: datetime
) -> tuple[Finding, ...]:
    """Every enabled rule on every subject: one finding per (rule, subject)."""
    findings: list[Finding] = []
    for rule in rules:
        if rule.id in settings.disabled:
            continue
        params = settings.params.get(rule.id) or rule.params()
        ctx: RuleContext[Any] = RuleContext(params=params, inventory=inventory, now=now)
        default_severity = settings.severity.get(rule.id, rule.meta.severity)
        for target in list_targets(rule, inventory):
            outcome = _run_check(rule, target, ctx)
            if outcome is None:
                continue
            # A configured override wins over the rule's own per-case severity.
            severity = settings.severity.get(rule.id) or outcome.severity or default_severity
            findings.append(
                Finding(
                    rule_id=rule.id,
                    title=rule.meta.title,
                    severity=severity,
                    category=rule.meta.category,
                    status=outcome.status,
                    resource_id=target.subject_id,
                    workspace_ids=target.workspace_ids,
                    message=outcome.message,
                    remediation=rule.meta.remediation,
                    fingerprint=fingerprint(rule.id, target.subject_id, outcome.discriminator),
                    evidence=outcome.evidence,
                )
            )
    return tuple(findings)
