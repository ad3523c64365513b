"""Typed reads for rule authors: present, absent (missing or null) and wrong type kept apart."""

import pytest

from auditor.engine.api import read_bool, read_list, read_object, read_text, wrong_types
from auditor.engine.reading import render
from tests.builders import make_resource, make_storage_account

ACCOUNT = make_storage_account(
    properties={
        "allowBlobPublicAccess": "true",
        "networkAcls": {"defaultAction": "Deny", "ipRules": []},
        "publicNetworkAccess": None,
    }
)


def test_present_value_of_the_right_type() -> None:
    read = read_text(ACCOUNT, "networkAcls", "defaultAction")
    assert (read.state, read.value, read.shown) == ("present", "Deny", "Deny")
    assert read.problem is None
    assert read.describe() == "Deny"


@pytest.mark.parametrize(
    "path",
    [("publicNetworkAccess",), ("noSuchProperty",), ("encryption", "services", "blob")],
    ids=["null", "missing", "missing-parent"],
)
def test_missing_or_null_is_absent(path: tuple[str, ...]) -> None:
    read = read_text(ACCOUNT, *path)
    assert read.absent
    assert read.value is None
    assert read.shown is None
    assert read.describe() == "absent"


def test_wrong_type_says_what_was_found_and_what_was_expected() -> None:
    read = read_bool(ACCOUNT, "allowBlobPublicAccess")
    assert read.wrong_type
    assert read.value is None
    assert read.problem == 'allowBlobPublicAccess: "true" (a string, expected a boolean)'
    assert read.shown == '"true" (a string, expected a boolean)'


def test_wrong_type_of_a_parent_names_the_parent() -> None:
    account = make_storage_account(properties={"networkAcls": ["Deny"]})
    read = read_text(account, "networkAcls", "defaultAction")
    assert read.wrong_type
    assert read.at == "networkAcls"
    assert read.problem == 'networkAcls: ["Deny"] (a list, expected an object)'
    assert read.describe().startswith("unreadable (networkAcls: ")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "a boolean"), (0, "a number"), (1.5, "a number"), ({}, "an object"), ([], "a list")],
)
def test_text_read_names_each_json_type(value: object, expected: str) -> None:
    read = read_text(make_resource(type="T/t", name="r", properties={"v": value}), "v")
    assert f"({expected}, expected a string)" in read.describe()


def test_object_and_list_reads() -> None:
    assert read_object(ACCOUNT, "networkAcls").present
    assert read_list(ACCOUNT, "networkAcls", "ipRules").value == ()
    assert read_list(ACCOUNT, "networkAcls").wrong_type


def test_reads_of_plain_json_values_use_the_prefix() -> None:
    read = read_text({"name": 1}, "name", prefix="sku")
    assert read.problem == "sku.name: 1 (a number, expected a string)"
    assert read_text(None, "name", prefix="sku").absent


def test_wrong_types_lists_a_shared_parent_once() -> None:
    account = make_storage_account(properties={"networkAcls": "x"})
    reads = (read_object(account, "networkAcls"), read_text(account, "networkAcls", "x"))
    assert wrong_types(*reads) == ['networkAcls: "x" (a string, expected an object)']


def test_render_is_short_escaped_and_bounded() -> None:
    assert render("true") == '"true"'
    assert render(["Deny"]) == '["Deny"]'
    assert render("\u202eevil") == '"\\u202eevil"'
    assert len(render("x" * 10_000)) <= 80
    deep: object = "bottom"
    for _ in range(500):
        deep = [deep]
    assert render(deep) == "[[[...]]]"
    assert render(list(range(100))) == "[0, 1, 2, 3, ...]"


# Absent properties with a documented Azure default (auditor/engine/defaults.py).

STORAGE = "Microsoft.Storage/storageAccounts"
VAULT = "Microsoft.KeyVault/vaults"


def test_missing_property_reads_as_the_documented_default() -> None:
    account = make_resource(type=STORAGE, name="st", properties={})
    read = read_text(account, "minimumTlsVersion")
    assert (read.state, read.value) == ("default", "TLS1_0")
    assert read.defaulted and not read.absent and not read.present
    assert read.found is None
    assert read.describe() == 'absent; Azure default "TLS1_0"'
    assert read.shown == 'absent; Azure default "TLS1_0"'
    assert read.source is not None and read.source.source.startswith("https://github.com/")


def test_null_property_reads_as_the_documented_default() -> None:
    account = make_resource(type=STORAGE, name="st", properties={"supportsHttpsTrafficOnly": None})
    read = read_bool(account, "supportsHttpsTrafficOnly")
    assert (read.state, read.value, read.shown) == ("default", True, "absent; Azure default true")


def test_type_is_matched_without_case() -> None:
    account = make_resource(type=STORAGE.lower(), name="st", properties={})
    assert read_bool(account, "allowSharedKeyAccess").value is True


def test_wrong_type_is_never_replaced_by_a_default() -> None:
    account = make_resource(type=STORAGE, name="st", properties={"minimumTlsVersion": 12})
    read = read_text(account, "minimumTlsVersion")
    assert read.wrong_type
    assert read.value is None


def test_wrong_typed_parent_is_never_replaced_by_a_default() -> None:
    vault = make_resource(type=VAULT, name="kv", properties={"networkAcls": "x"})
    assert read_text(vault, "networkAcls", "defaultAction").wrong_type


def test_object_default_stands_for_its_children_only_when_it_is_missing() -> None:
    no_acls = make_resource(type=VAULT, name="kv", properties={})
    read = read_text(no_acls, "networkAcls", "defaultAction")
    assert (read.state, read.value) == ("default", "Allow")
    assert read.source is not None and read.source.dotted == "networkAcls"
    acls_without_action = make_resource(
        type=VAULT, name="kv", properties={"networkAcls": {"bypass": "AzureServices"}}
    )
    assert read_text(acls_without_action, "networkAcls", "defaultAction").absent


def test_property_without_a_documented_default_stays_absent() -> None:
    account = make_resource(type=STORAGE, name="st", properties={})
    assert read_bool(account, "allowBlobPublicAccess").absent
    assert read_text(make_resource(type="T/t", name="r"), "minimumTlsVersion").absent


def test_documented_absence_without_a_value_stays_absent() -> None:
    compute = make_resource(
        type="Microsoft.MachineLearningServices/workspaces/computes", name="ci", properties={}
    )
    assert read_text(compute, "properties", "idleTimeBeforeShutdown").absent


def test_document_without_properties_gets_no_defaults() -> None:
    account = make_resource(type=STORAGE, name="st", has_properties=False)
    assert read_text(account, "minimumTlsVersion").absent


def test_plain_json_values_get_no_defaults() -> None:
    assert read_text({}, "minimumTlsVersion").absent


def test_default_of_another_json_type_is_not_returned() -> None:
    # The table holds a string: a boolean read of the same path gets no default.
    account = make_resource(type=STORAGE, name="st", properties={})
    assert read_bool(account, "minimumTlsVersion").absent


@pytest.mark.parametrize(
    ("value", "state"),
    [(7, "present"), (2.5, "present"), (True, "wrong_type"), ("7", "wrong_type"), (None, "absent")],
)
def test_number_read_refuses_booleans_and_strings(value: object, state: str) -> None:
    from auditor.engine.reading import read_number

    resource = make_resource(type="T/t", name="r", properties={"days": value})
    assert read_number(resource, "days").state == state
