"""Fixtures for the simulator tests (helpers live in ``simkit.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from auditor.simulator import Simulator
from tests.simulator.simkit import running, small_tenant


@pytest.fixture(scope="module")
def small_sim() -> Iterator[Simulator]:
    """One simulator per test module, serving :func:`small_tenant`."""
    with running(small_tenant()) as sim:
        yield sim


@pytest.fixture
def fresh_counts(small_sim: Simulator) -> Simulator:
    """The module's simulator with its request log cleared."""
    small_sim.reset_requests()
    return small_sim
