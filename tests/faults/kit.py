"""Helpers of the fault suite: tenant variants and one full audit (collect and judge)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.clock import SystemClock
from auditor.findings import Finding, Status
from auditor.pipeline import prepare_rules, run_audit
from auditor.report.model import AuditResult
from auditor.simulator import Simulator
from tests.conftest import settings_for

GRAPH_PATH = "^/providers/Microsoft.ResourceGraph/resources$"
GRAPH_DENIED = {
    "path": GRAPH_PATH,
    "status": 403,
    "body": {"error": {"code": "AuthorizationFailed", "message": "no Resource Graph"}},
}


def resources_with(
    tenant: dict[str, Any], changes: dict[str, Callable[[dict[str, Any]], None]]
) -> list[dict[str, Any]]:
    """The sample tenant's resources, deep-copied, with ``changes[name](doc)`` applied by name."""
    resources: list[dict[str, Any]] = copy.deepcopy(tenant["resources"])
    seen = set()
    for doc in resources:
        change = changes.get(doc["name"])
        if change is not None:
            change(doc)
            seen.add(doc["name"])
    assert seen == set(changes), f"no such resources: {set(changes) - seen}"
    return resources


def resource_id(tenant: dict[str, Any], name: str) -> str:
    """The id of the sample resource with this name."""
    return str(next(r["id"] for r in tenant["resources"] if r["name"] == name))


@dataclass
class Audit:
    """One audit's result and how long it took."""

    result: AuditResult
    seconds: float

    def findings(self, rule_id: str, subject: str | None = None) -> list[Finding]:
        """Findings of a rule, optionally on a subject whose id ends with ``subject``."""
        return [
            f
            for f in self.result.findings
            if f.rule_id == rule_id
            and (subject is None or f.resource_id.lower().endswith(subject.lower()))
        ]

    def status_of(self, rule_id: str, subject: str) -> Status:
        """The status of the one finding of a rule on a subject."""
        found = self.findings(rule_id, subject)
        assert len(found) == 1, found
        return found[0].status

    def error_codes(self) -> set[str]:
        """Codes of the collection errors."""
        return {e.code for e in self.result.inventory.errors}


def audit(sim: Simulator, *, ca_file: Path | None = None, **collection: Any) -> Audit:
    """Collect from the simulator and judge, as ``auditor scan`` does."""
    settings = settings_for(sim)
    cloud = (
        settings.cloud
        if ca_file is None
        else settings.cloud.model_copy(update={"ca_file": ca_file})
    )
    limits = settings.collection.model_copy(update=collection)
    settings = settings.model_copy(update={"cloud": cloud, "collection": limits})
    started = time.monotonic()
    result = run_audit(settings, prepare_rules(settings, source="test"), SystemClock())
    return Audit(result, time.monotonic() - started)
