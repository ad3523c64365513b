"""No secret planted in what Azure returns reaches any output file or log line, debug included.

Each planted value is unique; the test looks for its secret part in every file the scan wrote
and in everything it logged with ``-v``. Secrets are planted by name (a property or tag whose name
says what it is) and by shape (a connection string, SAS URL, JWT or PEM block under an innocent
name), in every resource type and in an error message Azure sends back.
"""

import base64
import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.simulator_config import render_simulator_config
from tests.conftest import StartSimulator
from tests.faults.kit import resource_id, resources_with

pytestmark = pytest.mark.sim


def _token(label: str, length: int = 32) -> str:
    """A unique, key-looking secret for ``label`` (base64 of a hash, so it has mixed classes)."""
    digest = hashlib.sha512(label.encode()).digest() * 2
    return base64.b64encode(digest).decode()[:length]


def _storage_key(label: str) -> str:
    return base64.b64encode(hashlib.sha512(label.encode()).digest()).decode()  # 88 chars, ==


def _jwt(label: str) -> str:
    head = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(f'{{"oid":"{label}","aud":"x"}}'.encode()).decode()
    return (
        f"{head}.{body.rstrip('=')}.{_token(label + 'sig', 43).replace('+', '-').replace('/', '_')}"
    )


def _pem(label: str) -> tuple[str, str]:
    body = _token(label, 64)
    return f"-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----", body


class Planted:
    """Secrets to plant, and the part of each that must never be seen again."""

    def __init__(self) -> None:
        self.secrets: list[str] = []

    def raw(self, label: str) -> str:
        """A bare secret value (planted under a secret-looking name)."""
        value = f"Zq{_token(label, 30)}"
        self.secrets.append(value)
        return value

    def shaped(self, label: str, kind: str) -> str:
        """A value whose shape gives it away, whatever name it sits under."""
        key = _storage_key(label)
        sig = _token(label, 43).replace("+", "%2B").replace("/", "%2F") + "%3D"
        forms: dict[str, tuple[str, str]] = {
            "storage-connection": (
                f"DefaultEndpointsProtocol=https;AccountName=st{label};AccountKey={key};"
                "EndpointSuffix=core.windows.net",
                key,
            ),
            "service-bus": (
                f"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;"
                f"SharedAccessKey={key}",
                key,
            ),
            "sas-url": (f"https://st.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig={sig}", sig),
            "jwt": (_jwt(label), _jwt(label).split(".")[2]),
            "bearer": (f"Authorization: Bearer {_jwt(label)}", _jwt(label).split(".")[2]),
            "pem": _pem(label),
            "sql": (f"Server=tcp:db;Database=x;User ID=app;Password=Zq{_token(label, 20)};", ""),
            "account-key": (key, key),
        }
        value, secret = forms[kind]
        if kind == "sql":
            secret = value.split("Password=")[1].rstrip(";")
        self.secrets.append(secret)
        return value


def _plant_everywhere(planted: Planted) -> dict[str, Callable[[dict[str, Any]], None]]:
    def workspace(doc: dict[str, Any]) -> None:
        props = doc["properties"]
        props["sdkTelemetryAppInsightsKey"] = planted.raw("ws-telemetry")
        props["clientSecret"] = planted.raw("ws-client-secret")
        props["token"] = planted.raw("ws-token")
        props["apiKey"] = planted.raw("ws-api-key")
        props["accessKey"] = planted.raw("ws-access-key")
        props["storageConnection"] = planted.raw("ws-storage-connection")
        props["description"] = planted.shaped("wsdesc", "storage-connection")
        props["notebookInfo"] = {"resourceId": "x", "fqdn": planted.shaped("wsfqdn", "sas-url")}
        props["encryption"] = {
            "keyVaultProperties": {"keyIdentifier": planted.shaped("wskid", "sas-url")}
        }
        doc.setdefault("tags", {}).update(
            {
                "password": planted.raw("ws-tag-password"),
                "note": planted.shaped("wsnote", "storage-connection"),
                "owner-token": planted.shaped("wsowner", "jwt"),
                planted.shaped("wstagkey", "account-key")[:40]: "tag key that is a secret",
            }
        )

    def storage(doc: dict[str, Any]) -> None:
        props = doc["properties"]
        props["keys"] = [{"keyName": "key1", "value": planted.raw("st-key1-value")}]
        props["key1"] = planted.raw("st-key1")
        props["primaryEndpoints"] = {"blob": planted.shaped("stblob", "sas-url")}
        props["customDomain"] = {"name": planted.shaped("stdomain", "bearer")}
        doc.setdefault("tags", {}).update(
            {
                "conn": planted.shaped("sttag", "storage-connection"),
                "pem": planted.shaped("stpem", "pem"),
            }
        )

    def vault(doc: dict[str, Any]) -> None:
        props = doc["properties"]
        props["secretValue"] = planted.raw("kv-secret-value")
        props["vaultUri"] = planted.shaped("kvuri", "sas-url")
        props["accessPolicies"] = [
            {"tenantId": "t", "objectId": "o", "permissions": {"secrets": ["get"]},
             "applicationSecret": planted.raw("kv-app-secret")}
        ]  # fmt: skip
        doc.setdefault("tags", {}).update({"servicebus": planted.shaped("kvsb", "service-bus")})

    def registry(doc: dict[str, Any]) -> None:
        props = doc["properties"]
        props["credentials"] = {
            "username": "admin",
            "passwords": [
                {"name": "password", "value": planted.raw("acr-password-1")},
                {"name": "password2", "value": planted.raw("acr-password-2")},
            ],
        }
        props["adminPassword"] = planted.raw("acr-admin-password")
        props["loginServer"] = planted.shaped("acrlogin", "jwt")
        doc.setdefault("tags", {}).update({"sql": planted.shaped("acrsql", "sql")})

    def insights(doc: dict[str, Any]) -> None:
        props = doc["properties"]
        props["InstrumentationKey"] = planted.raw("appi-ikey")
        props["ConnectionString"] = planted.raw("appi-connection-string")
        props["apiKeys"] = [{"apiKey": planted.raw("appi-api-key"), "name": "read"}]
        doc.setdefault("tags", {}).update({"hidden-link": planted.shaped("appilink", "sas-url")})

    def compute(doc: dict[str, Any]) -> None:
        props = doc.setdefault("properties", {})
        props["adminUserPassword"] = planted.raw("ci-admin-user-password")
        inner = props.setdefault("properties", {})
        inner["administratorAccount"] = {
            "username": "azureuser",
            "adminUserPassword": planted.raw("ci-inner-admin-password"),
            "adminUserSshPublicKey": planted.shaped("cipem", "pem"),
        }
        inner["setupScripts"] = {
            "scripts": {
                "creationScript": {
                    "scriptSource": "inline",
                    "scriptData": base64.b64encode(
                        f"az login -p {planted.raw('ci-script-password')}".encode()
                    ).decode(),
                    "scriptArguments": f"--token {planted.raw('ci-script-arg-token')}",
                }
            }
        }
        inner["environmentVariables"] = {"DB": planted.shaped("cienv", "storage-connection")}
        doc.setdefault("tags", {}).update({"ssh-key": planted.shaped("citag", "pem")})

    def second_compute(doc: dict[str, Any]) -> None:
        props = doc.setdefault("properties", {})
        inner = props.setdefault("properties", {})
        inner["userAccountCredentials"] = {
            "adminUserName": "u",
            "adminUserPassword": planted.raw("aml-user-password"),
            "adminUserSshPublicKey": "ssh-rsa AAAA",
        }
        inner["customData"] = planted.raw("aml-custom-data")
        props["description"] = planted.shaped("amldesc", "bearer")

    def second_workspace(doc: dict[str, Any]) -> None:
        doc["identity"] = {**doc.get("identity", {}), "clientSecret": planted.raw("id-secret")}
        doc["sku"] = {**doc.get("sku", {}), "accessToken": planted.raw("sku-token")}
        doc["properties"]["datastoreCredentials"] = {"sasToken": planted.raw("ds-sas-token")}
        doc["properties"]["friendlyName"] = planted.shaped("fcname", "jwt")
        doc.setdefault("tags", {}).update(
            {"api_key": planted.raw("fc-tag-api-key"), "cs": planted.shaped("fccs", "service-bus")}
        )

    def second_storage(doc: dict[str, Any]) -> None:
        doc["properties"]["accountKey"] = planted.raw("fc-account-key")
        doc.setdefault("tags", {}).update({"sig": planted.shaped("fcsig", "sas-url")})

    def second_vault(doc: dict[str, Any]) -> None:
        doc["properties"]["privateKey"] = planted.shaped("fcpk", "pem")
        doc.setdefault("tags", {}).update({"passphrase": planted.raw("fc-passphrase")})

    return {
        "mlw-forecast-prod-weu": second_workspace,
        "stforecastprodweu": second_storage,
        "kv-forecast-prod-weu": second_vault,
        "mlw-fraud-prod-weu": workspace,
        "stfraudprodweu01": storage,
        "kv-fraud-prod-weu-01": vault,
        "crfraudprodweu01": registry,
        "appi-fraud-prod-weu": insights,
        "ci-fraud-priya": compute,
        "cpu-fraud-train": second_compute,
    }


def test_planted_secrets_reach_no_output_and_no_log_line(
    start_simulator: StartSimulator, sample_tenant_data: dict[str, Any], tmp_path: Path
) -> None:
    planted = Planted()
    resources = resources_with(sample_tenant_data, _plant_everywhere(planted))
    # An error body echoing a secret, as a misbehaving proxy or service might.
    error_secret = planted.shaped("errbody", "storage-connection")
    denied = resource_id(sample_tenant_data, "mlw-forecast-prod-weu") + "/computes"
    fault = {
        "path": f"^{denied}$",
        "status": 400,
        "body": {"error": {"code": "BadRequest", "message": f"bad connection {error_secret}"}},
    }
    secrets = [s for s in planted.secrets if s]
    assert len(secrets) >= 50
    sim = start_simulator(resources=resources, faults=[fault])
    config = tmp_path / "auditor.toml"
    config.write_text(render_simulator_config(sim.endpoint, sim.ca_file, sim.token))
    out = tmp_path / "out"
    completed = subprocess.run(
        [sys.executable, "-m", "auditor", "-v", "scan", "--config", str(config),
         "--out", str(out), "--fail-on", "none"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONUTF8": "1"},
    )  # fmt: skip
    # Partial (one computes list failed), and --fail-on none ignores that: exit 0.
    assert completed.returncode == 0, completed.stderr[-2000:]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"report.json", "report.html", "inventory.json", "costs.csv"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    texts["stdout"] = completed.stdout
    texts["log (stderr, -v)"] = completed.stderr
    assert "DEBUG" in completed.stderr  # the log really was at debug level
    leaks = [
        (name, secret[:12] + "…")
        for secret in secrets
        for name, text in texts.items()
        if secret in text
    ]
    assert leaks == [], leaks
    # What the rules need survived redaction: the planted workspace is still judged.
    assert "mlw-fraud-prod-weu" in texts["report.json"]
