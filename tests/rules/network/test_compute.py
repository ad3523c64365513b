"""AML-NET-030: public SSH on compute instances and clusters."""

import pytest

from auditor.findings import Status
from tests.builders import ABSENT, compute_subject, make_compute

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
NO_SUBNET = {"subnet": ABSENT}


def instance(**inner: object) -> dict[str, object]:
    return {"properties": inner}


@pytest.mark.rule("AML-NET-030")
@pytest.mark.parametrize(
    ("compute_type", "properties", "expected"),
    [
        pytest.param("ComputeInstance", {}, PASS, id="pass-instance-ssh-disabled"),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings={"sshPublicAccess": "Enabled"}),
            PASS,
            id="pass-instance-ssh-in-subnet",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings={"sshPublicAccess": "Disabled"}, **NO_SUBNET),
            PASS,
            id="pass-instance-ssh-disabled-no-subnet",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings={"sshPublicAccess": "Enabled"}, **NO_SUBNET),
            FAIL,
            id="fail-instance-ssh-no-subnet",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings={"sshPublicAccess": "enabled"}, **NO_SUBNET),
            FAIL,
            id="fail-instance-lowercase-enabled",
        ),
        pytest.param(
            "ComputeInstance",
            instance(remoteLoginPortPublicAccess="Enabled", sshSettings=ABSENT),
            FAIL,
            id="fail-instance-remote-login-enabled",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings=ABSENT),
            UNKNOWN,
            id="unknown-instance-ssh-settings-absent",
        ),
        pytest.param("AmlCompute", {}, PASS, id="pass-cluster-remote-login-disabled"),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="NotSpecified"),
            PASS,
            id="pass-cluster-not-specified-in-subnet",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="Enabled"),
            FAIL,
            id="fail-cluster-enabled-even-in-subnet",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="NotSpecified", **NO_SUBNET),
            FAIL,
            id="fail-cluster-not-specified-no-subnet",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess=ABSENT),
            UNKNOWN,
            id="unknown-cluster-remote-login-absent",
        ),
    ],
)
def test_net_030(check, compute_type, properties, expected):
    compute = make_compute("cc-train", compute_type=compute_type, properties=properties)
    outcome = check("AML-NET-030", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is expected
    assert "cc-train" in outcome.message


@pytest.mark.rule("AML-NET-030")
def test_net_030_not_specified_message_explains_vnet(check):
    compute = make_compute(
        compute_type="AmlCompute",
        properties=instance(remoteLoginPortPublicAccess="NotSpecified", **NO_SUBNET),
    )
    outcome = check("AML-NET-030", compute_subject(compute))
    assert "NotSpecified" in outcome.message
    assert "virtual network" in outcome.message
    assert outcome.evidence["properties.subnet.id"] is None


@pytest.mark.rule("AML-NET-030")
@pytest.mark.parametrize("compute_type", ["Kubernetes", "VirtualMachine", "Databricks"])
def test_net_030_ignores_other_compute_types(check, compute_type):
    compute = make_compute(
        compute_type=compute_type, properties=instance(remoteLoginPortPublicAccess="Enabled")
    )
    assert check("AML-NET-030", compute_subject(compute)) is None
