"""Fixtures for rule tests: one registry per session, and a way to run a rule by id."""

from typing import Protocol

import pytest

from auditor.engine.api import Outcome, Subject
from auditor.engine.registry import RuleRegistry, load_registry
from auditor.inventory.model import Inventory
from tests.builders import context_for


class CheckRule(Protocol):
    """The ``check`` fixture: a rule's outcome, or None when the subject is out of its reach."""

    def __call__(
        self, rule_id: str, subject: Subject, inventory: Inventory | None = None
    ) -> Outcome | None:
        """Run rule ``rule_id`` on ``subject`` (against ``inventory``, default the builders')."""
        ...


@pytest.fixture(scope="session")
def rule_registry() -> RuleRegistry:
    """The built-in rules, loaded once (entry points left out: tests judge the built-in pack)."""
    return load_registry(include_entry_points=False)


@pytest.fixture
def check(rule_registry: RuleRegistry) -> CheckRule:
    """``check(rule_id, subject, inventory=None)``: run one rule as the engine would."""

    def run(rule_id: str, subject: Subject, inventory: Inventory | None = None) -> Outcome | None:
        rule = rule_registry[rule_id]
        return rule.check(subject, context_for(rule, inventory))

    return run
