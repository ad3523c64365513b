"""AML-NET-030: public SSH on compute instances and clusters."""

import pytest

from auditor.findings import Status
from tests.builders import ABSENT, Overrides, compute_subject, make_compute
from tests.rules.conftest import CheckRule

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
            instance(sshSettings=ABSENT, **NO_SUBNET),
            PASS,
            id="pass-instance-ssh-settings-absent-reads-disabled",
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
            PASS,
            id="pass-cluster-remote-login-absent-reads-not-specified-in-subnet",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess=ABSENT, **NO_SUBNET),
            FAIL,
            id="fail-cluster-remote-login-absent-reads-not-specified-no-subnet",
        ),
        pytest.param(
            "AmlCompute", {"computeType": ABSENT}, UNKNOWN, id="unknown-cluster-without-type"
        ),
        pytest.param(
            "ComputeInstance",
            {"computeType": ABSENT, **instance(sshSettings={"sshPublicAccess": "Enabled"})},
            UNKNOWN,
            id="unknown-open-instance-without-type",
        ),
    ],
)
def test_net_030(
    check: CheckRule, compute_type: str, properties: Overrides, expected: Status
) -> None:
    compute = make_compute("cc-train", compute_type=compute_type, properties=properties)
    outcome = check("AML-NET-030", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is expected
    assert "cc-train" in outcome.message


@pytest.mark.rule("AML-NET-030")
def test_net_030_not_specified_message_explains_vnet(check: CheckRule) -> None:
    compute = make_compute(
        compute_type="AmlCompute",
        properties=instance(remoteLoginPortPublicAccess="NotSpecified", **NO_SUBNET),
    )
    outcome = check("AML-NET-030", compute_subject(compute))
    assert outcome is not None
    assert "NotSpecified" in outcome.message
    assert "virtual network" in outcome.message
    assert outcome.evidence["properties.subnet.id"] is None


@pytest.mark.rule("AML-NET-030")
def test_net_030_absent_settings_read_as_azure_defaults_and_say_so(check: CheckRule) -> None:
    cluster = make_compute(
        compute_type="AmlCompute",
        properties=instance(remoteLoginPortPublicAccess=ABSENT, **NO_SUBNET),
    )
    outcome = check("AML-NET-030", compute_subject(cluster))
    assert outcome is not None
    assert 'remoteLoginPortPublicAccess absent; Azure default "NotSpecified"' in outcome.message
    assert (
        outcome.evidence["properties.remoteLoginPortPublicAccess"]
        == 'absent; Azure default "NotSpecified"'
    )
    ci = make_compute(properties=instance(sshSettings=ABSENT))
    outcome = check("AML-NET-030", compute_subject(ci))
    assert outcome is not None
    assert outcome.evidence["properties.sshSettings.sshPublicAccess"] == (
        'absent; Azure default "Disabled"'
    )
    # The cluster setting's default is not claimed for an instance, which has no such property.
    assert outcome.evidence["properties.remoteLoginPortPublicAccess"] is None


@pytest.mark.rule("AML-NET-030")
def test_net_030_compute_without_type_is_unknown_not_skipped(check: CheckRule) -> None:
    outcome = check(
        "AML-NET-030", compute_subject(make_compute(properties={"computeType": ABSENT}))
    )
    assert outcome is not None
    assert outcome.status is UNKNOWN
    assert "computeType is absent" in outcome.message
    assert dict(outcome.evidence) == {"computeType": None}


@pytest.mark.rule("AML-NET-030")
@pytest.mark.parametrize("compute_type", ["Kubernetes", "VirtualMachine", "Databricks"])
def test_net_030_ignores_other_compute_types(check: CheckRule, compute_type: str) -> None:
    compute = make_compute(
        compute_type=compute_type, properties=instance(remoteLoginPortPublicAccess="Enabled")
    )
    assert check("AML-NET-030", compute_subject(compute)) is None


@pytest.mark.rule("AML-NET-030")
@pytest.mark.parametrize(
    ("compute_type", "properties", "expected"),
    [
        pytest.param("ComputeInstance", {"computeType": 1}, UNKNOWN, id="unknown-type-number"),
        pytest.param(
            "AmlCompute", {"computeType": ["AmlCompute"]}, UNKNOWN, id="unknown-type-list"
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="NotSpecified", subnet="snet-ml"),
            UNKNOWN,
            id="unknown-cluster-not-specified-subnet-string",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="NotSpecified", subnet={"id": 5}),
            UNKNOWN,
            id="unknown-cluster-not-specified-subnet-id-number",
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess=False),
            UNKNOWN,
            id="unknown-cluster-remote-login-boolean",
        ),
        pytest.param(
            "AmlCompute",
            instance(subnet=["x"]),
            UNKNOWN,
            id="unknown-cluster-disabled-beside-malformed-subnet",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings={"sshPublicAccess": "Enabled"}, subnet={"id": True}),
            UNKNOWN,
            id="unknown-instance-ssh-enabled-subnet-id-boolean",
        ),
        pytest.param(
            "ComputeInstance",
            instance(sshSettings="Disabled"),
            UNKNOWN,
            id="unknown-instance-ssh-settings-string",
        ),
        pytest.param(
            "ComputeInstance",
            instance(remoteLoginPortPublicAccess=0),
            UNKNOWN,
            id="unknown-instance-ssh-disabled-beside-malformed-remote-login",
        ),
        pytest.param(
            "ComputeInstance", {"properties": "x"}, UNKNOWN, id="unknown-inner-properties-string"
        ),
        pytest.param(
            "AmlCompute",
            instance(remoteLoginPortPublicAccess="Enabled", subnet="x"),
            FAIL,
            id="fail-remote-login-enabled-decides-over-malformed-subnet",
        ),
        pytest.param(
            "ComputeInstance",
            instance(vmSize=1, enableNodePublicIp="no"),
            PASS,
            id="pass-properties-the-rule-does-not-read-do-not-matter",
        ),
    ],
)
def test_net_030_wrong_types(
    check: CheckRule, compute_type: str, properties: Overrides, expected: Status
) -> None:
    compute = make_compute("cc-train", compute_type=compute_type, properties=properties)
    outcome = check("AML-NET-030", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is expected
    assert "cc-train" in outcome.message


@pytest.mark.rule("AML-NET-030")
def test_net_030_malformed_subnet_is_not_read_as_no_subnet(check: CheckRule) -> None:
    compute = make_compute(
        compute_type="AmlCompute",
        properties=instance(remoteLoginPortPublicAccess="NotSpecified", subnet="snet-ml"),
    )
    outcome = check("AML-NET-030", compute_subject(compute))
    assert outcome is not None
    assert "no subnet" not in outcome.message
    assert 'properties.subnet: "snet-ml" (a string, expected an object)' in outcome.message
