"""Local (key-based) authentication on workspace computes."""

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
from auditor.engine.helpers import label, read_bool, read_text
from auditor.json_types import JsonValue


@rule(
    id="AML-AUTH-004",
    title="Compute has local authentication disabled",
    severity=Severity.HIGH,
    category=Category.AUTHENTICATION,
    subject=ComputeSubject,
    remediation=(
        "Set the compute's disableLocalAuth property to true (recreate the compute with local"
        " authentication disabled; Azure Policy 'Azure Machine Learning Computes should have"
        " local authentication methods disabled' can enforce it)."
    ),
    references=(
        "https://learn.microsoft.com/azure/machine-learning/how-to-integrate-azure-policy",
    ),
)
def compute_local_auth_disabled(subject: ComputeSubject, ctx: RuleContext[NoParams]) -> Outcome:
    """Checks that the compute accepts only Microsoft Entra ID authentication.

    With local authentication enabled, keys and passwords can be used to reach the compute
    outside Entra ID, bypassing conditional access and per-user auditing.
    """
    resource = subject.resource
    # disableLocalAuth sits on the compute's own properties, not in the type-specific
    # properties.properties where most compute settings live.
    value = read_bool(resource, "disableLocalAuth")
    compute_type = read_text(resource, "computeType")
    evidence: dict[str, JsonValue] = {
        "computeType": compute_type.shown,
        "disableLocalAuth": value.shown,
    }
    name = f"Compute {label(resource)}"
    if value.value is False:
        return failed(
            f"{name} has local authentication enabled (disableLocalAuth false).", evidence
        )
    if value.value is True and compute_type.present:
        return passed(f"{name} has local authentication disabled.", evidence)
    if value.value is True:
        # Every compute type is judged, but a malformed document (computeType is required) is
        # not trusted to pass.
        problem = (
            f"wrong type: {compute_type.problem}"
            if compute_type.wrong_type
            else "computeType is absent"
        )
        return unknown(
            f"{name} has disableLocalAuth true but its document is malformed ({problem}).",
            evidence,
        )
    return unknown(f"{name}: disableLocalAuth is {value.describe()}.", evidence)
