"""The demo tenant's full audit, compared with checked-in golden reports.

Regenerate after an intended change with ``pytest tests/e2e --update-goldens`` and review the diff.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.clock import FixedClock
from auditor.pipeline import prepare_rules, run_audit, write_outputs
from auditor.report.model import AuditResult
from auditor.report.schema import validate_report
from auditor.simulator import Simulator
from tests.conftest import settings_for

pytestmark = pytest.mark.sim

GOLDEN = Path(__file__).parent / "golden" / "sample"
CLOCK = FixedClock(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def golden_run(sample_simulator: Simulator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = settings_for(sample_simulator)
    result: AuditResult = run_audit(
        settings, prepare_rules(settings, source="test"), CLOCK, run_id="golden"
    )
    out = tmp_path_factory.mktemp("golden-run")
    write_outputs(result, out)
    return out


@pytest.mark.parametrize("name", ["report.json", "inventory.json", "report.html"])
def test_matches_golden(golden_run: Path, update_goldens: bool, name: str) -> None:
    produced = (golden_run / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest --update-goldens"
    expected = golden.read_text(encoding="utf-8")
    if name == "report.json":
        validate_report(json.loads(produced))
    if name.endswith(".json"):
        assert json.loads(produced) == json.loads(expected)
    assert produced == expected
