"""The guard every SDK client carries, and the deadline and capped waits (no network here)."""

import pytest

from auditor.azure_sdk.clients import allowed_origins
from auditor.azure_sdk.clouds import resolve_cloud
from auditor.azure_sdk.policies import Deadline, Origin, _is_read, _url_origin
from auditor.config import CloudSettings


def test_origins_of_the_public_cloud() -> None:
    origins = allowed_origins(resolve_cloud(CloudSettings()))
    assert Origin("management.azure.com", 443) in origins
    assert Origin("api.loganalytics.io", 443) in origins
    assert Origin("graph.microsoft.com", 443) in origins
    assert len(origins) == 3


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://management.azure.com/subscriptions", Origin("management.azure.com", 443)),
        ("https://Management.Azure.com:443/x", Origin("management.azure.com", 443)),
        ("https://127.0.0.1:8443/x", Origin("127.0.0.1", 8443)),
        ("http://management.azure.com/x", None),
        ("https://user:pw@management.azure.com/x", None),
        ("https://management.azure.com:notaport/x", None),
        ("/relative", None),
    ],
)
def test_url_origin(url: str, origin: Origin | None) -> None:
    assert _url_origin(url) == origin


@pytest.mark.parametrize(
    ("method", "url", "read"),
    [
        ("GET", "https://h/subscriptions/s/resourceGroups/rg", True),
        ("POST", "https://h/providers/Microsoft.ResourceGraph/resources?api-version=1", True),
        ("POST", "https://h/subscriptions/s/providers/Microsoft.CostManagement/query", True),
        ("POST", "https://h/v1/workspaces/guid/query", True),
        ("POST", "https://h/v1.0/directoryObjects/getByIds", True),
        ("POST", "https://h/subscriptions/s/providers/Microsoft.Storage/register", False),
        ("POST", "https://h/subscriptions/s/.../storageAccounts/st/listKeys", False),
        ("PUT", "https://h/subscriptions/s/resourceGroups/rg", False),
        ("PATCH", "https://h/subscriptions/s/resourceGroups/rg", False),
        ("DELETE", "https://h/subscriptions/s/resourceGroups/rg", False),
    ],
)
def test_only_reads_pass(method: str, url: str, read: bool) -> None:
    assert _is_read(method, url) is read


def test_deadline_counts_down() -> None:
    now = [100.0]
    deadline = Deadline(5, clock=lambda: now[0])
    assert deadline.remaining() == 5 and not deadline.expired()
    now[0] = 106.0
    assert deadline.remaining() == 0 and deadline.expired()
