"""Every NET and AUTH rule of the catalogue is registered with its id, severity and category."""

import pytest

from auditor.engine.registry import RuleRegistry
from auditor.findings import Category, Severity

CATALOGUE = {
    "AML-NET-001": Severity.HIGH,
    "AML-NET-002": Severity.MEDIUM,
    "AML-NET-003": Severity.MEDIUM,
    "AML-NET-010": Severity.HIGH,
    "AML-NET-011": Severity.HIGH,
    "AML-NET-012": Severity.HIGH,
    "AML-NET-013": Severity.MEDIUM,
    "AML-NET-014": Severity.LOW,
    "AML-NET-020": Severity.CRITICAL,
    "AML-NET-030": Severity.HIGH,
    "AML-AUTH-001": Severity.HIGH,
    "AML-AUTH-002": Severity.MEDIUM,
    "AML-AUTH-003": Severity.MEDIUM,
    "AML-AUTH-004": Severity.HIGH,
    "AML-AUTH-005": Severity.MEDIUM,
}


@pytest.mark.parametrize(("rule_id", "severity"), CATALOGUE.items(), ids=list(CATALOGUE))
def test_rule_is_registered_with_catalogue_severity(
    rule_registry: RuleRegistry, rule_id: str, severity: Severity
) -> None:
    assert rule_id in rule_registry
    meta = rule_registry[rule_id].meta
    assert meta.severity is severity
    expected = Category.NETWORK if rule_id.startswith("AML-NET-") else Category.AUTHENTICATION
    assert meta.category is expected
    assert 0 < len(meta.title) <= 80
    assert meta.remediation.strip()
    assert 2 <= len(meta.description.splitlines()) <= 8
    assert meta.references
    assert all(r.startswith("https://learn.microsoft.com/azure/") for r in meta.references)


def test_no_unlisted_net_or_auth_rule(rule_registry: RuleRegistry) -> None:
    ours = {r.id for r in rule_registry.rules if r.id.startswith(("AML-NET-", "AML-AUTH-"))}
    assert ours == set(CATALOGUE)
