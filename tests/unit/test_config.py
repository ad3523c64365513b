"""Configuration loading: good files load, bad ones name the file, the key and the problem."""

from datetime import date
from pathlib import Path

import pytest

from auditor.azure_sdk.clouds import resolve_cloud
from auditor.config import CloudName, ConfigError, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "auditor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""))
    assert settings.cloud.name is CloudName.AZURE_CLOUD
    assert settings.credential.type.value == "default"
    assert settings.schedule.cron == "0 2 * * *"
    assert settings.scope.subscriptions == ()


def test_full_file_loads_and_resolves_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    path = write(
        tmp_path,
        """
[cloud]
name = "custom"
resource_manager = "https://127.0.0.1:8443"
ca_file = "ca.pem"

[credential]
type = "static_token"
token = "t"

[scope]
subscriptions = ["00000000-0000-0000-0000-000000000001"]

[rules]
folders = ["my-rules"]

[rules.overrides."AML-NET-003"]
severity = "low"

[[waivers]]
rule_id = "AML-NET-001"
resource = "/subscriptions/*/resourceGroups/rg-lab/*"
reason = "lab workspace, no data"
owner = "ml-platform@example.com"
expires = 2027-01-31

[[budgets]]
tag = "project=churn"
amount = 1200
""",
    )
    settings = load_settings(path)
    assert settings.cloud.ca_file == tmp_path / "ca.pem"
    assert settings.rules.folders == (tmp_path / "my-rules",)
    assert settings.waivers[0].expires == date(2027, 1, 31)
    assert settings.rules.overrides["AML-NET-003"].severity is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[scope]\nsubscription = []\n", "scope.subscription: unknown key", id="typo"),
        pytest.param("[collection]\nmax_workers = 'x'\n", "collection.max_workers", id="type"),
        pytest.param("[cloud]\nname = 'custom'\n", "resource_manager", id="custom-no-arm"),
        pytest.param("[credential]\ntype = 'static_token'\n", "needs token", id="no-token"),
        pytest.param("[[budgets]]\namount = 5\n", "exactly one of", id="budget-target"),
        pytest.param("[cloud]\nresource_manager = 'http://x'\n", "https://", id="plain-http"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[cloud\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("name", "arm"),
    [
        ("AzureCloud", "https://management.azure.com"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn"),
        ("AzureUSGovernment", "https://management.usgovcloudapi.net"),
    ],
)
def test_clouds_resolve_to_their_endpoints(tmp_path: Path, name: str, arm: str) -> None:
    cloud = resolve_cloud(load_settings(write(tmp_path, f"[cloud]\nname = '{name}'\n")).cloud)
    assert cloud.resource_manager == arm
    assert cloud.arm_scope == arm + "/.default"


def test_every_endpoint_must_be_https(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[cloud]
name = "custom"
resource_manager = "https://127.0.0.1:8443"
microsoft_graph = "http://127.0.0.1:8443"
""",
    )
    with pytest.raises(ConfigError, match="must be an https:// URL"):
        load_settings(path)
