"""Shared fixtures: the sample tenant, simulators over it, and the golden-file switch."""

import copy
import io
import logging
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.config import Settings
from auditor.log_setup import setup_logging
from auditor.simulator import Simulator, Tenant, load_tenant, parse_tenant, sample_tenant_path
from auditor.simulator_config import simulator_settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite golden files from this run"
    )


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def sample_tenant_data() -> dict[str, Any]:
    """The sample tenant as plain data, for tests that derive variants (deep-copy before use)."""
    data = yaml.safe_load(sample_tenant_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="session")
def sample_tenant() -> Tenant:
    return load_tenant(sample_tenant_path())


@pytest.fixture(scope="session")
def sample_simulator(sample_tenant: Tenant) -> Iterator[Simulator]:
    with (
        tempfile.TemporaryDirectory() as state,
        Simulator(sample_tenant, state_dir=Path(state)) as sim,
    ):
        yield sim


def settings_for(sim: Simulator, **overrides: Any) -> Settings:
    """Scan settings pointing at a simulator, with top-level tables replaced by ``overrides``."""
    settings = simulator_settings(sim.endpoint, sim.ca_file, sim.token)
    return settings.model_copy(update=overrides)


StartSimulator = Callable[..., Simulator]


@pytest.fixture
def start_simulator(sample_tenant_data: dict[str, Any], tmp_path: Path) -> Iterator[StartSimulator]:
    """Start a simulator on a variant of the sample tenant: ``start(faults=[...], access=...)``."""
    started: list[Simulator] = []

    def start(**changes: Any) -> Simulator:
        data = copy.deepcopy(sample_tenant_data)
        data.update(changes)
        sim = Simulator(
            parse_tenant(data, source="variant"), state_dir=tmp_path / str(len(started))
        )
        sim.start()
        started.append(sim)
        return sim

    yield start
    for sim in started:
        sim.stop()


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The auditor's own logging at DEBUG into a buffer; the previous setup is restored after."""
    root, azure = logging.getLogger(), logging.getLogger("azure")
    saved = (list(root.handlers), root.level, azure.level)
    stream = io.StringIO()
    setup_logging(True, stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])
    azure.setLevel(saved[2])
