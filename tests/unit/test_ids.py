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
