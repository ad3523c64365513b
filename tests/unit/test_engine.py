"""The rule engine: loading rules, evaluating them, unknown for missing data, waivers."""

from datetime import date
from pathlib import Path

import pytest

from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import RuleLoadError, RuleRegistry, load_registry
from auditor.engine.waivers import apply_waivers
from auditor.findings import Severity, Status, Waiver
from auditor.inventory.model import AttachedRole, CollectionError, LookupState
from tests.builders import (
    NOW,
    default_resources,
    make_compute,
    make_inventory,
    make_key_vault,
    make_workspace,
)

RULE_TEMPLATE = '''
from auditor.engine.api import Bundle, Category, CollectionSource, Outcome, RuleContext, NoParams
from auditor.engine.api import Severity, passed, rule


@rule(id="{rule_id}", title="t", severity=Severity.LOW, category=Category.NETWORK,
      subject=Bundle, remediation="r", needs={needs})
def check(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
    """{doc}"""
    {body}
'''


def write_rule(
    folder: Path,
    name: str,
    rule_id: str = "TEST-NET-001",
    *,
    body: str = "return passed(bundle.workspace.name)",
    doc: str = "A test rule.",
    needs: str = "()",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    text = RULE_TEMPLATE.format(rule_id=rule_id, body=body, doc=doc, needs=needs)
    path.write_text(text, encoding="utf-8")
    return path


def load_one(folder: Path) -> RuleRegistry:
    return load_registry([folder], include_builtin=False, include_entry_points=False)


def test_builtin_pack_loads_with_unique_ids() -> None:
    registry = load_registry(include_entry_points=False)
    assert "AML-NET-020" in registry
    assert len({r.id for r in registry}) == len(registry)


def test_folder_rules_load(tmp_path: Path) -> None:
    write_rule(tmp_path / "extra", "mine")
    registry = load_one(tmp_path / "extra")
    assert [r.id for r in registry] == ["TEST-NET-001"]
    assert registry.origin("TEST-NET-001").endswith("mine.py")


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write_rule(tmp_path / "extra", "a")
    write_rule(tmp_path / "extra", "b")
    with pytest.raises(RuleLoadError) as info:
        load_one(tmp_path / "extra")
    assert "b.py" in str(info.value)
    assert "a.py" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({"rule_id": "NET-1"}, "does not match", id="bad-id"),
        pytest.param({"rule_id": "TEST-AUTH-001"}, "has area NET", id="area-not-category"),
        pytest.param({"rule_id": "AML-NET-901"}, "built-in namespace", id="aml-from-a-folder"),
        pytest.param({"needs": "('iam',)"}, "not a CollectionSource", id="needs-free-string"),
        pytest.param({"doc": ""}, "docstring", id="no-docstring"),
        pytest.param({"body": "return (", "doc": "x"}, "SyntaxError", id="syntax"),
    ],
)
def test_bad_rule_file_names_the_file(
    tmp_path: Path, kwargs: dict[str, str], expected: str
) -> None:
    path = write_rule(tmp_path / "extra", "broken", **kwargs)
    with pytest.raises(RuleLoadError) as info:
        load_one(tmp_path / "extra")
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="does not exist"):
        load_one(tmp_path / "nope")


def test_raising_rule_gives_error_for_that_rule_only(tmp_path: Path) -> None:
    write_rule(tmp_path / "x", "boom", "TEST-NET-001", body="raise RuntimeError('bad')")
    write_rule(tmp_path / "x", "fine", "TEST-NET-002")
    registry = load_one(tmp_path / "x")
    findings = evaluate(make_inventory(), registry.rules, RuleSettings(), NOW)
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["TEST-NET-001"].status is Status.ERROR
    assert "RuntimeError" in by_rule["TEST-NET-001"].message
    assert by_rule["TEST-NET-002"].status is Status.PASS


def test_needed_source_error_makes_rule_unknown(tmp_path: Path) -> None:
    write_rule(tmp_path / "x", "needs", needs="(CollectionSource.ROLE_ASSIGNMENTS,)")
    registry = load_one(tmp_path / "x")
    ws = make_workspace()
    error = CollectionError(
        scope=ws.id, source="role_assignments", code="AuthorizationFailed", message="no"
    )
    findings = evaluate(make_inventory(errors=[error]), registry.rules, RuleSettings(), NOW)
    assert findings[0].status is Status.UNKNOWN
    assert "AuthorizationFailed" in findings[0].message


def test_unreadable_attached_resource_and_unlisted_computes_are_unknown() -> None:
    registry = load_registry(include_entry_points=False)
    ws = make_workspace(
        states={AttachedRole.KEY_VAULT: LookupState.UNKNOWN},
        reasons={AttachedRole.KEY_VAULT: "AuthorizationFailed: denied"},
        computes=None,
        computes_error="Throttled: out of retries",
    )
    rules = (registry["AML-NET-012"], registry["AML-AUTH-004"])
    findings = evaluate(make_inventory(workspaces=[ws]), rules, RuleSettings(), NOW)
    assert [f.status for f in findings] == [Status.UNKNOWN, Status.UNKNOWN]
    assert "AuthorizationFailed" in findings[0].message
    assert findings[1].resource_id.endswith("/computes")


def test_deleted_attached_resource_gives_no_finding() -> None:
    registry = load_registry(include_entry_points=False)
    ws = make_workspace(states={AttachedRole.CONTAINER_REGISTRY: LookupState.NOT_FOUND})
    findings = evaluate(
        make_inventory(workspaces=[ws]), (registry["AML-AUTH-001"],), RuleSettings(), NOW
    )
    assert findings == ()


def test_overrides_severity_and_disable() -> None:
    registry = load_registry(include_entry_points=False)
    ws = make_workspace(computes=[make_compute(properties={"disableLocalAuth": False})])
    settings = RuleSettings(
        severity={"AML-AUTH-004": Severity.CRITICAL}, disabled=frozenset({"AML-NET-001"})
    )
    rules = (registry["AML-AUTH-004"], registry["AML-NET-001"])
    findings = evaluate(make_inventory(workspaces=[ws]), rules, settings, NOW)
    assert [(f.rule_id, f.status, f.severity) for f in findings] == [
        ("AML-AUTH-004", Status.FAIL, Severity.CRITICAL)
    ]


def test_fingerprint_is_stable_and_case_insensitive() -> None:
    registry = load_registry(include_entry_points=False)
    rule = (registry["AML-NET-001"],)
    a = evaluate(make_inventory(), rule, RuleSettings(), NOW)[0]
    upper = make_workspace(id=make_workspace().id.upper())
    b = evaluate(make_inventory(workspaces=[upper]), rule, RuleSettings(), NOW)[0]
    assert a.fingerprint == b.fingerprint


def test_waivers_suppress_fails_until_they_expire() -> None:
    registry = load_registry(include_entry_points=False)
    ws = make_workspace(properties={"publicNetworkAccess": "Enabled"})
    findings = evaluate(
        make_inventory(workspaces=[ws]), (registry["AML-NET-001"],), RuleSettings(), NOW
    )
    waiver = Waiver(
        rule_id="AML-NET-*",
        resource="*/RESOURCEGROUPS/RG-ML/*",
        reason="lab",
        owner="me",
        expires=date(2025, 6, 30),
    )
    active, expired = apply_waivers(findings, [waiver], date(2025, 6, 2))
    assert active[0].status is Status.SUPPRESSED
    assert active[0].suppressed_status is Status.FAIL
    assert expired == ()
    later, expired = apply_waivers(findings, [waiver], date(2025, 7, 1))
    assert later[0].status is Status.FAIL
    assert expired == (waiver,)


def test_entry_point_modules_load_like_folders() -> None:
    from importlib.metadata import EntryPoint

    from auditor.engine.registry import load_entry_points

    good = EntryPoint(name="ext", value="tests.unit.plugin_rules", group="auditor.rules")
    loaded = list(load_entry_points([good]))
    assert [item.rule.id for item in loaded] == ["EXT-NET-001"]
    assert loaded[0].origin.startswith("entry point ext")
    assert loaded[0].rule.parameters() == [
        {
            "name": "max_items",
            "type": "integer",
            "default": 3,
            "description": "how many items are too many",
        }
    ]
    broken = EntryPoint(name="bad", value="tests.unit.no_such_module", group="auditor.rules")
    with pytest.raises(RuleLoadError, match="entry point bad"):
        list(load_entry_points([broken]))


def test_configured_parameters_reach_the_rule() -> None:
    from importlib.metadata import EntryPoint

    from pydantic import BaseModel

    from auditor.engine.registry import RuleRegistry, load_entry_points
    from tests.unit.plugin_rules import Limits

    ep = EntryPoint(name="ext", value="tests.unit.plugin_rules", group="auditor.rules")
    registry = RuleRegistry(list(load_entry_points([ep])))
    params: dict[str, BaseModel] = {"EXT-NET-001": Limits(max_items=7)}
    findings = evaluate(make_inventory(), registry.rules, RuleSettings(params=params), NOW)
    assert findings[0].message.endswith("limit 7")


NO_PROPERTIES = "Azure returned no properties object"


def test_workspace_without_properties_is_unknown_for_every_bundle_rule() -> None:
    registry = load_registry(include_entry_points=False)
    ws = make_workspace(has_properties=False)
    rules = tuple(r for r in registry.rules if r.id in {"AML-NET-001", "AML-NET-003"})
    findings = evaluate(make_inventory(workspaces=[ws]), rules, RuleSettings(), NOW)
    # Read as empty, AML-NET-003 would fail ("absent counts as Disabled").
    assert [(f.rule_id, f.status) for f in findings] == [
        ("AML-NET-001", Status.UNKNOWN),
        ("AML-NET-003", Status.UNKNOWN),
    ]
    assert all(NO_PROPERTIES in f.message and ws.id in f.message for f in findings)


def test_subject_without_properties_never_reaches_the_rule(tmp_path: Path) -> None:
    # A rule that raises would give error if it were called.
    write_rule(tmp_path / "x", "boom", body="raise RuntimeError('called')")
    registry = load_one(tmp_path / "x")
    ws = make_workspace(has_properties=False)
    (finding,) = evaluate(make_inventory(workspaces=[ws]), registry.rules, RuleSettings(), NOW)
    assert finding.status is Status.UNKNOWN
    assert finding.resource_id == ws.id


def test_attached_resource_without_properties_is_unknown() -> None:
    registry = load_registry(include_entry_points=False)
    vault = make_key_vault(has_properties=False)
    resources = [r if r.key != vault.key else vault for r in default_resources()]
    inventory = make_inventory(resources=resources)
    # Read as empty, AML-NET-012 would fail: a vault without networkAcls allows all networks.
    rules = (registry["AML-NET-012"], registry["AML-NET-020"])
    findings = evaluate(inventory, rules, RuleSettings(), NOW)
    assert [(f.rule_id, f.status) for f in findings] == [
        ("AML-NET-012", Status.UNKNOWN),
        ("AML-NET-020", Status.UNKNOWN),
    ]
    assert findings[0].resource_id == vault.id
    assert findings[0].workspace_ids == (make_workspace().id,)
    assert NO_PROPERTIES in findings[0].message
    assert "kv-ml-01" in findings[1].message


def test_compute_without_properties_is_unknown_even_for_type_specific_rules() -> None:
    registry = load_registry(include_entry_points=False)
    compute = make_compute("ci-bare", has_properties=False)
    ws = make_workspace(computes=[compute])
    rules = (registry["AML-AUTH-004"], registry["AML-NET-030"])
    findings = evaluate(make_inventory(workspaces=[ws]), rules, RuleSettings(), NOW)
    assert [(f.status, f.resource_id) for f in findings] == [
        (Status.UNKNOWN, compute.id),
        (Status.UNKNOWN, compute.id),
    ]
    assert all("ci-bare" in f.message and NO_PROPERTIES in f.message for f in findings)
