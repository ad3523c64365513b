"""Network exposure of the ML workspace itself: public access, private link, managed network."""

from auditor.engine.api import (
    Bundle,
    Category,
    Exposure,
    NoParams,
    Outcome,
    RuleContext,
    Severity,
    failed,
    passed,
    rule,
    unknown,
)
from auditor.engine.helpers import (
    Read,
    is_value,
    read_list,
    read_text,
    workspace_reachability,
    wrong_types,
)
from auditor.json_types import JsonValue

PRIVATE_LINK_DOC = (
    "https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link"
)
MANAGED_NETWORK_DOC = "https://learn.microsoft.com/azure/machine-learning/how-to-managed-network"


@rule(
    id="AML-NET-001",
    title="Workspace is not reachable from public networks",
    severity=Severity.HIGH,
    category=Category.NETWORK,
    subject=Bundle,
    exposure=Exposure.RESOURCE,
    remediation=(
        "Set the workspace's publicNetworkAccess to Disabled and allowPublicAccessWhenBehindVnet"
        " to false (portal: Networking > Public access; CLI: az ml workspace update"
        " --public-network-access Disabled), and reach it through a private endpoint."
    ),
    references=(PRIVATE_LINK_DOC,),
)
def workspace_public_network_access_disabled(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that the workspace refuses traffic from public networks.

    A public workspace exposes its studio, APIs and data-plane endpoints to the internet, so a
    stolen token is usable from anywhere. The legacy allowPublicAccessWhenBehindVnet flag reopens
    a workspace that sits behind a private endpoint, so it counts as public too.
    """
    ws = bundle.resource
    exposure = workspace_reachability(ws)
    if exposure.state == "reachable":
        return failed(
            f"Workspace '{ws.name}' is reachable from public networks: {exposure.reason}.",
            exposure.evidence,
        )
    if exposure.state == "restricted":
        return passed(
            f"Workspace '{ws.name}' has publicNetworkAccess Disabled and no legacy public access.",
            exposure.evidence,
        )
    return unknown(
        f"Workspace '{ws.name}': cannot tell whether it is public ({exposure.reason}).",
        exposure.evidence,
    )


def _connection_status(index: int, connection: JsonValue) -> Read[str]:
    """The private link state of one private endpoint connection entry."""
    path = ("properties", "privateLinkServiceConnectionState", "status")
    return read_text(connection, *path, prefix=f"privateEndpointConnections[{index}]")


@rule(
    id="AML-NET-002",
    title="Workspace has an approved private endpoint connection",
    severity=Severity.MEDIUM,
    category=Category.NETWORK,
    subject=Bundle,
    remediation=(
        "Create a private endpoint for the workspace (portal: Networking > Private endpoint"
        " connections; CLI: az network private-endpoint create --group-id amlworkspace) and"
        " approve any pending connection."
    ),
    references=(PRIVATE_LINK_DOC,),
)
def workspace_private_endpoint_approved(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that at least one private endpoint connection of the workspace is Approved.

    Without an approved private endpoint, clients can only reach the workspace over public
    networks; pending, rejected or disconnected connections carry no traffic.
    """
    ws = bundle.resource
    connections = read_list(ws, "privateEndpointConnections")
    if connections.value is None:
        return unknown(
            f"Workspace '{ws.name}': privateEndpointConnections is {connections.describe()}.",
            {"privateEndpointConnections": connections.shown},
        )
    statuses = [_connection_status(i, c) for i, c in enumerate(connections.value)]
    evidence: dict[str, JsonValue] = {
        "privateEndpointConnections.status": [s.shown for s in statuses]
    }
    problems = wrong_types(*statuses)
    if problems:
        # A malformed entry might be the approved one, or hide a pass built on the others.
        return unknown(
            f"Workspace '{ws.name}': cannot tell whether a private endpoint connection is"
            f" approved (wrong type: {'; '.join(problems)}).",
            evidence,
        )
    if any(is_value(s.value, "Approved") for s in statuses):
        return passed(f"Workspace '{ws.name}' has an approved private endpoint.", evidence)
    if not statuses:
        return failed(f"Workspace '{ws.name}' has no private endpoint connection.", evidence)
    seen = ", ".join(s.describe() for s in statuses)
    return failed(
        f"Workspace '{ws.name}' has no approved private endpoint connection (statuses: {seen}).",
        evidence,
    )


@rule(
    id="AML-NET-003",
    title="Workspace managed network allows only approved outbound traffic",
    severity=Severity.MEDIUM,
    category=Category.NETWORK,
    subject=Bundle,
    remediation=(
        "Set managedNetwork.isolationMode to AllowOnlyApprovedOutbound (CLI: az ml workspace"
        " update --managed-network allow_only_approved_outbound) and add outbound rules for the"
        " destinations jobs need."
    ),
    references=(MANAGED_NETWORK_DOC,),
)
def workspace_outbound_restricted(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that the workspace's managed network allows only approved outbound traffic.

    Computes in a managed network with internet outbound (or no managed network at all) can send
    data anywhere; approved-only outbound limits exfiltration to the destinations you list.
    An absent isolationMode means Disabled (the catalogue says so; see docs/azure-defaults.md).
    """
    ws = bundle.resource
    mode = read_text(ws, "managedNetwork", "isolationMode")
    evidence: dict[str, JsonValue] = {"managedNetwork.isolationMode": mode.shown}
    if mode.wrong_type:
        return unknown(
            f"Workspace '{ws.name}': cannot tell the managed network isolation mode (wrong type:"
            f" {mode.problem}).",
            evidence,
        )
    if is_value(mode.value, "AllowOnlyApprovedOutbound"):
        return passed(
            f"Workspace '{ws.name}' managed network allows only approved outbound traffic.",
            evidence,
        )
    observed = mode.describe()
    return failed(
        f"Workspace '{ws.name}' managed network isolationMode is {observed}, not"
        " AllowOnlyApprovedOutbound.",
        evidence,
    )
