"""ARM id parsing and the case-insensitive key."""

import pytest

from auditor.ids import InvalidResourceIdError, is_under, parse_resource_id, resource_key


def test_parse_child_resource() -> None:
    rid = parse_resource_id(
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices"
        "/workspaces/ws/computes/ci1"
    )
    assert rid.subscription_id == "s1"
    assert rid.resource_group_name == "rg"
    assert rid.type == "Microsoft.MachineLearningServices/workspaces/computes"
    assert rid.name == "ci1"


@pytest.mark.parametrize(
    "bad", ["", "/subscriptions/s1", "/subscriptions/s1/resourceGroups/rg/providers/X/y", "abc"]
)
def test_rejects_non_ids(bad: str) -> None:
    with pytest.raises(InvalidResourceIdError):
        parse_resource_id(bad)


def test_key_and_is_under_ignore_case() -> None:
    a = "/subscriptions/S1/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/KV/"
    b = "/subscriptions/s1/resourcegroups/rg/providers/microsoft.keyvault/vaults/kv"
    assert resource_key(a) == resource_key(b)
    assert is_under(b + "/secrets/x", a)
    assert not is_under(b + "2", a)


_TAIL = "resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"


@pytest.mark.parametrize(
    "planted",
    [
        f"https://127.0.0.2:8443/subscriptions/s/{_TAIL}",
        f"//evil.example/subscriptions/s/{_TAIL}",
        f" /subscriptions/s/{_TAIL}",
        f"subscriptions/s/{_TAIL}",
        f"/subscriptions/s/{_TAIL}?x=1",
        f"/subscriptions/s/{_TAIL}#f",
        f"/subscriptions/s/{_TAIL}%2F..",
        "/subscriptions/s/resourceGroups/../providers/Microsoft.Storage/storageAccounts/st",
        "/subscriptions/s/resourceGroups/./providers/Microsoft.Storage/storageAccounts/st",
        "/subscriptions/s/resourceGroups/r\u202eg/providers/Microsoft.Storage/storageAccounts/st",
        "/subscriptions/s/resourceGroups/r\ng/providers/Microsoft.Storage/storageAccounts/st",
        f"/subscriptions/s//{_TAIL}",
        "/subscriptions/s/" + "x" * 3000,
    ],
)
def test_rejects_ids_that_would_change_a_request(planted: str) -> None:
    # The auditor builds request URLs from ids: none of these may become a request path.
    with pytest.raises(InvalidResourceIdError):
        parse_resource_id(planted)


@pytest.mark.parametrize(
    "real",
    [
        f"/subscriptions/subid/{_TAIL}",
        f"/subscriptions/s/{_TAIL}/",
        "/subscriptions/s/resourceGroups/rg (prod)/providers/microsoft.insights/components/App 1",
        "/subscriptions/s/resourceGroups/grupo-producción/providers/Microsoft.KeyVault/vaults/kv",
    ],
)
def test_accepts_real_ids(real: str) -> None:
    assert parse_resource_id(real).name
