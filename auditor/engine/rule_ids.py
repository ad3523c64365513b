"""The rule id scheme: ``<NAMESPACE>-<AREA>-<NNN>``, where the area names the rule's category.

- ``AREA`` is the category's code (``NET`` network, ``AUTH`` authentication, ``IAM`` iam, ``KV``
  key_vault, ``SEC`` secrets, ``COST`` cost, ``LOG`` logging), for every rule, built-in or not:
  ``AML-NET-010`` is a network rule, and a rule ``AML-NET-...`` declared in another category is a
  mistake caught at load.
- ``NAMESPACE`` is ``AML`` for the rules shipped in the built-in pack (``rules/``), and only for
  them. Rule folders and ``auditor.rules`` entry points use a namespace of their own (2 to 10
  upper-case letters or digits, starting with a letter, e.g. ``CONTOSO-NET-101``), so no plugin id
  can ever collide with a rule the project adds later.
- ``NNN`` is three digits; an id is never reused or renumbered.
"""

import re
from collections.abc import Mapping
from types import MappingProxyType

from auditor.findings import Category

__all__ = ["AREA_CODES", "BUILTIN_NAMESPACE", "check_rule_id", "namespace_of"]

BUILTIN_NAMESPACE = "AML"

AREA_CODES: Mapping[Category, str] = MappingProxyType(
    {
        Category.NETWORK: "NET",
        Category.AUTHENTICATION: "AUTH",
        Category.IAM: "IAM",
        Category.KEY_VAULT: "KV",
        Category.SECRETS: "SEC",
        Category.COST: "COST",
        Category.LOGGING: "LOG",
    }
)

_RULE_ID = re.compile(r"^(?P<namespace>[A-Z][A-Z0-9]{1,9})-(?P<area>[A-Z]+)-(?P<number>\d{3})$")


def check_rule_id(rule_id: str, category: Category) -> None:
    """Accept ``rule_id`` when it has the scheme's shape and its area is ``category``'s code.

    Raises:
        ValueError: the id is malformed, or its area is not the category's.
    """
    match = _RULE_ID.match(rule_id)
    if match is None:
        raise ValueError(f"rule id {rule_id!r} does not match <NAMESPACE>-<AREA>-<NNN>")
    area = AREA_CODES[category]
    if match["area"] != area:
        raise ValueError(
            f"rule id {rule_id!r} is in area {match['area']}, but its category {category.value}"
            f" has area {area} (expected {match['namespace']}-{area}-{match['number']})"
        )


def namespace_of(rule_id: str) -> str:
    """The namespace of a well-formed id (``AML`` for ``AML-NET-001``)."""
    return rule_id.split("-", 1)[0]
