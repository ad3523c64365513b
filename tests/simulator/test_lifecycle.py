"""Starting, stopping and restarting the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.mgmt.resource.subscriptions import SubscriptionClient

from auditor.simulator import Simulator, parse_tenant
from tests.simulator.simkit import StaticCredential, small_tenant

pytestmark = pytest.mark.sim


def test_state_dir_holds_the_ca_and_restart_rotates_token_and_port(tmp_path: Path) -> None:
    sim = Simulator(parse_tenant(small_tenant(), source="t"), state_dir=tmp_path / "state")
    with pytest.raises(RuntimeError, match="not running"):
        _ = sim.endpoint
    with sim:
        first = (sim.endpoint, sim.token)
        assert sim.ca_file == tmp_path / "state" / "ca.pem"
        assert sim.ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
        assert sim.endpoint.startswith("https://127.0.0.1:")
        with pytest.raises(RuntimeError, match="already running"):
            sim.start()
    assert (tmp_path / "state" / "ca.pem").exists()  # a caller's directory is left alone
    with sim:
        assert (sim.endpoint, sim.token) != first
        client = SubscriptionClient(
            StaticCredential(sim.token), base_url=sim.endpoint, connection_verify=str(sim.ca_file)
        )
        assert len(list(client.subscriptions.list())) == 3
    sim.stop()  # stopping twice is harmless


def test_temporary_state_dir_is_removed_on_stop() -> None:
    with Simulator(parse_tenant(small_tenant(), source="t")) as sim:
        ca_file = sim.ca_file
        assert ca_file.exists()
    assert not ca_file.parent.exists()
