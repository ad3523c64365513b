"""``exposed`` in report.json comes from the exposure rules declare, not from rule ids."""

import textwrap
from pathlib import Path
from typing import Any

from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import load_registry
from auditor.findings import Exposure, Finding, Status
from auditor.inventory.model import AttachedRef, AttachedRole, LookupState
from auditor.report.json_writer import build_report
from tests.builders import NOW, make_inventory
from tests.report.report_builders import STORAGE, WS_ALPHA, make_finding, make_result
from tests.report.report_builders import make_workspace as report_workspace

PLUGIN = textwrap.dedent(
    '''
    from auditor.engine.api import Category, Exposure, NoParams, Outcome, RuleContext, Severity
    from auditor.engine.api import StorageAccountSubject, failed, rule


    @rule(id="CONTOSO-NET-110", title="Storage has no public endpoint", severity=Severity.HIGH,
          category=Category.NETWORK, subject=StorageAccountSubject, remediation="r",
          exposure=Exposure.RESOURCE)
    def open_storage(subject: StorageAccountSubject, ctx: RuleContext[NoParams]) -> Outcome:
        """A plugin rule whose fail means the storage account is reachable."""
        return failed("open")
    '''
)


def exposed(*findings: Finding) -> tuple[Any, Any]:
    """(workspace exposed, storage exposed) in report.json for WS_ALPHA attaching STORAGE."""
    ref = AttachedRef(role=AttachedRole.STORAGE_ACCOUNT, id=STORAGE, state=LookupState.FOUND)
    ws = report_workspace(WS_ALPHA, {AttachedRole.STORAGE_ACCOUNT: ref})
    doc: dict[str, Any] = build_report(make_result((ws,), findings))
    (entry,) = doc["workspaces"]
    return entry["exposed"], entry["attached"]["storage_account"]["exposed"]


def test_plugin_rule_declaring_exposure_reaches_the_finding(tmp_path: Path) -> None:
    (tmp_path / "open.py").write_text(PLUGIN, encoding="utf-8")
    registry = load_registry([tmp_path], include_builtin=False, include_entry_points=False)
    assert registry["CONTOSO-NET-110"].meta.exposure is Exposure.RESOURCE
    (finding,) = evaluate(make_inventory(), registry.rules, RuleSettings(), NOW)
    assert (finding.status, finding.exposure) == (Status.FAIL, Exposure.RESOURCE)


def test_declared_resource_exposure_of_a_plugin_rule_sets_exposed() -> None:
    fail = make_finding("CONTOSO-NET-110", STORAGE, Status.FAIL, exposure=Exposure.RESOURCE)
    assert exposed(fail) == (None, True)
    passing = make_finding("CONTOSO-NET-110", STORAGE, Status.PASS, exposure=Exposure.RESOURCE)
    assert exposed(passing) == (None, False)


def test_rule_without_declared_exposure_says_nothing() -> None:
    assert exposed(make_finding("CONTOSO-NET-111", STORAGE, Status.FAIL)) == (None, None)


def test_bundle_exposure_counts_for_the_workspace_only() -> None:
    own = make_finding("CONTOSO-NET-001", WS_ALPHA, Status.PASS, exposure=Exposure.RESOURCE)
    through = make_finding("CONTOSO-NET-020", WS_ALPHA, Status.FAIL, exposure=Exposure.BUNDLE)
    assert exposed(own, through) == (True, None)
    # A bundle verdict filed on an attached resource is not that resource's own exposure.
    misfiled = make_finding("CONTOSO-NET-021", STORAGE, Status.FAIL, exposure=Exposure.BUNDLE)
    assert exposed(own, misfiled) == (False, None)


def test_not_applicable_verdict_says_nothing_about_exposure() -> None:
    own = make_finding("CONTOSO-NET-001", WS_ALPHA, Status.PASS, exposure=Exposure.RESOURCE)
    na = make_finding("CONTOSO-NET-020", WS_ALPHA, Status.NOT_APPLICABLE, exposure=Exposure.BUNDLE)
    assert exposed(own, na) == (False, None)
    assert exposed(na) == (None, None)


def test_builtin_ids_without_declared_exposure_keep_their_meaning_for_now() -> None:
    # Interim: until rules/ declares exposure= on AML-NET-001/010/012/013/014/020.
    assert exposed(make_finding("AML-NET-010", STORAGE, Status.FAIL)) == (None, True)
    assert exposed(make_finding("AML-NET-020", WS_ALPHA, Status.FAIL)) == (True, None)
