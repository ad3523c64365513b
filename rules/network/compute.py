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
from auditor.engine.helpers import Read, is_value, label, read_text, wrong_types
from auditor.findings import Status
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
    resource = subject.resource
    name = f"Compute {label(resource)}"
    compute_type = read_text(resource, "computeType")
    if compute_type.wrong_type or compute_type.absent:
        # computeType is required: a compute without it may be an instance or a cluster.
        observed = (
            f"wrong type: {compute_type.problem}"
            if compute_type.wrong_type
            else "computeType is absent"
        )
        return unknown(
            f"{name}: cannot tell its compute type ({observed}), so cannot tell whether its SSH"
            " port is public.",
            {"computeType": compute_type.shown},
        )
    if not is_value(compute_type.value, "ComputeInstance", "AmlCompute"):
        return None
    remote_login = read_text(resource, "properties", "remoteLoginPortPublicAccess")
    if remote_login.defaulted and not is_value(compute_type.value, "AmlCompute"):
        # The documented default belongs to clusters: an instance simply has no such property.
        remote_login = Read(remote_login.path, "absent")
    subnet = read_text(resource, "properties", "subnet", "id")
    evidence: dict[str, JsonValue] = {
        "computeType": compute_type.value,
        "properties.remoteLoginPortPublicAccess": remote_login.shown,
        "properties.subnet.id": subnet.shown,
    }
    if is_value(remote_login.value, "Enabled"):
        return failed(f"{name} has remoteLoginPortPublicAccess Enabled (public SSH).", evidence)
    if is_value(compute_type.value, "AmlCompute"):
        return _judge_cluster(name, remote_login, subnet, evidence)
    ssh = read_text(resource, "properties", "sshSettings", "sshPublicAccess")
    evidence["properties.sshSettings.sshPublicAccess"] = ssh.shown
    return _judge_instance(name, (remote_login, subnet, ssh), evidence)


def _unless_wrong(
    name: str, outcome: Outcome, reads: tuple[Read[str], ...], evidence: dict[str, JsonValue]
) -> Outcome:
    """The outcome, or ``unknown`` when it is a pass while a value read has the wrong type."""
    problems = wrong_types(*reads)
    if outcome.status is not Status.PASS or not problems:
        return outcome
    return unknown(
        f"{name}: cannot judge SSH exposure (wrong type: {'; '.join(problems)}).", evidence
    )


def _judge_cluster(
    name: str, remote_login: Read[str], subnet: Read[str], evidence: dict[str, JsonValue]
) -> Outcome:
    """A cluster: ``remoteLoginPortPublicAccess`` decides, NotSpecified depends on the subnet."""
    reads = (remote_login, subnet)
    setting = f"remoteLoginPortPublicAccess {remote_login.describe()}"
    if is_value(remote_login.value, "NotSpecified"):
        if subnet.wrong_type:
            return unknown(
                f"{name} has {setting} and its subnet cannot be read (wrong type:"
                f" {subnet.problem}).",
                evidence,
            )
        if subnet.value:
            outcome = passed(
                f"{name} has {setting} in a subnet, which keeps the SSH port closed.", evidence
            )
            return _unless_wrong(name, outcome, reads, evidence)
        return failed(
            f"{name} has {setting} and no subnet: Azure opens the public SSH port on every node"
            " of a cluster outside a virtual network.",
            evidence,
        )
    if is_value(remote_login.value, "Disabled"):
        outcome = passed(f"{name} has remoteLoginPortPublicAccess Disabled.", evidence)
        return _unless_wrong(name, outcome, reads, evidence)
    return unknown(f"{name}: remoteLoginPortPublicAccess is {remote_login.describe()}.", evidence)


def _judge_instance(
    name: str, reads: tuple[Read[str], Read[str], Read[str]], evidence: dict[str, JsonValue]
) -> Outcome:
    """An instance: ``sshSettings.sshPublicAccess`` decides, Enabled is fine only in a subnet."""
    _, subnet, ssh = reads
    if is_value(ssh.value, "Enabled"):
        if subnet.wrong_type:
            return unknown(
                f"{name} has SSH public access Enabled and its subnet cannot be read (wrong type:"
                f" {subnet.problem}).",
                evidence,
            )
        if subnet.value:
            outcome = passed(
                f"{name} has SSH enabled but only inside subnet {subnet.value}.", evidence
            )
            return _unless_wrong(name, outcome, reads, evidence)
        return failed(f"{name} has SSH public access Enabled and no subnet.", evidence)
    if is_value(ssh.value, "Disabled"):
        outcome = passed(f"{name} has SSH public access {ssh.describe()}.", evidence)
        return _unless_wrong(name, outcome, reads, evidence)
    return unknown(f"{name}: sshSettings.sshPublicAccess is {ssh.describe()}.", evidence)
