"""The command line: exit codes, the simulator command feeding scan, replay of a saved inventory."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.inventory.snapshot import dump_inventory
from auditor.report.schema import validate_report
from auditor.simulator import Simulator, sample_tenant_path
from auditor.simulator_config import render_simulator_config
from tests.builders import make_inventory
from tests.conftest import StartSimulator

pytestmark = pytest.mark.sim


def sim_config(sim: Simulator, tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "auditor.toml"
    path.write_text(render_simulator_config(sim.endpoint, sim.ca_file, sim.token) + extra)
    return path


def findings_of(out: Path) -> list[tuple[str, str, str, str]]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    validate_report(report)
    return sorted(
        (f["rule_id"], f["resource_id"].lower(), f["status"], f["fingerprint"])
        for f in report["findings"]
    )


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("critical", 1), ("none", 0)],  # the sample run is partial: `none` ignores that
)
def test_scan_exit_codes(
    sample_simulator: Simulator, tmp_path: Path, fail_on: str, expected: int
) -> None:
    config = sim_config(sample_simulator, tmp_path)
    out = tmp_path / "out"
    assert main(["scan", "--config", str(config), "--out", str(out), "--fail-on", fail_on]) == (
        expected
    )
    assert (out / "report.json").exists()


def test_partial_run_without_failures_exits_3(sample_simulator: Simulator, tmp_path: Path) -> None:
    # Every other rule off, and NET-012's fails waived: what remains is the denied vault's unknown.
    overrides = "".join(
        f'\n[rules.overrides."{r["id"]}"]\nenabled = false\n'
        for r in json.loads(_rules_json(tmp_path))
        if r["id"] != "AML-NET-012"
    )
    waiver = (
        '\n[[waivers]]\nrule_id = "AML-NET-012"\nresource = "*"\nreason = "test"\n'
        'owner = "qa"\nexpires = 2999-01-01\n'
    )
    config = sim_config(sample_simulator, tmp_path, overrides + waiver)
    out = tmp_path / "out"
    code = main(["scan", "--config", str(config), "--out", str(out), "--fail-on", "low"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {f["status"] for f in report["findings"]} >= {"unknown", "suppressed"}
    assert "fail" not in {f["status"] for f in report["findings"]}
    assert code == 3


def _rules_json(tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "rules", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_rules_list_json_and_table(tmp_path: Path) -> None:
    rules = json.loads(_rules_json(tmp_path))
    ids = {r["id"] for r in rules}
    assert {"AML-NET-001", "AML-NET-020", "AML-AUTH-005"} <= ids
    for rule in rules:
        assert rule["remediation"] and rule["description"] and rule["severity"]
    table = subprocess.run(
        [sys.executable, "-m", "auditor", "rules", "list"], capture_output=True, text=True
    )
    assert table.returncode == 0
    assert "AML-NET-020" in table.stdout and "critical" in table.stdout


def test_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text("[scope]\nsubscriptionz = []\n")
    assert main(["scan", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "scope.subscriptionz" in err


def test_unknown_rule_override_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('[rules.overrides."AML-NET-999"]\nenabled = false\n')
    assert main(["scan", "--config", str(config)]) == 2
    assert "rules.overrides.AML-NET-999" in capsys.readouterr().err


def test_bad_tenant_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text("tenant_id: x\nsubscriptions: []\nresources: [{id: 'nope'}]\n")
    assert main(["simulator", "--tenant", str(tenant)]) == 2
    assert "resources[0]" in capsys.readouterr().err


def test_saved_inventory_is_judged_without_azure(tmp_path: Path) -> None:
    saved = tmp_path / "inventory.json"
    saved.write_text(dump_inventory(make_inventory()))
    config = tmp_path / "auditor.toml"
    config.write_text("")  # default cloud: any Azure call would fail here
    out = tmp_path / "out"
    code = main(["scan", "--config", str(config), "--inventory", str(saved), "--out", str(out)])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["stats"] == {}
    assert report["summary"]["workspaces"] == 1
    assert code in (0, 1)


def test_default_out_dir_and_latest_link(sample_simulator: Simulator, tmp_path: Path) -> None:
    config = sim_config(sample_simulator, tmp_path, f'\n[output]\ndirectory = "{tmp_path}/r"\n')
    main(["scan", "--config", str(config), "--fail-on", "none"])
    latest = tmp_path / "r" / "latest"
    assert latest.is_symlink()
    assert (latest / "report.json").exists()


def test_simulator_command_config_scans_like_the_demo(tmp_path: Path) -> None:
    config = tmp_path / "sim.toml"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "auditor",
            "simulator",
            "--tenant",
            str(sample_tenant_path()),
            "--config-out",
            str(config),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not config.exists():
            assert proc.poll() is None, "the simulator exited early"
            assert time.monotonic() < deadline, "no configuration written"
            time.sleep(0.1)
        scanned, demo = tmp_path / "scan", tmp_path / "demo"
        assert (
            main(["scan", "--config", str(config), "--out", str(scanned), "--fail-on", "none"]) == 0
        )
        assert main(["demo", "--out", str(demo)]) == 0
        assert findings_of(scanned) == findings_of(demo)
    finally:
        proc.send_signal(signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "endpoint: https://127.0.0.1:" in stdout
    assert "[cloud]" in stdout


def test_daemon_runs_until_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('[schedule]\ncron = "0 3 * * *"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "auditor", "daemon", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AZURE_CLIENT_ID": ""},
    )
    time.sleep(2)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "next audit at" in stderr and "daemon stopped" in stderr


def test_daemon_rejects_bad_cron(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "auditor.toml"
    config.write_text('[schedule]\ncron = "every night"\n')
    assert main(["daemon", "--config", str(config)]) == 2
    assert "schedule.cron" in capsys.readouterr().err


def test_rule_parameters_are_validated_at_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "our-rules"
    folder.mkdir()
    source = Path(__file__).parents[1] / "unit" / "plugin_rules.py"
    (folder / "limits.py").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    config = tmp_path / "auditor.toml"
    config.write_text(
        '[rules]\nfolders = ["our-rules"]\n'
        '[rules.overrides."EXT-NET-001".params]\nmax_items = "many"\n'
    )
    assert main(["scan", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "rules.overrides.EXT-NET-001.params" in err and "max_items" in err
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "auditor",
            "rules",
            "list",
            "--format",
            "json",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rule = next(r for r in json.loads(listed.stdout) if r["id"] == "EXT-NET-001")
    assert rule["parameters"][0]["name"] == "max_items"


def test_config_that_is_not_utf8_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "auditor.toml"
    config.write_bytes("[scope]\n# r\xe9sum\xe9\nsubscriptions = []\n".encode("latin-1"))
    assert main(["scan", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"auditor: error: {config}: not UTF-8" in err
    assert "Traceback" not in err


def test_missing_ca_file_exits_2_before_any_request(
    start_simulator: StartSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = start_simulator()
    missing = tmp_path / "gone" / "ca.pem"
    config = tmp_path / "auditor.toml"
    config.write_text(render_simulator_config(sim.endpoint, missing, sim.token))
    out = tmp_path / "out"
    assert main(["scan", "--config", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cloud.ca_file" in err and str(missing) in err and "no such file" in err
    assert sum(sim.request_counts().values()) == 0
    assert not out.exists()


def test_scan_rejects_bad_cron_before_any_request(
    start_simulator: StartSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = start_simulator()
    config = sim_config(sim, tmp_path, '\n[schedule]\ncron = "61 2 * * *"\n')
    assert main(["scan", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "schedule.cron" in capsys.readouterr().err
    assert sum(sim.request_counts().values()) == 0
