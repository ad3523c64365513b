"""What the demo must show: every bundle, every NET/AUTH rule passing and failing, a partial run,
Azure's documented defaults read for absent properties."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from auditor.report.schema import validate_report
from tests.conftest import SHARED

pytestmark = pytest.mark.sim

ROLES = {"storage_account", "key_vault", "container_registry", "application_insights"}


def catalogue_ids(prefixes: tuple[str, ...]) -> set[str]:
    """Rule ids of the shared catalogue, or the built-in list when ../shared is absent."""
    path = SHARED / "spec" / "rules.md"
    if path.exists():
        ids = set(re.findall(r"\| (AML-[A-Z]+-\d{3}) \|", path.read_text(encoding="utf-8")))
    else:
        from auditor.engine.registry import load_registry

        ids = {r.id for r in load_registry(include_entry_points=False)}
    return {i for i in ids if i.startswith(prefixes)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from auditor.cli import main

    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0  # --fail-on none by default
    return out, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_demo_writes_every_file(demo: tuple[Path, dict[str, Any]]) -> None:
    out, report = demo
    for name in ("report.json", "report.html", "inventory.json", "costs.csv"):
        assert (out / name).stat().st_size > 0
    validate_report(report)


def test_every_workspace_has_its_four_attached_entries(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    assert report["summary"]["workspaces"] == len(report["workspaces"]) >= 8
    for ws in report["workspaces"]:
        assert set(ws["attached"]) == ROLES
    found = [a["found"] for ws in report["workspaces"] for a in ws["attached"].values() if a]
    assert False in found and None in found and True in found
    assert any(ws["attached"]["container_registry"] is None for ws in report["workspaces"])


def test_every_net_and_auth_rule_passes_and_fails(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    statuses: dict[str, set[str]] = {}
    for finding in report["findings"]:
        statuses.setdefault(finding["rule_id"], set()).add(finding["status"])
    for rule_id in sorted(catalogue_ids(("AML-NET-", "AML-AUTH-"))):
        assert {"pass", "fail"} <= statuses.get(rule_id, set()), rule_id


def test_denied_resource_makes_the_run_partial(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    assert report["run"]["status"] == "partial"
    denied = [e for e in report["errors"] if e["code"] == "AuthorizationFailed"]
    assert len(denied) == 1
    unknown = [f for f in report["findings"] if f["status"] == "unknown"]
    assert any(f["resource_id"].lower() == denied[0]["scope"].lower() for f in unknown)


def test_bundle_exposure_is_critical(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    net020 = [f for f in report["findings"] if f["rule_id"] == "AML-NET-020"]
    failing = [f for f in net020 if f["status"] == "fail"]
    assert failing and all(f["severity"] == "critical" for f in failing)
    assert any("vault" in f["message"].lower() for f in failing)


def test_net_020_does_not_judge_public_workspaces(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    by_rule: dict[str, dict[str, str]] = {}
    for finding in report["findings"]:
        by_rule.setdefault(finding["rule_id"], {})[finding["resource_id"]] = finding["status"]
    public = [ws for ws, status in by_rule["AML-NET-001"].items() if status == "fail"]
    assert public
    # A public workspace is not "private with nothing exposed": never a critical-looking pass.
    assert {by_rule["AML-NET-020"][ws] for ws in public} == {"not_applicable"}


def test_absent_properties_show_the_default_they_were_read_as(
    demo: tuple[Path, dict[str, Any]],
) -> None:
    _, report = demo
    shown = [
        value
        for finding in report["findings"]
        for value in finding["evidence"].values()
        if isinstance(value, str) and value.startswith("absent; Azure default ")
    ]
    assert 'absent; Azure default "TLS1_0"' in shown
    assert 'absent; Azure default "Disabled"' in shown


def test_inventory_took_a_handful_of_graph_requests(demo: tuple[Path, dict[str, Any]]) -> None:
    _, report = demo
    stats = report["run"]["stats"]
    assert stats["resource_graph"]["requests"] <= 4
    assert stats["arm"]["requests"] < 2 * len(report["workspaces"]) + 4


def test_nothing_secret_or_hostile_in_outputs(demo: tuple[Path, dict[str, Any]]) -> None:
    out, _ = demo
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "Bearer " not in text
        assert "InstrumentationKey=" not in text
        assert "AccountKey=" not in text
