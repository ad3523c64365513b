"""Subject kinds are registered, not chosen by the evaluator: a new area adds files, edits none."""

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from auditor.engine.api import (
    Bundle,
    KeyVaultSubject,
    Target,
    failed,
    passed,
    register_subject_kind,
)
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.kinds import kind_of, registered_kinds
from auditor.engine.registry import load_registry
from auditor.findings import Status
from tests.builders import NOW, make_inventory, make_workspace

AREA_RULES = textwrap.dedent(
    '''
    from auditor.engine.api import Category, NoParams, Outcome, RuleContext, Severity
    from auditor.engine.api import failed, passed, rule
    from tests.unit.area_example import Exploding, PrivateEndpointConnectionSubject


    @rule(id="TEST-NET-050", title="Connection approved", severity=Severity.LOW,
          category=Category.NETWORK, subject=PrivateEndpointConnectionSubject, remediation="r")
    def approved(subject: PrivateEndpointConnectionSubject, ctx: RuleContext[NoParams]) -> Outcome:
        """Each private endpoint connection of a workspace is approved."""
        props = subject.connection.get("properties") or {}
        state = (props.get("privateLinkServiceConnectionState") or {}).get("status")
        return passed(f"{state}") if state == "Approved" else failed(f"{state}")


    @rule(id="TEST-NET-051", title="Never judged", severity=Severity.LOW,
          category=Category.NETWORK, subject=Exploding, remediation="r")
    def never(subject: Exploding, ctx: RuleContext[NoParams]) -> Outcome:
        """Its provider fails."""
        return passed("unreachable")
    '''
)


def connection(name: str, status: str) -> dict[str, object]:
    return {
        "id": f"/subscriptions/s/resourceGroups/rg/providers/x/pe/{name}",
        "properties": {"privateLinkServiceConnectionState": {"status": status}},
    }


def test_builtin_kinds_are_registered_with_their_classes() -> None:
    names = {kind.name: kind.subject.__name__ for kind in registered_kinds()}
    assert {
        "bundle": "Bundle",
        "storage_account": "StorageAccountSubject",
        "key_vault": "KeyVaultSubject",
        "container_registry": "ContainerRegistrySubject",
        "application_insights": "ApplicationInsightsSubject",
        "compute": "ComputeSubject",
    }.items() <= names.items()


def test_kind_of_is_exact_class_only() -> None:
    assert kind_of(Bundle) is not None
    assert kind_of(KeyVaultSubject) is not None
    assert kind_of(KeyVaultSubject.__mro__[1]) is None  # AttachedSubject, the base


def test_a_new_area_is_a_kind_module_plus_rules(tmp_path: Path) -> None:
    folder = tmp_path / "area"
    folder.mkdir()
    (folder / "rules.py").write_text(AREA_RULES, encoding="utf-8")
    registry = load_registry([folder], include_builtin=False, include_entry_points=False)
    open_ws = make_workspace(name="mlw-open", properties={"privateEndpointConnections": None})
    ws = make_workspace(
        name="mlw-pe",
        properties={
            "privateEndpointConnections": [connection("a", "Approved"), connection("b", "Pending")]
        },
    )
    inventory = make_inventory(workspaces=[ws, open_ws])
    findings = evaluate(inventory, (registry["TEST-NET-050"],), RuleSettings(), NOW)
    assert [(f.resource_id.rsplit("/", 1)[-1], f.status) for f in findings] == [
        ("a", Status.PASS),
        ("b", Status.FAIL),
        ("pe", Status.UNKNOWN),
    ]
    assert findings[2].workspace_ids == (open_ws.id,)


def test_failing_provider_gives_one_error_per_rule_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "area"
    folder.mkdir()
    (folder / "rules.py").write_text(AREA_RULES, encoding="utf-8")
    registry = load_registry([folder], include_builtin=False, include_entry_points=False)
    findings = evaluate(make_inventory(), registry.rules, RuleSettings(), NOW)
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["TEST-NET-051"].status is Status.ERROR
    assert by_rule["TEST-NET-051"].resource_id == "/"
    assert "LookupError: provider bug" in by_rule["TEST-NET-051"].message
    assert by_rule["TEST-NET-050"].status is Status.PASS  # the other rule was judged


def test_provider_may_decide_only_unknown_or_not_applicable() -> None:
    with pytest.raises(ValueError, match="only unknown or not_applicable"):
        Target.decided("/x", (), passed("looks fine"))
    with pytest.raises(ValueError, match="only unknown or not_applicable"):
        Target.decided("/x", (), failed("bad"))


def test_kind_name_taken_by_another_class_is_refused() -> None:
    @dataclass(frozen=True)
    class Impostor:
        subject_id: str

        def workspace_ids(self) -> tuple[str, ...]:
            return ()

    with pytest.raises(ValueError, match="'bundle' is already registered"):
        register_subject_kind("bundle", Impostor, lambda kind, inventory: ())
    assert kind_of(Impostor) is None
    kind = kind_of(Bundle)
    assert kind is not None and kind.name == "bundle"
