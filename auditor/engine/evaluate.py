"""Run every rule over its subjects and turn outcomes into findings.

The subjects of a rule come from the provider of its subject kind (:mod:`auditor.engine.kinds`),
which decides ``unknown`` itself where the data is missing: an attached resource that could not be
read, computes that could not be listed, a subject whose document came without a ``properties``
object. A collection error in a source the rule ``needs`` also gives ``unknown`` without calling it.

No rule can end the run: a rule that raises, or returns anything but a valid outcome, gives
``error`` for that rule on that subject only; a provider that raises gives one ``error`` for each
rule of its kind.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from auditor.engine.definition import Rule, RuleContext
from auditor.engine.kinds import SubjectKind, Target, kind_of
from auditor.engine.outcomes import Outcome, OutcomeError, check_outcome
from auditor.findings import Finding, Severity, Status, fingerprint
from auditor.inventory.model import Inventory
from auditor.json_types import freeze_object

logger = logging.getLogger(__name__)

AnyRule = Rule[Any, Any]
# The subject id of the one error finding a rule gets when its kind's provider fails.
UNLISTED_SUBJECTS = "/"


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleSettings:
    """Per-rule settings from the configuration, already validated against each rule."""

    params: Mapping[str, BaseModel] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()


def _error(message: str, **evidence: str) -> Outcome:
    return Outcome(status=Status.ERROR, message=message, evidence=freeze_object(evidence))


def _kind(rule: AnyRule) -> SubjectKind[Any]:
    kind = kind_of(rule.subject)
    if kind is None:  # Rule() refuses such a subject; only a registry bypassed could get here
        raise TypeError(f"{rule.id}: {rule.subject!r} is not a registered subject kind")
    return kind


def list_targets(rule: AnyRule, inventory: Inventory) -> list[Target[Any]]:
    """The targets of one rule, from its subject kind's provider.

    Raises:
        Exception: whatever the provider raised (:func:`evaluate` turns it into ``error``).
    """
    return list(_kind(rule).targets(inventory))


def _missing_sources(rule: AnyRule, inventory: Inventory, target: Target[Any]) -> list[str]:
    """Collection errors in the sources this rule needs that concern the target."""
    if not rule.needs:
        return []
    scopes = {target.subject_id.lower(), *(w.lower() for w in target.workspace_ids)}
    reasons = []
    for error in inventory.errors:
        # "/" is the whole collection (a collector that failed outright): it concerns every target.
        scope = error.scope.lower().rstrip("/")
        if error.source in rule.needs and any(
            s == scope or s.startswith(scope + "/") for s in scopes
        ):
            reasons.append(f"{error.source} {error.code}: {error.message}")
    return reasons


def _run_check(rule: AnyRule, target: Target[Any], ctx: RuleContext[Any]) -> Outcome | None:
    """The rule's validated outcome on one target; ``error`` when it raises or returns junk."""
    if target.outcome is not None:
        return target.outcome
    missing = _missing_sources(rule, ctx.inventory, target)
    if missing:
        return Outcome(
            status=Status.UNKNOWN,
            message="data needed by this rule could not be collected: " + "; ".join(missing),
        )
    try:
        return check_outcome(rule.check(target.subject, ctx), may_skip=rule.may_skip)
    except OutcomeError as exc:
        logger.error(
            "rule %s returned an invalid outcome on %s: %s", rule.id, target.subject_id, exc
        )
        return _error(f"rule returned an invalid outcome: {exc}", problem=str(exc))
    except Exception as exc:
        logger.exception("rule %s raised on %s", rule.id, target.subject_id)
        return _error(f"rule raised {type(exc).__name__}: {exc}", exception=type(exc).__name__)


def _finding(
    rule: AnyRule, settings: RuleSettings, subject_id: str, ws_ids: tuple[str, ...], o: Outcome
) -> Finding:
    # A configured override wins over the rule's own per-case severity.
    severity = settings.severity.get(rule.id) or o.severity or rule.meta.severity
    return Finding(
        rule_id=rule.id,
        title=rule.meta.title,
        severity=severity,
        category=rule.meta.category,
        status=o.status,
        resource_id=subject_id,
        workspace_ids=ws_ids,
        message=o.message,
        remediation=rule.meta.remediation,
        fingerprint=fingerprint(rule.id, subject_id, o.discriminator),
        evidence=o.evidence,
        exposure=rule.meta.exposure,
    )


def evaluate(
    inventory: Inventory, rules: tuple[AnyRule, ...], settings: RuleSettings, now: datetime
) -> tuple[Finding, ...]:
    """Every enabled rule on every subject: one finding per (rule, subject)."""
    findings: list[Finding] = []
    # Targets are immutable: rules judging the same subject class share one listing of them.
    listed: dict[type[Any], list[Target[Any]]] = {}
    for rule in rules:
        if rule.id in settings.disabled:
            continue
        params = settings.params.get(rule.id) or rule.params()
        ctx: RuleContext[Any] = RuleContext(params=params, inventory=inventory, now=now)
        try:
            targets = listed.get(rule.subject)
            if targets is None:
                targets = listed[rule.subject] = list_targets(rule, inventory)
        except Exception as exc:
            logger.exception("the subjects of rule %s could not be listed", rule.id)
            outcome = _error(
                f"the subjects of this rule could not be listed: {type(exc).__name__}: {exc}",
                exception=type(exc).__name__,
            )
            findings.append(_finding(rule, settings, UNLISTED_SUBJECTS, (), outcome))
            continue
        for target in targets:
            judged = _run_check(rule, target, ctx)
            if judged is not None:
                findings.append(
                    _finding(rule, settings, target.subject_id, target.workspace_ids, judged)
                )
    return tuple(findings)
