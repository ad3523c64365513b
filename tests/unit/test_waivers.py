"""Waivers: they accept a known risk (a fail) until they expire, and hide nothing else."""

from datetime import date

import pytest

from auditor.engine.waivers import apply_waivers, waiver_matches
from auditor.findings import Category, Finding, Severity, Status, Waiver

RESOURCE = (
    "/subscriptions/s/resourceGroups/rg-ml-sandbox/providers/Microsoft.Storage/storageAccounts/st"
)
WAIVER = Waiver(
    rule_id="AML-NET-0*",
    resource="/subscriptions/*/resourceGroups/rg-ml-sandbox/*",
    reason="sandbox without data",
    owner="ml-platform@example.com",
    expires=date(2027, 3, 31),
)


def _finding(status: Status, rule_id: str = "AML-NET-010", resource: str = RESOURCE) -> Finding:
    return Finding(
        rule_id=rule_id,
        title="t",
        severity=Severity.HIGH,
        category=Category.NETWORK,
        status=status,
        resource_id=resource,
        workspace_ids=(),
        message="m",
        remediation="r",
        fingerprint="f",
    )


@pytest.mark.parametrize(
    "status", [Status.UNKNOWN, Status.ERROR, Status.PASS, Status.NOT_APPLICABLE]
)
def test_waivers_never_suppress_anything_but_a_fail(status: Status) -> None:
    # Missing data and a broken rule must stay visible whatever risk was accepted.
    (kept,), _ = apply_waivers([_finding(status)], [WAIVER], date(2027, 1, 1))
    assert kept.status is status
    assert kept.waiver is None and kept.suppressed_status is None


@pytest.mark.parametrize(
    ("today", "suppressed", "expired"),
    [
        (date(2027, 3, 30), True, False),
        (date(2027, 3, 31), True, False),  # the expiry date itself is still covered
        (date(2027, 4, 1), False, True),
    ],
)
def test_expiry_boundary(today: date, suppressed: bool, expired: bool) -> None:
    (finding,), gone = apply_waivers([_finding(Status.FAIL)], [WAIVER], today)
    assert (finding.status is Status.SUPPRESSED) is suppressed
    assert (finding.suppressed_status is Status.FAIL) is suppressed
    assert (gone == (WAIVER,)) is expired


@pytest.mark.parametrize(
    ("rule_id", "resource", "matches"),
    [
        ("AML-NET-010", RESOURCE, True),
        ("aml-net-010", RESOURCE.upper(), True),  # ids are compared case-insensitively
        ("AML-NET-110", RESOURCE, False),
        ("AML-AUTH-002", RESOURCE, False),
        ("AML-NET-010", RESOURCE.replace("rg-ml-sandbox", "rg-ml-prod"), False),
    ],
)
def test_matching_rule_and_resource_globs(rule_id: str, resource: str, matches: bool) -> None:
    assert waiver_matches(WAIVER, _finding(Status.FAIL, rule_id, resource)) is matches


def test_first_matching_active_waiver_wins_and_expired_ones_are_reported() -> None:
    old = Waiver(rule_id="*", resource="*", reason="old", owner="o", expires=date(2020, 1, 1))
    (finding,), expired = apply_waivers([_finding(Status.FAIL)], [old, WAIVER], date(2027, 1, 1))
    assert finding.waiver == WAIVER
    assert expired == (old,)
