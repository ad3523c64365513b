"""The worked example of ``docs/writing-rules.md`` (a new rule area) runs as written."""

import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from auditor.collect.areas import _as_collector
from auditor.engine.evaluate import RuleSettings, evaluate
from auditor.engine.registry import rules_in_module
from auditor.findings import Status
from auditor.inventory.model import CollectionError, CollectionSource, Inventory
from auditor.json_types import JsonValue
from tests.builders import NOW, make_inventory, make_workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-rules.md"
SUBJECT_MODULE = "doc_example_diagnostic_settings"


def _blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8").split("## Worked example", 1)[1]
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def _module(name: str, source: str) -> ModuleType:
    module = ModuleType(name)
    sys.modules[name] = module
    # The code is our own documentation, run so that it cannot drift from what works.
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


@pytest.fixture(scope="module")
def example() -> dict[str, ModuleType]:
    collector, subject, rules = _blocks()[:3]
    # Distinct names, so the example never clashes with a real logging area later.
    subject = subject.replace('"workspace_diagnostics"', '"doc_example_diagnostics"')
    rules = rules.replace("auditor.engine.diagnostic_settings", SUBJECT_MODULE)
    return {
        "collector": _module("doc_example_collector", collector),
        "subject": _module(SUBJECT_MODULE, subject),
        "rules": _module("doc_example_rules", rules),
    }


def _inventory(settings: JsonValue, errors: tuple[CollectionError, ...] = ()) -> Inventory:
    ws = make_workspace()
    base = make_inventory(workspaces=[ws], errors=errors)
    datasets = {} if settings is None else {"diagnostic_settings": {ws.key: settings}}
    return Inventory(
        collected_at=base.collected_at,
        cloud=base.cloud,
        scope=base.scope,
        subscriptions=base.subscriptions,
        workspaces=base.workspaces,
        resources=base.resources,
        errors=base.errors,
        datasets=datasets,
    )


def test_the_collector_is_an_area_collector(example: dict[str, ModuleType]) -> None:
    collector = _as_collector(example["collector"])
    assert collector is not None and collector.source is CollectionSource.DIAGNOSTIC_SETTINGS


@pytest.mark.parametrize(
    ("settings", "status"),
    [
        (
            [{"name": "to-law", "properties": {"workspaceId": "/x", "logs": [{"enabled": True}]}}],
            Status.PASS,
        ),
        ([{"name": "to-storage", "properties": {"logs": [{"enabled": True}]}}], Status.FAIL),
        ([], Status.FAIL),
    ],
)
def test_the_rule_judges_the_collected_settings(
    example: dict[str, ModuleType], settings: JsonValue, status: Status
) -> None:
    (rule,) = rules_in_module(example["rules"])
    (finding,) = evaluate(_inventory(settings), (rule,), RuleSettings(), NOW)
    assert finding.rule_id == "AML-LOG-001" and finding.status is status


def test_settings_that_could_not_be_listed_are_unknown(example: dict[str, ModuleType]) -> None:
    (rule,) = rules_in_module(example["rules"])
    ws = make_workspace()
    error = CollectionError(
        scope=ws.id, source=CollectionSource.DIAGNOSTIC_SETTINGS, code="AuthorizationFailed",
        message="denied",
    )  # fmt: skip
    (finding,) = evaluate(_inventory(None, (error,)), (rule,), RuleSettings(), NOW)
    assert finding.status is Status.UNKNOWN and "AuthorizationFailed" in finding.message


def test_a_collector_that_failed_outright_leaves_every_workspace_unknown(
    example: dict[str, ModuleType],
) -> None:
    # collect_datasets records a raising collector at scope "/" and stores no dataset: the rule
    # must not read that as "no settings".
    (rule,) = rules_in_module(example["rules"])
    error = CollectionError(
        scope="/", source=CollectionSource.DIAGNOSTIC_SETTINGS, code="InternalError",
        message="KeyError: bug",
    )  # fmt: skip
    (finding,) = evaluate(_inventory(None, (error,)), (rule,), RuleSettings(), NOW)
    assert finding.status is Status.UNKNOWN and "InternalError" in finding.message
