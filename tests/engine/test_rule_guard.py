"""Through the simulator: a broken plugin rule never takes the scan down.

Before rules were checked at load and outcomes inside the per-rule guard, a rule returning a
plain dict (or one declared on the base ``AttachedSubject``) ended ``auditor scan`` with a
traceback and exit 1, the code reserved for failed findings, and wrote no report.
"""

import json
import textwrap
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.simulator_config import render_simulator_config
from tests.conftest import StartSimulator

pytestmark = pytest.mark.sim

JUNK = textwrap.dedent(
    '''
    from auditor.engine.api import Bundle, Category, NoParams, Outcome, RuleContext, Severity, rule


    @rule(id="ACME-NET-001", title="Returns a dict", severity=Severity.HIGH,
          category=Category.NETWORK, subject=Bundle, remediation="Fix the rule.")
    def junk(bundle: Bundle, ctx: RuleContext[NoParams]) -> Outcome:
        """Returns what is not an outcome."""
        return {"status": "pass"}  # not an Outcome, on purpose
    '''
)

BASE_SUBJECT = textwrap.dedent(
    '''
    from auditor.engine.api import AttachedSubject, Category, NoParams, Outcome, RuleContext
    from auditor.engine.api import Severity, passed, rule


    @rule(id="ACME-NET-002", title="On the base class", severity=Severity.HIGH,
          category=Category.NETWORK, subject=AttachedSubject, remediation="Name a kind.")
    def base(subject: AttachedSubject, ctx: RuleContext[NoParams]) -> Outcome:
        """Declared on the base subject type."""
        return passed("never")
    '''
)


def scan_with(start: StartSimulator, tmp_path: Path, rule: str) -> tuple[int, Path, int]:
    sim = start()
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "rule.py").write_text(rule, encoding="utf-8")
    config = tmp_path / "auditor.toml"
    config.write_text(
        render_simulator_config(sim.endpoint, sim.ca_file, sim.token)
        + '\n[rules]\nfolders = ["acme"]\n'
    )
    out = tmp_path / "out"
    code = main(["scan", "--config", str(config), "--out", str(out), "--fail-on", "none"])
    return code, out, sum(sim.request_counts().values())


def test_rule_returning_junk_gives_error_findings_and_a_partial_report(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    code, out, requests = scan_with(start_simulator, tmp_path, JUNK)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    mine = [f for f in report["findings"] if f["rule_id"] == "ACME-NET-001"]
    assert mine and len(mine) == report["summary"]["workspaces"]
    assert {f["status"] for f in mine} == {"error"}
    assert "returned dict, not an Outcome" in mine[0]["message"]
    # The built-in rules were judged as usual.
    assert {f["rule_id"] for f in report["findings"]} >= {"AML-NET-001", "AML-NET-020"}
    assert report["run"]["status"] == "partial"
    assert code in (0, 3) and requests > 0  # never 1: nothing failed at --fail-on none


def test_rule_on_the_base_subject_stops_start_up_naming_the_file(
    start_simulator: StartSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, requests = scan_with(start_simulator, tmp_path, BASE_SUBJECT)
    err = capsys.readouterr().err
    assert code == 2
    assert str(tmp_path / "acme" / "rule.py") in err
    assert "AttachedSubject is not a registered subject kind" in err
    assert requests == 0 and not (out / "report.json").exists()
