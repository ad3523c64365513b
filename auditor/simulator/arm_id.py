"""Deprecated: ARM ids are parsed by :mod:`auditor.ids`, which the simulator itself now uses.

Kept only for the tests outside ``tests/simulator`` that still import it
(``tests/azure_examples.py``, ``tests/collect/test_conformance.py``); once they import
``auditor.ids.parse_arm_id`` (and read ``.type`` for ``.full_type``), delete this module.
"""

from __future__ import annotations

from auditor import ids


class ArmId(ids.ArmId):
    """:class:`auditor.ids.ArmId` with the old name of its ``type``."""

    __slots__ = ()

    @property
    def full_type(self) -> str:
        """The resource type with namespace (old name of ``type``)."""
        return self.type


def parse_arm_id(text: str) -> ArmId:
    """Parse like :func:`auditor.ids.parse_arm_id` (which raises a ``ValueError`` subclass)."""
    arm = ids.parse_arm_id(text)
    return ArmId(arm.subscription_id, arm.resource_group_name, arm.namespace, arm.types, arm.names)
