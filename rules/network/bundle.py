"""Effective exposure of a bundle: a private workspace is only as private as what it attaches."""

from auditor.engine.api import (
    Bundle,
    Category,
    Exposure,
    NoParams,
    Outcome,
    RuleContext,
    Severity,
    failed,
    not_applicable,
    passed,
    rule,
    unknown,
)
from auditor.engine.helpers import name_from_id, reachability_of, read_text, workspace_reachability
from auditor.inventory.model import AttachedRole, LookupState
from auditor.json_types import JsonValue

# Application Insights is left out on purpose: the catalogue judges its exposure separately
# (AML-NET-014) and it holds telemetry, not the workspace's data, secrets or images.
_ROLES = (AttachedRole.STORAGE_ACCOUNT, AttachedRole.KEY_VAULT, AttachedRole.CONTAINER_REGISTRY)


def _entry(
    role: AttachedRole, resource_id: str | None, name: str | None, reason: str
) -> dict[str, JsonValue]:
    """One attached resource as listed in the evidence (no id nor name when none is named)."""
    return {"role": role.value, "id": resource_id, "name": name, "reason": reason}


def _describe(entries: list[dict[str, JsonValue]]) -> str:
    """``key vault 'name' (id): reason; ...`` for messages."""
    parts = []
    for e in entries:
        role = str(e["role"]).replace("_", " ")
        named = f" '{e['name']}' ({e['id']})" if e["id"] is not None else ""
        parts.append(f"{role}{named}: {e['reason']}")
    return "; ".join(parts)


def _unread(bundle: Bundle, role: AttachedRole, ref_id: str, reason: str) -> dict[str, JsonValue]:
    """An attached resource that could not be judged, or a required one the workspace omits."""
    named = read_text(bundle.resource, role.workspace_property)
    if named.absent or (named.value is not None and not named.value.strip()):
        # Collection records an omitted required reference as unknown, with the reason.
        return _entry(role, None, None, reason)
    return _entry(role, ref_id, name_from_id(ref_id), f"could not be read ({reason})")


@rule(
    id="AML-NET-020",
    title="A private workspace has no attached resource reachable from any network",
    severity=Severity.CRITICAL,
    category=Category.NETWORK,
    subject=Bundle,
    exposure=Exposure.BUNDLE,
    remediation=(
        "For each exposed resource, disable public network access and add a private endpoint in"
        " the workspace's network (or the managed network's outbound rules), or set its firewall"
        " to deny by default: storage networkAcls.defaultAction=Deny, key vault"
        " networkAcls.defaultAction=Deny, container registry (Premium)"
        " networkRuleSet.defaultAction=Deny."
    ),
    references=(
        "https://learn.microsoft.com/azure/machine-learning/how-to-secure-workspace-vnet",
        "https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link",
    ),
)
def private_workspace_resources_not_public(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that a private workspace attaches no storage, vault or registry open to any network.

    Disabling public access on the workspace gives a false sense of isolation when its data,
    secrets or images stay reachable directly; this is the exposure an attacker actually sees.
    The rule does not concern a workspace that is itself reachable (as AML-NET-001 reads it,
    the legacy allowPublicAccessWhenBehindVnet included): AML-NET-001 reports that one.
    """
    ws = bundle.resource
    workspace = workspace_reachability(ws)
    if workspace.state == "reachable":
        return not_applicable(
            f"Workspace '{ws.name}' is not private ({workspace.reason}); its exposure is"
            " reported by AML-NET-001.",
            workspace.evidence,
        )
    if workspace.state == "unknown":
        return unknown(
            f"Workspace '{ws.name}': cannot tell whether it is private ({workspace.reason}).",
            workspace.evidence,
        )

    exposed: list[dict[str, JsonValue]] = []
    undetermined: list[dict[str, JsonValue]] = []
    for role in _ROLES:
        view = bundle.attached.get(role)
        # None: the workspace names no registry (the one optional resource); NOT_FOUND: it was
        # deleted. Neither exposes. An omitted storage account or vault is UNKNOWN, not None.
        if view is None or view.ref.state is LookupState.NOT_FOUND:
            continue
        if view.ref.state is LookupState.UNKNOWN or view.resource is None:
            reason = view.ref.reason or "no reason recorded"
            undetermined.append(_unread(bundle, role, view.ref.id, reason))
            continue
        verdict = reachability_of(role, view.resource)
        if verdict is None or verdict.state == "restricted":
            continue
        entry = _entry(role, view.resource.id, view.resource.name, verdict.reason)
        entry["values"] = verdict.evidence
        (exposed if verdict.state == "reachable" else undetermined).append(entry)

    evidence: dict[str, JsonValue] = {
        **workspace.evidence,
        "exposed": list(exposed),
        "undetermined": list(undetermined),
    }
    if exposed:
        return failed(
            f"Workspace '{ws.name}' is private but {len(exposed)} attached resource(s) are"
            f" reachable from any network: {_describe(exposed)}.",
            evidence,
        )
    if undetermined:
        return unknown(
            f"Workspace '{ws.name}' is private; cannot tell whether these attached resources are"
            f" reachable from any network: {_describe(undetermined)}.",
            evidence,
        )
    return passed(
        f"Workspace '{ws.name}' is private and none of its attached storage account, key vault"
        " or container registry is reachable from any network.",
        evidence,
    )
