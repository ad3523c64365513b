"""Misusing the rule API: caught when the rule file loads, or costs an ``error`` on one subject.

Rule files are written to a folder and loaded the way the auditor loads them, so each case goes
through the registry's own error path (the message names the file).
"""

import textwrap
from pathlib import Path
from types import MappingProxyType

import pytest

from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import RuleLoadError, RuleRegistry, load_registry
from auditor.findings import Finding, Status
from tests.builders import NOW, make_inventory, make_workspace

HEADER = """
import math
from datetime import datetime

from pydantic import BaseModel

from auditor.engine.api import *
from auditor.engine.api import AttachedSubject
from auditor.findings import Status
"""


def rule_source(
    *,
    subject: str = "Bundle",
    rule_id: str = "TEST-NET-001",
    extra: str = "",
    returns: str = "Outcome",
    body: str = "return passed('ok')",
) -> str:
    """A rule module; ``extra`` holds arguments added to ``@rule(...)``."""
    return HEADER + textwrap.dedent(
        f'''
        @rule(id="{rule_id}", title="t", severity=Severity.LOW, category=Category.NETWORK,
              subject={subject}, remediation="r"{extra})
        def check(subject: {subject}, ctx: RuleContext[NoParams]) -> {returns}:
            """A rule under test."""
            {body}
        '''
    )


def load(tmp_path: Path, *sources: str) -> RuleRegistry:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for n, source in enumerate(sources):
        (folder / f"r{n}.py").write_text(source, encoding="utf-8")
    return load_registry([folder], include_builtin=False, include_entry_points=False)


def run(tmp_path: Path, *sources: str, workspaces: int = 1) -> list[Finding]:
    registry = load(tmp_path, *sources)
    inventory = make_inventory(
        workspaces=[make_workspace(name=f"mlw-{n}") for n in range(workspaces)]
    )
    return list(evaluate(inventory, registry.rules, RuleSettings(), NOW))


# --- caught at load, naming the file -----------------------------------------------------------

UNREGISTERED = HEADER + textwrap.dedent(
    '''
    class Mine:
        subject_id = "x"

        def workspace_ids(self) -> tuple[str, ...]:
            return ()


    @rule(id="TEST-NET-001", title="t", severity=Severity.LOW, category=Category.NETWORK,
          subject=Mine, remediation="r")
    def check(subject: Mine, ctx: RuleContext[NoParams]) -> Outcome:
        """A rule on a class nobody registered."""
        return passed("ok")
    '''
)

REQUIRED_PARAM = HEADER + textwrap.dedent(
    '''
    class Limits(BaseModel):
        max_items: int


    @rule(id="TEST-NET-001", title="t", severity=Severity.LOW, category=Category.NETWORK,
          subject=Bundle, remediation="r", params=Limits)
    def check(subject: Bundle, ctx: RuleContext[Limits]) -> Outcome:
        """A rule whose parameter has no default."""
        return passed("ok")
    '''
)

NO_RETURN_TYPE = HEADER + textwrap.dedent(
    '''
    @rule(id="TEST-NET-001", title="t", severity=Severity.LOW, category=Category.NETWORK,
          subject=Bundle, remediation="r")
    def check(subject, ctx):
        """A rule without annotations."""
        return passed("ok")
    '''
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            rule_source(subject="AttachedSubject"),
            "AttachedSubject is not a registered subject kind (name one of: ",
            id="base-subject",
        ),
        pytest.param(UNREGISTERED, "Mine is not a registered subject kind", id="unregistered"),
        pytest.param(REQUIRED_PARAM, "max_items need a default", id="param-without-default"),
        pytest.param(
            rule_source(extra=", params=dict"), "pydantic model", id="params-not-pydantic"
        ),
        pytest.param(rule_source(rule_id="TEST-KV-001"), "has area NET", id="id-area-mismatch"),
        pytest.param(rule_source(rule_id="TEST-NET-1"), "does not match", id="id-malformed"),
        pytest.param(rule_source(extra=", needs=('arm',)"), "CollectionSource", id="needs-str"),
        pytest.param(NO_RETURN_TYPE, "declare its return type", id="no-return-type"),
        pytest.param(rule_source(returns="bool"), "declare its return type", id="returns-bool"),
        pytest.param(rule_source(extra=", exposure='public'"), "exposure", id="bad-exposure"),
        pytest.param(rule_source(rule_id="AML-NET-901"), "built-in namespace", id="aml-plugin"),
    ],
)
def test_misused_rule_stops_loading_naming_the_file(
    tmp_path: Path, source: str, expected: str
) -> None:
    with pytest.raises(RuleLoadError) as info:
        load(tmp_path, source)
    assert str(tmp_path / "rules" / "r0.py") in str(info.value)
    assert expected in str(info.value)


def test_attached_base_class_hint_names_the_registered_kinds(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError) as info:
        load(tmp_path, rule_source(subject="AttachedSubject"))
    for name in ("StorageAccountSubject", "KeyVaultSubject", "ContainerRegistrySubject"):
        assert name in str(info.value)


def test_plugin_namespace_and_matching_area_load(tmp_path: Path) -> None:
    registry = load(tmp_path, rule_source(rule_id="CONTOSO2-NET-101"))
    assert [r.id for r in registry] == ["CONTOSO2-NET-101"]


def test_builtin_pack_ids_are_aml_and_match_their_category() -> None:
    from auditor.engine.rule_ids import AREA_CODES

    registry = load_registry(include_entry_points=False)
    assert len(registry) >= 15
    for rule in registry:
        namespace, area, _ = rule.id.split("-")
        assert (namespace, area) == ("AML", AREA_CODES[rule.meta.category])


# --- outcomes checked inside the per-rule guard ------------------------------------------------

GOOD = rule_source(rule_id="TEST-NET-002")


@pytest.mark.parametrize(
    ("body", "returns", "expected"),
    [
        pytest.param("return 'pass'", "Outcome", "returned str, not an Outcome", id="a-string"),
        pytest.param("return True", "Outcome", "returned bool, not an Outcome", id="a-bool"),
        pytest.param("return None", "Outcome", "returned None", id="none-not-declared"),
        pytest.param(
            "return Outcome(status=Status.SUPPRESSED, message='m')",
            "Outcome",
            "status suppressed is set by the engine",
            id="suppressed",
        ),
        pytest.param(
            "return Outcome(status=Status.ERROR, message='m')",
            "Outcome",
            "status error is set by the engine",
            id="error-status",
        ),
        pytest.param(
            "return Outcome(status='pass', message='m')", "Outcome", "not a Status", id="str-status"
        ),
        pytest.param(
            "return Outcome(status=Status.PASS, message=1)", "Outcome", "message", id="int-message"
        ),
        pytest.param(
            "return Outcome(status=Status.FAIL, message='m', severity='high')",
            "Outcome",
            "not a Severity",
            id="str-severity",
        ),
        pytest.param(
            "return Outcome(status=Status.PASS, message='m', evidence={'at': datetime.now()})",
            "Outcome",
            "evidence.at: a datetime is not a JSON value",
            id="evidence-datetime",
        ),
        pytest.param(
            "return Outcome(status=Status.PASS, message='m', evidence={'x': [math.nan]})",
            "Outcome",
            "evidence.x[0]: nan is not a JSON number",
            id="evidence-nan",
        ),
        pytest.param(
            "return Outcome(status=Status.PASS, message='m', evidence={1: 'a'})",
            "Outcome",
            "key of type int",
            id="evidence-int-key",
        ),
        pytest.param(
            "return Outcome(status=Status.PASS, message='m', evidence=['a'])",
            "Outcome",
            "evidence is list, not a JSON object",
            id="evidence-list",
        ),
    ],
)
def test_invalid_outcome_is_error_for_that_rule_only(
    tmp_path: Path, body: str, returns: str, expected: str
) -> None:
    findings = run(tmp_path, rule_source(body=body, returns=returns), GOOD)
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule["TEST-NET-001"].status is Status.ERROR
    assert expected in by_rule["TEST-NET-001"].message
    assert by_rule["TEST-NET-002"].status is Status.PASS


def test_evidence_that_cannot_be_frozen_costs_one_subject_only(tmp_path: Path) -> None:
    body = (
        "return passed('ok') if subject.workspace.name == 'mlw-0' else "
        "Outcome(status=Status.PASS, message='m', evidence={'s': {1, 2}})"
    )
    findings = run(tmp_path, rule_source(body=body), workspaces=2)
    assert sorted((f.resource_id.rsplit("/", 1)[-1], f.status) for f in findings) == [
        ("mlw-0", Status.PASS),
        ("mlw-1", Status.ERROR),
    ]


def test_self_referencing_evidence_is_an_error_not_a_crash(tmp_path: Path) -> None:
    body = (
        "loop = {}; loop['self'] = loop; "
        "return Outcome(status=Status.PASS, message='m', evidence=loop)"
    )
    (finding,) = run(tmp_path, rule_source(body=body))
    assert finding.status is Status.ERROR
    assert "nested deeper than" in finding.message


def test_none_is_no_finding_when_declared(tmp_path: Path) -> None:
    assert run(tmp_path, rule_source(body="return None", returns="Outcome | None")) == []


def test_evidence_dict_is_frozen_into_the_finding(tmp_path: Path) -> None:
    body = "return Outcome(status=Status.PASS, message='m', evidence={'values': [1]})"
    (finding,) = run(tmp_path, rule_source(body=body))
    assert finding.status is Status.PASS
    assert isinstance(finding.evidence, MappingProxyType)
    assert finding.evidence["values"] == (1,)
