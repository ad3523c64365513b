"""Network exposure of workspace computes: public SSH on instances and clusters."""

from auditor.engine.api import (
    Category,
    ComputeSubject,
    NoParams,
    Outcome,
    RuleContext,
    Severity,
    failed,
    passed,
    rule,
    unknown,
)
from auditor.engine.helpers import as_text, describe, is_value, label
from auditor.json_types import JsonValue

ML_DOCS = "https://learn.microsoft.com/azure/machine-learning/"


@rule(
    id="AML-NET-030",
    title="Compute instances and clusters do not expose SSH to public networks",
    severity=Severity.HIGH,
    category=Category.NETWORK,
    subject=ComputeSubject,
    remediation=(
        "Clusters: set properties.remoteLoginPortPublicAccess to Disabled, or recreate the"
        " cluster with SSH access disabled or in a virtual network subnet. Instances: recreate"
        " them with SSH access disabled (sshSettings.sshPublicAccess = Disabled) or in a virtual"
        " network subnet."
    ),
    references=(
        ML_DOCS + "how-to-create-attach-compute-cluster",
        ML_DOCS + "how-to-create-compute-instance",
    ),
)
def compute_ssh_not_public(subject: ComputeSubject, ctx: RuleContext[NoParams]) -> Outcome | None:
    """Checks that compute instances and clusters do not accept SSH from public networks.

    A public SSH port on ML nodes is an internet-facing login surface on machines that hold the
    workspace identity's tokens and mounted data. Other compute types (Kubernetes, attached VMs)
    are managed outside the workspace and are not judged.
    """
    compute_type = subject.compute_type
    if not is_value(compute_type, "ComputeInstance", "AmlCompute"):
        return None
    resource = subject.resource
    name = f"Compute {label(resource)}"
    remote_login = resource.prop("properties", "remoteLoginPortPublicAccess")
    subnet = as_text(resource.prop("properties", "subnet", "id"))
    in_vnet = bool(subnet)
    evidence: dict[str, JsonValue] = {
        "computeType": compute_type,
        "properties.remoteLoginPortPublicAccess": remote_login,
        "properties.subnet.id": subnet,
    }
    if is_value(remote_login, "Enabled"):
        return failed(f"{name} has remoteLoginPortPublicAccess Enabled (public SSH).", evidence)

    if is_value(compute_type, "AmlCompute"):
        if is_value(remote_login, "NotSpecified"):
            if in_vnet:
                return passed(
                    f"{name} has remoteLoginPortPublicAccess NotSpecified in a subnet, which keeps"
                    " the SSH port closed.",
                    evidence,
                )
            return failed(
                f"{name} has remoteLoginPortPublicAccess NotSpecified and no subnet: Azure opens"
                " the public SSH port on every node of a cluster outside a virtual network.",
                evidence,
            )
        if is_value(remote_login, "Disabled"):
            return passed(f"{name} has remoteLoginPortPublicAccess Disabled.", evidence)
        return unknown(
            f"{name}: remoteLoginPortPublicAccess is {describe(remote_login)}.", evidence
        )

    ssh = resource.prop("properties", "sshSettings", "sshPublicAccess")
    evidence["properties.sshSettings.sshPublicAccess"] = ssh
    if is_value(ssh, "Enabled"):
        if in_vnet:
            return passed(f"{name} has SSH enabled but only inside subnet {subnet}.", evidence)
        return failed(f"{name} has SSH public access Enabled and no subnet.", evidence)
    if is_value(ssh, "Disabled"):
        return passed(f"{name} has SSH public access Disabled.", evidence)
    return unknown(f"{name}: sshSettings.sshPublicAccess is {describe(ssh)}.", evidence)
