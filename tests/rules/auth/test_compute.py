"""AML-AUTH-004: local authentication on computes (every compute type)."""

import pytest

from auditor.findings import Status
from tests.builders import ABSENT, Overrides, compute_subject, make_compute
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN


@pytest.mark.rule("AML-AUTH-004")
@pytest.mark.parametrize(
    ("compute_type", "value", "expected"),
    [
        pytest.param("ComputeInstance", True, PASS, id="pass-instance"),
        pytest.param("AmlCompute", True, PASS, id="pass-cluster"),
        pytest.param("ComputeInstance", False, FAIL, id="fail-instance-local-auth"),
        pytest.param("Kubernetes", False, FAIL, id="fail-kubernetes-local-auth"),
        pytest.param("AmlCompute", ABSENT, UNKNOWN, id="unknown-absent"),
        pytest.param("AmlCompute", None, UNKNOWN, id="unknown-null"),
    ],
)
def test_auth_004(check: CheckRule, compute_type: str, value: object, expected: Status) -> None:
    compute = make_compute(
        "cc-x", compute_type=compute_type, properties={"disableLocalAuth": value}
    )
    outcome = check("AML-AUTH-004", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is expected
    assert "cc-x" in outcome.message


@pytest.mark.rule("AML-AUTH-004")
def test_auth_004_reads_top_level_not_nested(check: CheckRule) -> None:
    # A nested properties.properties.disableLocalAuth is not where Azure puts the flag.
    compute = make_compute(
        properties={"disableLocalAuth": ABSENT, "properties": {"disableLocalAuth": True}}
    )
    outcome = check("AML-AUTH-004", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is UNKNOWN


@pytest.mark.rule("AML-AUTH-004")
@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        pytest.param({"disableLocalAuth": "true"}, UNKNOWN, id="unknown-string-true"),
        pytest.param({"disableLocalAuth": "false"}, UNKNOWN, id="unknown-string-false"),
        pytest.param({"disableLocalAuth": 1}, UNKNOWN, id="unknown-number-1"),
        pytest.param({"disableLocalAuth": 0}, UNKNOWN, id="unknown-number-0"),
        pytest.param({"computeType": 7}, UNKNOWN, id="unknown-compute-type-number"),
        pytest.param(
            {"computeType": 7, "disableLocalAuth": False},
            FAIL,
            id="fail-local-auth-on-whatever-the-type",
        ),
        pytest.param({"computeType": ABSENT}, UNKNOWN, id="unknown-no-compute-type-is-not-a-pass"),
        pytest.param(
            {"computeType": ABSENT, "disableLocalAuth": False},
            FAIL,
            id="fail-local-auth-on-without-compute-type",
        ),
    ],
)
def test_auth_004_wrong_types(check: CheckRule, properties: Overrides, expected: Status) -> None:
    outcome = check("AML-AUTH-004", compute_subject(make_compute("cc-x", properties=properties)))
    assert outcome is not None
    assert outcome.status is expected
    assert "cc-x" in outcome.message


@pytest.mark.rule("AML-AUTH-004")
def test_auth_004_wrong_type_says_what_was_found(check: CheckRule) -> None:
    compute = make_compute(properties={"disableLocalAuth": 1})
    outcome = check("AML-AUTH-004", compute_subject(compute))
    assert outcome is not None
    assert "disableLocalAuth is 1 (a number, expected a boolean)" in outcome.message
    assert outcome.evidence["disableLocalAuth"] == "1 (a number, expected a boolean)"


@pytest.mark.rule("AML-AUTH-004")
def test_auth_004_compute_without_type_says_so(check: CheckRule) -> None:
    compute = make_compute(properties={"computeType": ABSENT})
    outcome = check("AML-AUTH-004", compute_subject(compute))
    assert outcome is not None
    assert outcome.status is UNKNOWN
    assert "computeType is absent" in outcome.message
    assert dict(outcome.evidence) == {"computeType": None, "disableLocalAuth": True}
