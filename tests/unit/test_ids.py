"""ARM id parsing and the case-insensitive key."""

import pytest

from auditor.ids import (
    InvalidResourceIdError,
    is_management_group_name,
    is_under,
    last_segment,
    management_group_id,
    parse_arm_id,
    parse_management_group_id,
    parse_resource_id,
    resource_key,
)


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


def test_arm_id_of_a_subscription_level_resource() -> None:
    rid = parse_arm_id("/subscriptions/s1/providers/Microsoft.Insights/diagnosticSettings/ds1")
    assert rid.resource_group_name is None
    assert rid.type == "Microsoft.Insights/diagnosticSettings"
    assert rid.name == "ds1"
    assert rid.text == "/subscriptions/s1/providers/Microsoft.Insights/diagnosticSettings/ds1"
    with pytest.raises(InvalidResourceIdError, match="not in a resource group"):
        parse_resource_id(rid.text)


def test_arm_id_of_a_child_resource_knows_its_parent() -> None:
    text = (
        "/subscriptions/S1/resourcegroups/RG/providers/Microsoft.MachineLearningServices"
        "/workspaces/ws/computes/ci1"
    )
    rid = parse_arm_id(text)
    assert (rid.types, rid.names) == (("workspaces", "computes"), ("ws", "ci1"))
    assert rid.qualified_name == "Microsoft.MachineLearningServices/workspaces/ws/computes/ci1"
    # Rebuilt with the canonical keyword casing; the key compares equal to the text as written.
    assert rid.text.startswith("/subscriptions/S1/resourceGroups/RG/providers/")
    assert rid.key == resource_key(text)
    parent = rid.parent
    assert parent is not None and parent.name == "ws" and parent.parent is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("subscriptions/s/providers/A.B/c/d", "does not start with '/'"),
        ("/tenants/t/providers/A.B/c/d", "does not start with /subscriptions/{id}"),
        ("/subscriptions/s/resourceGroups", "has no resource group name"),
        ("/subscriptions/s/resourceGroups/rg/providers/A.B/c", "has no /providers/"),
        ("/subscriptions/s/resourceGroups/rg/providers/A.B/c/d/e", "ends with a type"),
        ("/subscriptions/s/resourceGroups/rg/providers/A.B/c/d/providers/X.Y/z/w", "extension"),
        ("/subscriptions/s/providers/A.B/c/d%2F..", "unsafe in a URL"),
    ],
)
def test_arm_id_refusals_say_why(bad: str, reason: str) -> None:
    with pytest.raises(InvalidResourceIdError) as info:
        parse_arm_id(bad)
    assert reason in info.value.reason
    assert reason in str(info.value)


@pytest.mark.parametrize("planted", [f"https://127.0.0.2:8443/subscriptions/s/{_TAIL}", "x" * 3000])
def test_arm_id_is_as_strict_as_resource_id(planted: str) -> None:
    with pytest.raises(InvalidResourceIdError):
        parse_arm_id(planted)


def test_management_group_ids() -> None:
    mg = "/providers/Microsoft.Management/managementGroups/mg-ml.prod_(1)"
    assert management_group_id("mg-ml.prod_(1)") == mg
    assert parse_management_group_id(mg.lower()) == "mg-ml.prod_(1)"
    assert parse_management_group_id(mg + "/") == "mg-ml.prod_(1)"
    for bad in ("", "a" * 91, "ends.", "a/b", "a b", "../x", "ü"):
        assert not is_management_group_name(bad), bad
        with pytest.raises(InvalidResourceIdError):
            management_group_id(bad)
    for bad_id in (
        "/providers/Microsoft.Management/managementGroups",
        "/providers/Microsoft.Management/managementGroups/a/descendants",
        "/providers/Microsoft.Storage/storageAccounts/a",
        "/subscriptions/s",
    ):
        with pytest.raises(InvalidResourceIdError):
            parse_management_group_id(bad_id)


@pytest.mark.parametrize(
    ("resource_id", "name"),
    [
        ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1", "kv-1"),
        ("/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1/", "kv-1"),
        ("/providers/Microsoft.Management/managementGroups/mg", "mg"),
        ("not an id", "not an id"),
        ("", ""),
    ],
)
def test_last_segment_is_the_display_name(resource_id: str, name: str) -> None:
    assert last_segment(resource_id) == name
