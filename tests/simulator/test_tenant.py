"""Tenant file loading and validation."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.simulator import Tenant, TenantError, load_tenant, parse_tenant, sample_tenant_path
from tests.simulator.simkit import SUB_A, WS_ID, small_tenant

DOC = Path(__file__).resolve().parents[2] / "docs" / "tenant-file.md"


def test_small_tenant_parses_into_an_immutable_model() -> None:
    tenant = parse_tenant(small_tenant(), source="t")
    assert isinstance(tenant, Tenant)
    assert tenant.arm.page_size == 2
    assert tenant.subscriptions[0].management_groups == ("mg-ml", "mg-root")
    assert tenant.resources[0].arm_id.name == "ws1"
    # The assignment the type checker refuses (Tenant is frozen), tried at run time.
    field = "tenant_id"
    with pytest.raises(AttributeError):
        setattr(tenant, field, "x")


def test_defaults_apply_when_optional_sections_are_absent() -> None:
    data = small_tenant()
    for key in ("principal", "access", "resource_graph", "arm"):
        del data[key]
    tenant = parse_tenant(data, source="t")
    assert (tenant.resource_graph.quota, tenant.resource_graph.window_seconds) == (15, 5.0)
    assert tenant.resource_graph.default_page_size == 100
    assert tenant.arm.page_size == 100
    assert tenant.denied == ()


def test_documents_are_copied_not_shared() -> None:
    data = small_tenant()
    tenant = parse_tenant(data, source="t")
    data["resources"][0]["name"] = "changed"
    assert tenant.resources[0].document["name"] == "ws1"


def _error(data: Any) -> str:
    with pytest.raises(TenantError) as info:
        parse_tenant(data, source="bad.yaml")
    return str(info.value)


def _mutated(change: Any) -> dict[str, Any]:
    data = small_tenant()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("tenant_id"), "bad.yaml: tenant_id: is required"),
        (lambda d: d.update(tenant_id="nope"), "bad.yaml: tenant_id: 'nope' does not match"),
        (lambda d: d["resources"][0].update(id="/subscriptions/x"), "bad.yaml: resources[0].id: "),
        (lambda d: d["resources"][3].pop("type"), "bad.yaml: resources[3].type: is required"),
        (lambda d: d.update(extra=1), "bad.yaml: extra: is not a known key"),
        (lambda d: d["subscriptions"][1].update(state="On"), "bad.yaml: subscriptions[1].state:"),
        (lambda d: d["arm"].update(page_size=0), "bad.yaml: arm.page_size:"),
        (lambda d: d.update(faults=[{"path": "("}]), "bad.yaml: faults[0].path: invalid regex"),
        (
            lambda d: d.update(faults=[{"path": "x", "body": {}, "raw_body": "y"}]),
            "bad.yaml: faults[0]:",
        ),
    ],
)
def test_invalid_tenants_name_the_path(change: Any, expected: str) -> None:
    assert _error(_mutated(change)).startswith(expected)


def test_resource_id_that_is_not_an_arm_id_is_rejected() -> None:
    data = _mutated(lambda d: d["resources"][2].update(id="/subscriptions/abc/resourceGroups/rg"))
    message = _error(data)
    assert message.startswith("bad.yaml: resources[2].id: '/subscriptions/abc/resourceGroups/rg'")
    assert "not an ARM resource id" in message


def test_resource_in_an_unlisted_subscription_is_rejected() -> None:
    other = "99999999-9999-4999-8999-999999999999"
    data = _mutated(
        lambda d: d["resources"][1].update(id=d["resources"][1]["id"].replace(SUB_A, other))
    )
    assert _error(data) == (
        f"bad.yaml: resources[1].id: subscription '{other}' is not in subscriptions"
    )


def test_duplicate_ids_are_found_case_insensitively() -> None:
    data = small_tenant()
    twin = copy.deepcopy(data["resources"][0])
    twin["id"] = WS_ID.upper().replace("/SUBSCRIPTIONS/", "/subscriptions/")
    data["resources"].append(twin)
    index = len(data["resources"]) - 1
    assert _error(data).startswith(f"bad.yaml: resources[{index}].id: duplicate of resources[0].id")


def test_type_must_match_the_id() -> None:
    data = _mutated(lambda d: d["resources"][1].update(type="Microsoft.Storage/other"))
    assert _error(data).startswith("bad.yaml: resources[1].type: 'Microsoft.Storage/other'")


def test_yaml_keeps_strings_that_yaml_1_1_would_convert(tmp_path: Path) -> None:
    data = small_tenant()
    data["resources"][0]["properties"].update(
        {"created": "2022-08-31", "spending": "Off", "code": "0123"}
    )
    text = yaml.safe_dump(data).replace("'2022-08-31'", "2022-08-31").replace("'Off'", "Off")
    text = text.replace("'0123'", "0123")
    path = tmp_path / "tenant.yaml"
    path.write_text(text)
    props = load_tenant(path).resources[0].document["properties"]
    assert props["created"] == "2022-08-31"
    assert props["spending"] == "Off"
    assert props["code"] == "0123"


def test_json_and_yaml_files_load_the_same(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(json.dumps(small_tenant()))
    (tmp_path / "t.yml").write_text(yaml.safe_dump(small_tenant()))
    assert load_tenant(tmp_path / "t.json").resources == load_tenant(tmp_path / "t.yml").resources


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("tenant_id: [unclosed")
    with pytest.raises(TenantError, match=r"^broken\.yaml: not valid YAML"):
        load_tenant(bad)
    other = tmp_path / "tenant.toml"
    other.write_text("")
    with pytest.raises(TenantError, match=r"^tenant\.toml: unknown suffix"):
        load_tenant(other)
    with pytest.raises(TenantError, match=r"^missing\.yaml: cannot read"):
        load_tenant(tmp_path / "missing.yaml")


def test_fault_example_in_the_format_doc_is_valid() -> None:
    if not DOC.exists():
        pytest.skip("docs/tenant-file.md is not in this checkout")
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    fault_block = next(b for b in blocks if b.startswith("faults:"))
    data = small_tenant()
    data.update(yaml.safe_load(fault_block))
    tenant = parse_tenant(data, source="doc")
    assert tenant.faults[0].status == 429
    assert tenant.faults[0].path.search("/PROVIDERS/Microsoft.ResourceGraph/resources")


def test_sample_tenant_is_valid() -> None:
    path = sample_tenant_path()
    assert path.name == "sample.yaml"
    assert path.parent.name == "tenants"
    if not path.exists() or not path.read_text().strip():
        pytest.skip("the sample tenant has not been written yet")
    tenant = load_tenant(path)
    assert tenant.resources, "the sample tenant should hold resources"
