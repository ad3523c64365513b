"""Fixtures for rule tests: one registry per session, and a way to run a rule by id."""

from collections.abc import Callable
from typing import Any

import pytest

from auditor.engine.api import Outcome
from auditor.engine.registry import RuleRegistry, load_registry
from auditor.inventory.model import Inventory
from tests.builders import context_for

CheckRule = Callable[..., Outcome | None]


@pytest.fixture(scope="session")
def rule_registry() -> RuleRegistry:
    """The built-in rules, loaded once (entry points left out: tests judge the built-in pack)."""
    return load_registry(include_entry_points=False)


@pytest.fixture
def check(rule_registry: RuleRegistry) -> CheckRule:
    """``check(rule_id, subject, inventory=None)``: run one rule as the engine would."""

    def run(rule_id: str, subject: Any, inventory: Inventory | None = None) -> Outcome | None:
        rule = rule_registry[rule_id]
        return rule.check(subject, context_for(rule, inventory))

    return run
