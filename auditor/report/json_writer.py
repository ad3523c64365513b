"""``report.json``: the full result of one audit, schema version 1 (see docs and the JSON Schema in
``auditor/report/schema/report-v1.schema.json``).

Users and scripts depend on this document, so every list has a defined order and every key is
always present (null rather than absent), which also keeps golden files stable.
"""

import dataclasses
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from auditor.findings import Exposure, Finding, Severity, Status, Waiver, count_by
from auditor.ids import resource_key
from auditor.inventory.model import (
    AttachedRef,
    AttachedRole,
    CollectionError,
    LookupState,
    Resource,
    Scope,
    Workspace,
)
from auditor.json_types import thaw
from auditor.report.files import atomic_write_text
from auditor.report.model import AuditResult, Changes, RunInfo

REPORT_SCHEMA_VERSION = "1"
REPORT_FILE_NAME = "report.json"

# Which findings decide the ``exposed`` flags, by the exposure their rule declares: an attached
# resource by the verdicts on itself; a workspace by its own and those on its bundle.
ATTACHED_EXPOSURE = frozenset({Exposure.RESOURCE})
WORKSPACE_EXPOSURE = frozenset({Exposure.RESOURCE, Exposure.BUNDLE})

_DEFAULT_REASONS = {
    LookupState.NOT_FOUND: "Azure reports that the resource does not exist",
    LookupState.UNKNOWN: "the resource could not be read",
}


class FindingIndex:
    """Findings by subject and by workspace (lowercased ids), built once per report.

    Looking findings up per workspace and per attached resource by scanning the whole list made
    report writing quadratic in the size of the estate.
    """

    def __init__(self, findings: Iterable[Finding]) -> None:
        """Index findings, keeping their order."""
        self.findings = sorted_findings(findings)
        self._by_subject: dict[str, list[Finding]] = {}
        self._by_workspace: dict[str, list[Finding]] = {}
        for finding in self.findings:
            self._by_subject.setdefault(resource_key(finding.resource_id), []).append(finding)
            for key in dict.fromkeys(resource_key(i) for i in finding.workspace_ids):
                self._by_workspace.setdefault(key, []).append(finding)

    def of_workspace(self, workspace_key: str) -> list[Finding]:
        """Findings whose ``workspace_ids`` name this workspace, in report order."""
        return self._by_workspace.get(workspace_key, [])

    def is_known_workspace(self, finding: Finding, workspace_keys: set[str]) -> bool:
        """True when the finding concerns one of these workspaces."""
        return any(resource_key(i) in workspace_keys for i in finding.workspace_ids)

    def exposure(self, resource_id: str, kinds: frozenset[Exposure]) -> bool | None:
        """Whether ``resource_id`` is reachable from any network, by the verdicts on it of the rules
        that declare one of these exposure ``kinds``.

        True when one of them fails, False when there are some and all pass, None otherwise (no
        verdict, or one that is unknown or errored): never a guess. A waiver accepts the risk but
        does not close the network, so a suppressed finding counts with its original status. A
        ``not_applicable`` verdict says nothing about exposure and is left out.
        """
        statuses = [
            status
            for f in self._by_subject.get(resource_key(resource_id), [])
            if f.exposure in kinds and (status := _effective_status(f)) is not Status.NOT_APPLICABLE
        ]
        if Status.FAIL in statuses:
            return True
        if statuses and all(s is Status.PASS for s in statuses):
            return False
        return None


def build_report(result: AuditResult, index: FindingIndex | None = None) -> dict[str, object]:
    """The report document for ``result``, as plain JSON-ready dicts and lists."""
    index = index or FindingIndex(result.findings)
    findings = index.findings
    workspaces = sorted(result.inventory.workspaces, key=lambda ws: ws.key)
    errors = result.inventory.errors
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "run": _run(result.run),
        "summary": {
            "workspaces": len(workspaces),
            "findings": {
                "by_status": dict(count_by(findings)),
                "by_severity": _fails_by_severity(findings),
            },
            "cost": {"currency": None, "total": None, "period": {"from": None, "to": None}},
            "errors": len(errors),
        },
        "workspaces": [_workspace(ws, index) for ws in workspaces],
        "findings": [finding_to_dict(f) for f in findings],
        "errors": [_error(e) for e in errors],
        # Failures a fallback made good (no data missing), e.g. Resource Graph denied.
        "notices": [_error(e) for e in result.inventory.notices],
        "changes": _changes(result.changes),
        "waivers": {"expired": [_waiver(w) for w in result.expired_waivers]},
    }


def write_json_report(result: AuditResult, out_dir: Path) -> Path:
    """Write ``report.json`` into ``out_dir`` atomically and return its path."""
    path = out_dir / REPORT_FILE_NAME
    text = json.dumps(build_report(result), indent=2, ensure_ascii=False, allow_nan=False)
    atomic_write_text(path, text + "\n")
    return path


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by rule, subject and fingerprint, so the order never depends on the
    order in which rules happened to run."""
    return sorted(
        findings,
        key=lambda f: (f.severity.rank, f.rule_id, resource_key(f.resource_id), f.fingerprint),
    )


def finding_to_dict(finding: Finding) -> dict[str, object]:
    """One finding as written in ``findings``; the waiver is kept beside a suppressed status."""
    doc: dict[str, object] = {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "severity": finding.severity.value,
        "category": finding.category.value,
        "status": finding.status.value,
        "workspace_ids": list(finding.workspace_ids),
        "resource_id": finding.resource_id,
        "message": finding.message,
        "evidence": thaw(finding.evidence),
        "fingerprint": finding.fingerprint,
        "remediation": finding.remediation,
    }
    if finding.status is Status.SUPPRESSED:
        original = finding.suppressed_status
        doc["suppressed_status"] = original.value if original is not None else None
        doc["waiver"] = _waiver(finding.waiver) if finding.waiver is not None else None
    return doc


def format_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` and whole seconds; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _run(run: RunInfo) -> dict[str, object]:
    return {
        "id": run.id,
        "started_at": format_timestamp(run.started_at),
        "finished_at": format_timestamp(run.finished_at),
        "status": run.status.value,
        "tool_version": run.tool_version,
        "cloud": run.cloud,
        "scope": _scope(run.scope),
        "stats": {
            name: {
                "requests": stats.requests,
                "retries": stats.retries,
                "throttled": stats.throttled,
                "errors": stats.errors,
            }
            for name, stats in sorted(run.stats.items())
        },
    }


def _scope(scope: Scope) -> dict[str, object]:
    return {
        "subscriptions": list(scope.subscriptions),
        "management_groups": list(scope.management_groups),
        "all_visible": scope.all_visible,
    }


def _fails_by_severity(findings: Iterable[Finding]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in Severity), 0)
    for finding in findings:
        if finding.status is Status.FAIL:
            counts[finding.severity.value] += 1
    return counts


def _workspace(ws: Workspace, index: FindingIndex) -> dict[str, object]:
    return {
        "id": ws.id,
        "name": ws.name,
        "subscription_id": ws.resource.subscription_id,
        "resource_group": ws.resource.resource_group_name,
        "location": ws.resource.location,
        "kind": ws.resource.kind,
        "tags": dict(sorted(ws.resource.tags.items())),
        "public_network_access": _public_network_access(ws.resource),
        "exposed": index.exposure(ws.id, WORKSPACE_EXPOSURE),
        "attached": {role.value: _attached(ws.attached.get(role), index) for role in AttachedRole},
        "computes": _computes(ws.computes),
        "computes_error": ws.computes_error,
        "cost": {"currency": None, "total": None, "by_resource": []},
        "findings": {"by_status": dict(count_by(index.of_workspace(ws.key)))},
    }


def _public_network_access(resource: Resource) -> str | None:
    value = resource.prop("publicNetworkAccess")
    if isinstance(value, str) and value.lower() in {"enabled", "disabled"}:
        return value.capitalize()
    return None


def _attached(ref: AttachedRef | None, index: FindingIndex) -> dict[str, object] | None:
    if ref is None:
        return None
    found = {LookupState.FOUND: True, LookupState.NOT_FOUND: False}.get(ref.state)
    doc: dict[str, object] = {"id": ref.id, "found": found, "status": ref.state.value}
    if ref.state is not LookupState.FOUND:
        doc["reason"] = ref.reason or _DEFAULT_REASONS[ref.state]
    doc["exposed"] = index.exposure(ref.id, ATTACHED_EXPOSURE)
    return doc


def _effective_status(finding: Finding) -> Status | None:
    if finding.status is Status.SUPPRESSED:
        return finding.suppressed_status
    return finding.status


def _computes(computes: tuple[Resource, ...] | None) -> list[dict[str, object]] | None:
    if computes is None:
        return None
    return [
        {"id": c.id, "name": c.name, "compute_type": _str_or_none(c.prop("computeType"))}
        for c in sorted(computes, key=lambda c: c.key)
    ]


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _error(error: CollectionError) -> dict[str, object]:
    return dataclasses.asdict(error)


def _changes(changes: Changes) -> dict[str, object]:
    return {
        "previous_run_id": changes.previous_run_id,
        "new": list(changes.new),
        "resolved": list(changes.resolved),
        "cost_delta": [
            {
                "workspace_id": d.workspace_id,
                "previous": d.previous,
                "current": d.current,
                "currency": d.currency,
            }
            for d in changes.cost_delta
        ],
    }


def _waiver(waiver: Waiver) -> dict[str, object]:
    return {
        "rule_id": waiver.rule_id,
        "resource": waiver.resource,
        "reason": waiver.reason,
        "owner": waiver.owner,
        "expires": waiver.expires.isoformat(),
    }
