"""The scheduled service really runs the audit when its trigger fires."""

import threading
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

from auditor.cli import _audit
from auditor.daemon import serve
from auditor.report.manifest import verify_manifest
from auditor.simulator import Simulator
from tests.conftest import settings_for

pytestmark = pytest.mark.sim


def test_a_scheduled_run_happens_and_publishes(sample_simulator: Simulator, tmp_path: Path) -> None:
    settings = settings_for(sample_simulator)
    settings = settings.model_copy(
        update={"output": settings.output.model_copy(update={"directory": tmp_path / "reports"})}
    )
    stop, ran = threading.Event(), threading.Event()
    codes: list[int] = []

    def run_once() -> int:
        code = _audit(settings, source="test", out=None, fail_on=None)
        codes.append(code)
        ran.set()
        stop.set()
        return code

    # Every second instead of nightly: the same scheduler, job store and listener as the daemon.
    service = threading.Thread(
        target=serve, args=(run_once, CronTrigger(second="*", timezone="UTC"), stop), daemon=True
    )
    service.start()
    assert ran.wait(timeout=30), "the scheduler never ran the audit"
    service.join(timeout=30)
    assert not service.is_alive()
    assert codes == [0]
    latest = tmp_path / "reports" / "latest"
    assert latest.is_symlink() and (latest / "report.json").is_file()
    assert verify_manifest(latest) == []
