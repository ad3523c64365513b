"""Packages are found, not listed: the product, and every folder of the built-in rule pack.

A new rule area (a folder under ``rules/``, an area collector under ``auditor/collect/areas``) is
packaged without editing a list. Everything else about the build is in ``pyproject.toml``.
"""

from setuptools import find_packages, setup


def packages() -> list[str]:
    """``auditor`` and its subpackages, and ``rules/`` installed as ``auditor_rules``."""
    product = find_packages(include=["auditor", "auditor.*"])
    rule_pack = ["auditor_rules", *(f"auditor_rules.{name}" for name in find_packages("rules"))]
    return sorted([*product, *rule_pack])


if __name__ == "__main__":
    setup(packages=packages())
