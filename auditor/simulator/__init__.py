"""A local HTTPS Azure simulator serving a tenant described by a YAML or JSON file.

Real Azure SDK clients pointed at :attr:`Simulator.endpoint` (trusting :attr:`Simulator.ca_file`)
cannot tell it from Azure for the calls the auditor makes: subscriptions, Resource Graph (KQL),
ARM resource GETs and lists, Azure ML compute lists, and management-group descendants. See
``docs/tenant-file.md``.
"""

from __future__ import annotations

from auditor.simulator.server import Simulator
from auditor.simulator.service import RecordedRequest
from auditor.simulator.tenant import (
    Tenant,
    TenantError,
    load_tenant,
    parse_tenant,
    sample_tenant_path,
)

__all__ = [
    "RecordedRequest",
    "Simulator",
    "Tenant",
    "TenantError",
    "load_tenant",
    "parse_tenant",
    "sample_tenant_path",
]
