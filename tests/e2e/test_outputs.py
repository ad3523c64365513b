"""Through the real command line: a run's files are published as one unit (a full disk, kill -9 or a
concurrent scan never leaves two runs' files side by side) and every failure ends in one line: 2
before any request when the folder cannot take the reports, 4 when writing fails."""

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.report.manifest import MANIFEST_FILE_NAME, verify_manifest
from auditor.report.publish import LOCK_FILE_NAME, STAGING_PREFIX
from auditor.simulator import Simulator
from auditor.simulator_config import render_simulator_config
from tests.conftest import StartSimulator

pytestmark = pytest.mark.sim

OUTPUT_FILES = {"inventory.json", "report.json", "report.html", "costs.csv"}
DELAY_EVERY_REQUEST = {"path": ".", "delay_seconds": 20}  # served normally, 20 s late

# Runs `python -m auditor ARGS` with a file size limit: a write past it fails with EFBIG, as a full
# disk fails with ENOSPC. SIGXFSZ is ignored so that the write fails instead of killing the process.
LIMITED_AUDITOR = """
import resource, runpy, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), resource.RLIM_INFINITY))
sys.argv = ["auditor", *sys.argv[2:]]
runpy.run_module("auditor", run_name="__main__", alter_sys=True)
"""


def sim_config(sim: Simulator, folder: Path, extra: str = "") -> Path:
    path = folder / f"auditor-{sim.endpoint.rsplit(':', 1)[1]}.toml"
    path.write_text(render_simulator_config(sim.endpoint, sim.ca_file, sim.token) + extra)
    return path


def requests_made(sim: Simulator) -> int:
    return sum(sim.request_counts().values())


def leftovers(folder: Path) -> list[str]:
    """Staging folders and temporary files of atomic writes."""
    return sorted(
        p.name for p in folder.iterdir() if p.name.startswith(STAGING_PREFIX) or p.suffix == ".tmp"
    )


def error_lines(stderr: str) -> list[str]:
    """The command's own lines; log lines (a timestamp first) may come before them."""
    return [line for line in stderr.splitlines() if line.startswith("auditor:")]


def manifest_of(folder: Path) -> Any:
    return json.loads((folder / MANIFEST_FILE_NAME).read_text(encoding="utf-8"))


def scan(config: Path, out: Path) -> int:
    return main(["scan", "--config", str(config), "--out", str(out), "--fail-on", "none"])


@pytest.fixture
def previous_run(sample_simulator: Simulator, tmp_path: Path) -> tuple[Path, Path]:
    """An --out folder holding a complete earlier run, and the configuration that made it."""
    config, out = sim_config(sample_simulator, tmp_path), tmp_path / "out"
    assert scan(config, out) == 0
    assert verify_manifest(out) == []
    return config, out


def test_manifest_names_the_run_and_matches_every_file(previous_run: tuple[Path, Path]) -> None:
    _, out = previous_run
    manifest = manifest_of(out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == report["run"]["id"]
    assert manifest["status"] == report["run"]["status"]
    assert set(manifest["files"]) == OUTPUT_FILES
    for name, entry in manifest["files"].items():
        assert entry["bytes"] == (out / name).stat().st_size > 0
    assert leftovers(out) == []


@pytest.mark.parametrize(
    ("layout", "reason"),
    [("--out", "not a directory"), ("output.directory", "cannot create")],
)
def test_destination_that_is_a_file_exits_2_before_any_request(
    start_simulator: StartSimulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    layout: str,
    reason: str,
) -> None:
    fresh_sim = start_simulator()  # nothing else has sent it a request
    blocker = tmp_path / "report.txt"
    blocker.write_text("not a folder")
    if layout == "--out":
        target, code = blocker, scan(sim_config(fresh_sim, tmp_path), blocker)
    else:  # the default layout, under a path whose parent is a file
        target = blocker / "reports"
        extra = f'\n[output]\ndirectory = "{target}"\n'
        code = main(["scan", "--config", str(sim_config(fresh_sim, tmp_path, extra))])
    assert code == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith("auditor: error:")
    assert str(target) in lines[0] and reason in lines[0]
    assert blocker.read_text() == "not a folder"
    assert requests_made(fresh_sim) == 0


def _start_slow_scan(config: Path, out: Path) -> subprocess.Popen[str]:
    """A scan in its own process, held in its first request; returns once it has staged."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor", "scan", "--config", str(config), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(STAGING_PREFIX) for p in out.glob(".*")):
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, "the slow scan never staged"
        time.sleep(0.05)
    time.sleep(1)  # into its (delayed) requests
    return proc


def test_second_concurrent_scan_into_one_folder_exits_2_before_any_request_naming_the_first(
    previous_run: tuple[Path, Path],
    sample_simulator: Simulator,
    start_simulator: StartSimulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config, out = previous_run
    slow = start_simulator(faults=[DELAY_EVERY_REQUEST])
    first = _start_slow_scan(sim_config(slow, tmp_path), out)
    try:
        capsys.readouterr()
        requests_before = requests_made(sample_simulator)
        assert scan(config, out) == 2
        assert requests_made(sample_simulator) == requests_before
        lines = error_lines(capsys.readouterr().err)
        assert len(lines) == 1 and str(out / LOCK_FILE_NAME) in lines[0]
        assert f"process {first.pid} holds" in lines[0]
    finally:
        first.kill()
        first.communicate(timeout=30)
    assert verify_manifest(out) == []


def test_kill_9_during_a_scan_leaves_the_previous_set_and_the_next_scan_sweeps(
    previous_run: tuple[Path, Path], start_simulator: StartSimulator, tmp_path: Path
) -> None:
    config, out = previous_run
    before = manifest_of(out)
    slow = start_simulator(faults=[DELAY_EVERY_REQUEST])
    proc = _start_slow_scan(sim_config(slow, tmp_path), out)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Either the previous complete set or no manifest at all; here the kill came before publishing.
    assert verify_manifest(out) == []
    assert manifest_of(out) == before
    assert [name.startswith(STAGING_PREFIX) for name in leftovers(out)] == [True]

    assert scan(config, out) == 0
    assert leftovers(out) == []
    assert verify_manifest(out) == []
    assert manifest_of(out)["run_id"] != before["run_id"]


def test_full_disk_exits_4_with_one_line_and_keeps_the_previous_set(
    previous_run: tuple[Path, Path],
) -> None:
    config, out = previous_run
    before = {name: (out / name).read_bytes() for name in [*OUTPUT_FILES, MANIFEST_FILE_NAME]}
    limit = 64 * 1024  # every report of the sample tenant is larger
    assert max(len(data) for data in before.values()) > limit
    args = ["scan", "--config", str(config), "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-c", LIMITED_AUDITOR, str(limit), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [
        f"auditor: error: cannot write reports to {out}: [Errno 27] File too large"
    ]
    assert result.stderr.rstrip().splitlines()[-1] == error_lines(result.stderr)[0]
    assert leftovers(out) == []
    assert {name: (out / name).read_bytes() for name in before} == before
    assert verify_manifest(out) == []


def test_stale_staging_and_temporary_files_are_swept_but_a_live_staging_folder_stays(
    sample_simulator: Simulator, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    dead = out / f"{STAGING_PREFIX}20260101T000000Z-dead00"
    dead.mkdir(parents=True)
    (dead / "report.html").write_bytes(b"x" * 1000)
    (out / ".report.html.k2j4x1_a.tmp").write_bytes(b"half a report")
    (out / "notes.txt").write_text("mine")
    live = out / f"{STAGING_PREFIX}20260101T000000Z-live00"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert scan(sim_config(sample_simulator, tmp_path), out) == 0
        assert leftovers(out) == [live.name]
    finally:
        os.close(fd)
    assert (out / "notes.txt").read_text() == "mine"
    assert verify_manifest(out) == []


def test_default_layout_publishes_a_run_folder_with_its_manifest_and_sweeps_the_base(
    sample_simulator: Simulator, tmp_path: Path
) -> None:
    base = tmp_path / "reports"
    (base / f"{STAGING_PREFIX}20260101T000000Z-dead00").mkdir(parents=True)
    config = sim_config(sample_simulator, tmp_path, f'\n[output]\ndirectory = "{base}"\n')
    assert main(["scan", "--config", str(config), "--fail-on", "none"]) == 0
    latest = base / "latest"
    run_folder = latest.resolve()
    assert latest.is_symlink() and run_folder.parent == base.resolve()
    assert manifest_of(run_folder)["run_id"] == run_folder.name
    assert verify_manifest(run_folder) == []
    assert leftovers(base) == [] and not (base / LOCK_FILE_NAME).exists()
    assert {p.name for p in run_folder.iterdir()} == OUTPUT_FILES | {MANIFEST_FILE_NAME}


def test_fail_on_none_still_exits_3_when_the_run_failed(
    start_simulator: StartSimulator, tmp_path: Path
) -> None:
    denied = {"error": {"code": "AuthorizationFailed", "message": "no access"}}
    sim = start_simulator(faults=[{"path": ".", "status": 403, "body": denied}])
    out = tmp_path / "out"
    assert scan(sim_config(sim, tmp_path), out) == 3
    assert json.loads((out / "report.json").read_text())["run"]["status"] == "failed"
    assert manifest_of(out)["status"] == "failed"


@pytest.mark.parametrize(
    ("raised", "code", "line"),
    [
        pytest.param(
            RuntimeError("boom\nsecond line"),
            4,
            "auditor: internal error: RuntimeError: boom second line"
            " (run with -v for the traceback)",
            id="internal-error",
        ),
        pytest.param(KeyboardInterrupt(), 130, "auditor: interrupted", id="interrupt"),
    ],
)
def test_a_run_that_raises_exits_with_one_line_and_leaves_no_staging(
    previous_run: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: BaseException,
    code: int,
    line: str,
) -> None:
    config, out = previous_run

    def run_audit(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("auditor.cli.run_audit", run_audit)
    capsys.readouterr()
    assert scan(config, out) == code
    err = capsys.readouterr().err
    assert error_lines(err) == [line] and "Traceback" not in err
    assert leftovers(out) == [] and verify_manifest(out) == []
    if code == 4:  # -v shows the traceback the one line leaves out
        assert main(["-v", "scan", "--config", str(config), "--out", str(out)]) == 4
        assert "Traceback" in capsys.readouterr().err
