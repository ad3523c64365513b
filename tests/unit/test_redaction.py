"""Secrets never reach the inventory, the reports or the logs: redaction by name and by shape.

``PLANTS`` hides secrets of every kind the issue lists in documents of every resource type the
auditor reads (workspace, storage, key vault, registry, Application Insights, compute), nested in
properties, in arrays, in tag values and in tag keys. Each must be gone from the collected resource,
and, served by the simulator, from every output file and every log line of a debug-level run.
"""

import base64
import copy
import io
import json
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.clock import FixedClock
from auditor.collect.documents import resource_from_document
from auditor.inventory.model import Resource
from auditor.json_types import get_path, has_path, thaw
from auditor.pipeline import prepare_rules, run_audit, write_outputs
from auditor.redaction import REDACTED, is_secret_name, redact_json, redact_tags, scrub_text
from tests.azure_examples import load_documents
from tests.conftest import StartSimulator, settings_for

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _b64(nbytes: int, seed: int) -> str:
    return base64.b64encode(random.Random(seed).randbytes(nbytes)).decode()


def _chars(alphabet: str, n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(n))


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
JWT = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0"
    ".c2lnbmF0dXJlLW9mLWEtcmVhbC10b2tlbi1nb2VzLWhlcmU"
)
PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj"
PEM = f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----"
SSH_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
SSH_KEY = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{SSH_BODY}\n-----END OPENSSH PRIVATE KEY-----"
WS, ST, KV, CR, AI, CP = "workspace", "storage", "vault", "registry", "insights", "compute"
SIG = "k3Hf%2BQm9ZpW0vLx7TnRc4YbE1sUo6aJd8Gq2Ni5Vy0%3D"
KEYS = [_b64(64, seed) for seed in range(8)]  # 88 characters, as storage and Cosmos DB keys
TOKENS = [_chars(ALNUM, 36, seed) for seed in range(8)]
PAT = _chars("abcdefghijklmnopqrstuvwxyz234567", 52, 1)
BLOB = "https://st.blob.core.windows.net/c"
SLACK = f"xoxb-{_chars('0123456789', 12, 2)}-{TOKENS[2][:24]}"
ENTRA = f"{TOKENS[3][:3]}8Q~{TOKENS[3][3:]}"  # an Entra ID client secret: 40 characters
SCRIPT = base64.b64encode(b"export DB=cp-script-49").decode()


@dataclass(frozen=True)
class Plant:
    """A secret planted at ``where`` in a document of ``kind``; ``secret`` must not survive."""

    kind: str
    where: tuple[str, ...]
    value: Any
    secret: str


_PREFIXES = {"p": ("properties",), "pp": ("properties", "properties"), "t": ("tags",)}


def _plant(kind: str, where: str, value: Any, secret: str | None = None) -> Plant:
    """``where`` is dotted, starting ``p.`` (properties), ``pp.`` (compute's inner) or ``t.``."""
    head, _, rest = where.partition(".")
    path = _PREFIXES[head] + (tuple(rest.split(".")) if head != "t" else (rest,))
    return Plant(kind, path, value, secret if secret is not None else str(value))


PLANTS = [
    # Workspace: by name, then by shape under names that say nothing, then in tags.
    _plant(WS, "p.sdkTelemetryAppInsightsKey", "3f0c9a7e-1d2b-4c5a-9e8f-7a6b5c4d3e21"),
    _plant(WS, "p.clientSecret", "ws-client-secret-plain-1"),
    _plant(WS, "p.token", "ws-plain-token-value-2"),
    _plant(WS, "p.apiKey", "ws-plain-api-key-3"),
    _plant(WS, "p.accessKey", "ws-plain-access-key-4"),
    _plant(WS, "p.key1", "ws-plain-key1-5"),
    _plant(WS, "p.storageConnection", "ws-plain-storage-connection-6"),
    _plant(WS, "p.encryption.keyVaultProperties.clientSecretValue", "ws-nested-7"),
    _plant(WS, "p.linkedServices", [{"name": "sql", "password": "ws-pw-8"}], "ws-pw-8"),
    _plant(WS, "p.notes", f"Authorization: Bearer {TOKENS[0]}", TOKENS[0]),
    _plant(WS, "p.exportUrl", f"{BLOB}?sv=2022-11-02&sig={SIG}&se=2030", SIG),
    _plant(WS, "t.deployKey", "ws-tag-by-name-12"),
    _plant(WS, "t.datastore", f"AccountName=st;AccountKey={KEYS[0]};", KEYS[0]),
    _plant(WS, f"t.AccountKey={KEYS[1]}", "the tag key holds the secret", KEYS[1]),
    # Storage account.
    _plant(ST, "p.keys", [{"keyName": "key1", "value": KEYS[2], "permissions": "FULL"}], KEYS[2]),
    _plant(ST, "p.key2", KEYS[3]),
    _plant(ST, "p.primaryConnectionString", "st-plain-connection-17"),
    _plant(ST, "p.sasToken", "st-plain-sas-18"),
    _plant(ST, "p.primaryEndpoints.backupMarker", KEYS[4]),
    _plant(ST, "p.primaryEndpoints.blobSasUrl", f"{BLOB}?sp=r&sig={SIG}Z", f"{SIG}Z"),
    _plant(ST, "p.customDomain.adminPwd", "st-nested-pwd-21"),
    _plant(ST, "t.owner-note", f"token is {JWT}", JWT),
    _plant(ST, "p.notes", f"SharedAccessKeyName=Root;SharedAccessKey={KEYS[5][:44]}", KEYS[5][:44]),
    # Key vault.
    _plant(KV, "p.accessPolicies", [{"applicationSecret": "kv-secret-24"}], "kv-secret-24"),
    _plant(KV, "p.secrets", [{"name": "db", "value": "kv-secret-list-25"}], "kv-secret-list-25"),
    _plant(KV, "p.certificateBundle", PEM, PEM_BODY),
    _plant(KV, "p.passphrase", "kv-plain-passphrase-27"),
    _plant(KV, "t.signingKey", "kv-tag-signing-key-28"),
    _plant(KV, "p.vaultNote", f"slack: {SLACK}", SLACK),
    _plant(KV, "p.owner", f"sp secret {ENTRA}", ENTRA),
    # Container registry.
    _plant(CR, "p.credentials", {"passwords": [{"name": "password", "value": "cr-31"}]}, "cr-31"),
    _plant(CR, "p.adminPassword", "cr-plain-admin-password-32"),
    _plant(CR, "p.webhookUri", "https://ci:cr-userinfo-33@hooks.example.com/x", "cr-userinfo-33"),
    _plant(CR, "p.githubToken", f"ghp_{TOKENS[4]}", TOKENS[4]),
    _plant(CR, "p.buildArgs", "--aws-key AKIAZ7Q3XJ5N2LD4WPKM --region eu", "AKIAZ7Q3XJ5N2LD4WPKM"),
    _plant(CR, "t.ci", f"glpat-{TOKENS[5][:20]}", TOKENS[5][:20]),
    _plant(CR, "p.passwords", ["cr-pw-list-37"], "cr-pw-list-37"),
    _plant(CR, "p.encryption.note", f"publish with npm_{TOKENS[6]}", TOKENS[6]),
    # Application Insights.
    _plant(AI, "p.InstrumentationKey", "9d1e3c5a-7b2f-4e6d-8c0a-1f3e5d7b9a20"),
    _plant(AI, "p.ConnectionString", "InstrumentationKey=ai-ik-40;IngestionEndpoint=x", "ai-ik-40"),
    _plant(AI, "p.APIKey", "ai-plain-api-key-41"),
    _plant(AI, "p.apiKeys", [{"name": "read", "apiKey": "ai-key-42"}], "ai-key-42"),
    _plant(
        AI, "p.webTestUrl", f"https://fn.example.net/api/ping?code={KEYS[6][:56]}", KEYS[6][:56]
    ),
    _plant(AI, "t.alerting", "client_secret=ai-tag-44&grant_type=client_credentials", "ai-tag-44"),
    _plant(AI, "p.HockeyAppToken", "ai-hockey-token-45"),
    _plant(AI, "p.Ver", f"sk-proj-{TOKENS[7]}{TOKENS[7]}", f"{TOKENS[7]}{TOKENS[7]}"),
    # Compute.
    _plant(CP, "pp.userAccountCredentials", {"adminUserPassword": "cp-pw-47"}, "cp-pw-47"),
    _plant(CP, "pp.adminPassword", "cp-plain-admin-password-48"),
    _plant(CP, "pp.setupScripts.scripts.creationScript.scriptData", SCRIPT),
    _plant(CP, "pp.setupScripts.scripts.startupScript.scriptArguments", "--pw cp-50", "cp-50"),
    _plant(
        CP, "pp.customServices", [{"environmentVariables": {"DB": {"value": "cp-51"}}}], "cp-51"
    ),
    _plant(CP, "pp.environmentVariables", {"HF_HOME": "cp-env-direct-52"}, "cp-env-direct-52"),
    _plant(CP, "pp.customData", "#cloud-config cp-custom-data-53", "cp-custom-data-53"),
    _plant(CP, "pp.dataMounts", [{"source": f"{BLOB}?sv=1&sig={SIG}Q"}], f"{SIG}Q"),
    _plant(CP, "p.description", f"build with {PAT}", PAT),
    _plant(CP, "t.sshPrivateKey", SSH_KEY, SSH_BODY),
    _plant(CP, "pp.credentials.passwords", [{"value": "cp-nested-pw-57"}], "cp-nested-pw-57"),
    _plant(CP, "pp.notes", "{'adminPassword': 'cp-repr-58', 'x': 1}", "cp-repr-58"),
    _plant(CP, "pp.cache", f"blob {KEYS[7]} set", KEYS[7]),
]

SUB = "/subscriptions/6a1f0c2e-8d4b-4f7a-9c3e-2b5d7f9a1c3e/resourceGroups/rg-ml/providers"
IDS = {
    WS: f"{SUB}/Microsoft.MachineLearningServices/workspaces/mlw-a",
    ST: f"{SUB}/Microsoft.Storage/storageAccounts/sta",
    KV: f"{SUB}/Microsoft.KeyVault/vaults/kv-a",
    CR: f"{SUB}/Microsoft.ContainerRegistry/registries/cra",
    AI: f"{SUB}/microsoft.insights/components/appi-a",
    CP: f"{SUB}/Microsoft.MachineLearningServices/workspaces/mlw-a/computes/ci-a",
}


def _put(doc: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    doc[path[-1]] = value


def _document(kind: str, plants: list[Plant]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": IDS[kind],
        "tags": {"environment": "prod"},
        "properties": {"publicNetworkAccess": "Disabled", "properties": {"vmSize": "D2"}},
    }
    for plant in plants:
        _put(doc, plant.where, plant.value)
    return doc


def test_plants_cover_fifty_secrets_in_every_resource_type_and_place() -> None:
    assert len(PLANTS) >= 50
    assert {p.kind for p in PLANTS} == set(IDS)
    assert {p.where[0] for p in PLANTS} == {"properties", "tags"}
    assert any(isinstance(p.value, list) for p in PLANTS)
    assert len({p.secret for p in PLANTS}) == len(PLANTS)


@pytest.mark.parametrize("plant", PLANTS, ids=[f"{p.kind}:{p.where[-1][:30]}" for p in PLANTS])
def test_a_planted_secret_is_gone_from_the_collected_resource(plant: Plant) -> None:
    resource = resource_from_document(_document(plant.kind, [plant]))
    text = json.dumps([resource.name, dict(resource.tags), thaw(resource.properties)])
    assert plant.secret not in text
    assert REDACTED in text
    # What rules read beside it is untouched.
    assert resource.prop("publicNetworkAccess") == "Disabled"
    assert resource.prop("properties", "vmSize") == "D2"
    assert resource.tags["environment"] == "prod"


REFERENCES = [
    "keyVault", "keyVaultProperties", "keyIdentifier", "keySource", "secretName", "secretUri",
    "allowSharedKeyAccess", "disableLocalAuth", "DisableLocalAuth", "privateEndpointConnections",
    "privateLinkServiceConnectionState", "tokenLifetime", "enableRbacAuthorization",
    "keyCreationTime", "sasPolicy", "minimumTlsVersion", "publicNetworkAccess", "networkAcls",
    "storageAccount", "applicationInsights", "containerRegistry", "adminUserEnabled",
    "systemDatastoresAuthMode", "remoteLoginPortPublicAccess", "sshSettings", "sshPublicAccess",
    "identity", "principalId", "tenantId", "clientId", "keyType", "keyvaulturi", "keyname",
    "SharedAccessKeyName", "adminPublicKey", "connectionStringName", "metadata", "key",
    "keyVaults", "tokenType", "computeInstanceAuthorizationType", "adminUserName",
]  # fmt: skip
SECRET_NAMES = [
    "adminUserPassword", "adminPassword", "passwords", "keys", "sdkTelemetryAppInsightsKey",
    "clientSecret", "token", "apiKey", "APIKey", "accessKey", "key1", "key2", "storageConnection",
    "scriptData", "scriptArguments", "customData", "userData", "InstrumentationKey",
    "ConnectionString", "primaryConnectionString", "credentials", "client_secret", "api-key",
    "pwd", "passphrase", "sasToken", "SASToken", "signature", "apikey", "accountkey",
    "secretValue", "secretvalue", "keyData", "Ocp-Apim-Subscription-Key", "PASSWORD",
    "protectedSettings", "primarymasterkey", "HockeyAppToken", "privateKey",
]  # fmt: skip


@pytest.mark.parametrize("name", REFERENCES)
def test_a_reference_name_is_not_a_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_name_is_recognised_by_its_last_word(name: str) -> None:
    assert is_secret_name(name)


LOOK_ALIKES = [
    "/subscriptions/74110aca-ce31-4926-b6b5-dae1e3359925/resourceGroups/rg-fraud-prod",
    f"{SUB}/Microsoft.ContainerRegistry/registries/crcontosomlprod001",
    f"{SUB}/Microsoft.MachineLearningServices/workspaces/mlw-a/computes/ci-a",
    "74110aca-ce31-4926-b6b5-dae1e3359925",
    "2024-02-12T09:14:03.5519024Z",
    "2024-02-12T09:14:03.5519024+00:00",
    "https://8e0fa45d-1ed6-4892-8cb6-28686b95815b.workspace.westeurope.api.azureml.ms/discovery",
    "https://ml.azure.com/?tid=5d7268ae&wsid=/subscriptions/x/workspaces/mlw",
    "azureml://westeurope.api.azureml.ms/mlflow/v1.0/subscriptions/x/resourceGroups/rg",
    "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3",  # certificate thumbprint (SHA-1)
    "9F86D081884C7D659A2FEAC0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",  # SHA-256 thumbprint
    "a20a62073e2d4a73b20da640aa6e96e2",
    "cctestvm_OsDisk_1_f71c14a140a14cdfbda8902e632fb8fb",
    "ContosoMachineLearningWorkspaceProd2024West",
    "Fraud-Detection-Production-West-Europe-2024",
    "accessKey", "identity", "Basic", "Standard_DS3_v2", "Disabled", "10.0.0.0/24",
    "user@contoso.com",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7VJTUt9Us8cKjMzEfYyjiWA4R4ypbMOrnK3 user@host",
    "Bearer authorization=\"https://login.windows.net/tenant\", resource=\"https://vault.azure.net\"",
    "Basic tier is enough; the token lifetime is 1h; see secretUri",
    "Card-fraud scoring models; production.",
]  # fmt: skip


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_a_look_alike_value_survives_unchanged(text: str) -> None:
    assert scrub_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"AccountName=st;AccountKey={KEYS[0]};Suffix=x",
            "AccountName=st;AccountKey=[redacted];Suffix=x",
        ),
        (f"{BLOB}?sv=2022-11-02&sig={SIG}&se=2030", f"{BLOB}?sv=2022-11-02&sig=[redacted]&se=2030"),
        (
            "Server=x;User ID=u;Password=p&ss w0rd;Encrypt=1",
            "Server=x;User ID=u;Password=[redacted];Encrypt=1",
        ),
        ("Data Source=x;Pwd=hunter2", "Data Source=x;Pwd=[redacted]"),
        (f"id {JWT} end", "id [redacted] end"),
        (f"key:\n{PEM}\nafter", "key:\n[redacted]\nafter"),
        (
            "https://fn.example.net/api/x?code=abc123==&name=y",
            "https://fn.example.net/api/x?code=[redacted]&name=y",
        ),
        ("curl -H 'Authorization: Bearer abc.def-123'", "curl -H 'Authorization: [redacted]'"),
        (f"token Bearer {TOKENS[0]} sent", "token Bearer [redacted] sent"),
        ("https://user:hunter2@host/x", "https://user:[redacted]@host/x"),
        (KEYS[1], REDACTED),
        (f"  {KEYS[1]}  ", REDACTED),
        ("[redacted]", "[redacted]"),
        ("password: [redacted]", "password: [redacted]"),
    ],
)
def test_scrubbing_replaces_only_the_secret_span(text: str, expected: str) -> None:
    assert scrub_text(text) == expected
    assert scrub_text(expected) == expected


def test_secret_names_keep_scalars_timestamps_and_references_keep_everything() -> None:
    storage = {
        "keyCreationTime": {"key1": "2024-02-12T09:14:03.5519024Z", "key2": None},
        "allowSharedKeyAccess": True,
        "encryption": {"keySource": "Microsoft.Storage", "services": {"blob": {"keyType": "A"}}},
        "keyPolicy": {"keyExpirationPeriodInDays": 90},
        "sasPolicy": {"sasExpirationPeriod": "1.00:00:00", "expirationAction": "Log"},
        "secretsEnabled": False, "adminPassword": None, "passwordCount": 2, "HockeyAppToken": "",
    }  # fmt: skip
    assert redact_json(storage) == storage


def test_vault_permission_verbs_are_kept_but_keys_elsewhere_are_not() -> None:
    policy = {"objectId": "o", "permissions": {"keys": ["get", "wrapKey"], "secrets": ["list"]}}
    assert redact_json({"accessPolicies": [policy]}) == {"accessPolicies": [policy]}
    listed = {"permissions": {"keys": [{"value": KEYS[0]}]}, "keys": ["get"]}
    assert redact_json(listed) == {"permissions": {"keys": REDACTED}, "keys": REDACTED}


def test_connection_is_secret_only_as_a_string_and_connections_never() -> None:
    doc = {
        "storageConnection": "Server=x",
        "connection": {"name": "blob", "target": "https://x"},
        "privateEndpointConnections": [{"properties": {"status": "Approved"}}],
    }  # fmt: skip
    assert redact_json(doc) == {**doc, "storageConnection": REDACTED}


def test_environment_variables_keep_names_and_types_not_values() -> None:
    doc = {
        "environmentVariables": {"DB_HOST": "db.internal", "MODE": {"type": "local", "value": "x"}},
        "env": [{"name": "A", "value": "secret-a"}],
    }
    assert redact_json(doc) == {
        "environmentVariables": {"DB_HOST": REDACTED, "MODE": {"type": "local", "value": REDACTED}},
        "env": [{"name": "A", "value": "secret-a"}],  # "env" alone is too common a name to judge
    }


def test_tags_are_scrubbed_by_key_and_by_value() -> None:
    tags = {
        "environment": "prod",
        "env": "prod",
        "adminPassword": "hunter2",
        "rotatedKey1": "2025-01-01T00:00:00Z",
        "note": f"AccountKey={KEYS[0]};",
        f"AccountKey={KEYS[1]}": "x",
    }
    assert redact_tags(tags) == {
        "environment": "prod",
        "env": "prod",
        "adminPassword": REDACTED,
        "rotatedKey1": "2025-01-01T00:00:00Z",
        "note": "AccountKey=[redacted];",
        "AccountKey=[redacted]": "x",
    }


def test_crafted_text_costs_linear_time() -> None:
    n = 100_000  # a quadratic pattern takes minutes on these, a linear one milliseconds
    crafted = [
        "eyJ" * (n // 3) + " =",
        "a" * n + " x://y@z",
        "=" + "Ab1+" * (n // 4) + ".",
        "-----BEGIN " + "A" * n,
        "password" + " " * n + "x",
        "Bearer " + "a1" * (n // 2),
        "abc1Q~" * (n // 6),
    ]
    started = time.perf_counter()
    for text in crafted:
        scrub_text(text)
    assert not is_secret_name("data" * (n // 4))  # and no recursion on a crafted name
    assert time.perf_counter() - started < 5


# Every property path (under ``properties``) a built-in rule, the engine or the report reads.
RULE_PATHS = [
    ("publicNetworkAccess",), ("allowPublicAccessWhenBehindVnet",), ("networkAcls",),
    ("networkRuleSet",), ("adminUserEnabled",), ("allowSharedKeyAccess",),
    ("systemDatastoresAuthMode",), ("DisableLocalAuth",), ("disableLocalAuth",),
    ("minimumTlsVersion",), ("supportsHttpsTrafficOnly",), ("allowBlobPublicAccess",),
    ("publicNetworkAccessForIngestion",), ("publicNetworkAccessForQuery",),
    ("properties", "remoteLoginPortPublicAccess"), ("properties", "subnet"),
    ("properties", "sshSettings"), ("privateEndpointConnections",), ("managedNetwork",),
    ("computeType",), ("storageAccount",), ("keyVault",), ("containerRegistry",),
    ("applicationInsights",), ("accessPolicies",), ("enableRbacAuthorization",),
]  # fmt: skip


def _changed(raw: Any, red: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths where the redacted copy differs from the raw value."""
    if isinstance(raw, dict) and isinstance(red, dict) and raw.keys() == red.keys():
        for key in raw:
            yield from _changed(raw[key], red[key], (*path, key))
    elif isinstance(raw, list) and isinstance(red, list) and len(raw) == len(red):
        for i, (a, b) in enumerate(zip(raw, red, strict=True)):
            yield from _changed(a, b, (*path, str(i)))
    elif raw != red:
        yield path


def test_real_payloads_keep_every_property_the_rules_read() -> None:
    read = 0
    for doc in load_documents():
        raw = doc.get("properties") or {}
        redacted = redact_json(raw)
        for path in RULE_PATHS:
            if has_path(raw, *path):
                read += 1
                assert get_path(redacted, *path) == get_path(raw, *path), (doc["id"], path)
    assert read >= 40


def test_real_payloads_lose_only_values_under_secret_names() -> None:
    lost = []
    for doc in load_documents():
        for path in _changed(doc, redact_json(doc)):
            assert any(is_secret_name(k) or k == "environmentVariables" for k in path), path
            lost.append(path[-1])
    # The recordings do carry App Insights keys: redaction is not vacuous here.
    assert "InstrumentationKey" in lost
    assert "ConnectionString" in lost


def _targets(resources: list[dict[str, Any]], workspace: str) -> dict[str, dict[str, Any]]:
    """The workspace named ``workspace``, the four resources it attaches and one of its computes."""
    by_key = {r["id"].lower(): r for r in resources}
    ws = next(r for r in resources if r["name"] == workspace)
    props = ws["properties"]
    compute = next(r for k, r in by_key.items() if k.startswith(f"{ws['id'].lower()}/computes/"))
    return {
        WS: ws,
        ST: by_key[props["storageAccount"].lower()],
        KV: by_key[props["keyVault"].lower()],
        CR: by_key[props["containerRegistry"].lower()],
        AI: by_key[props["applicationInsights"].lower()],
        CP: compute,
    }


@pytest.mark.sim
def test_planted_secrets_reach_no_output_file_and_no_debug_log_line(
    start_simulator: StartSimulator,
    sample_tenant_data: dict[str, Any],
    tmp_path: Path,
    debug_log: io.StringIO,
) -> None:
    resources = copy.deepcopy(sample_tenant_data["resources"])
    targets = _targets(resources, "mlw-fraud-prod-weu")
    for plant in PLANTS:
        _put(targets[plant.kind], plant.where, copy.deepcopy(plant.value))
    settings = settings_for(start_simulator(resources=resources))
    result = run_audit(settings, prepare_rules(settings, source="t"), FixedClock(NOW))
    write_outputs(result, tmp_path / "out")

    # Every planted document was collected, redacted: the test is not vacuous.
    ws = next(w for w in result.inventory.workspaces if w.name == "mlw-fraud-prod-weu")
    collected: dict[str, Resource | None] = {
        kind: result.inventory.get_resource(targets[kind]["id"]) for kind in (ST, KV, CR, AI)
    }
    collected[WS] = ws.resource
    collected[CP] = next(c for c in ws.computes or () if c.key == targets[CP]["id"].lower())
    for kind, resource in collected.items():
        assert resource is not None, kind
        assert REDACTED in json.dumps([dict(resource.tags), thaw(resource.properties)]), kind
    outputs = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.*")}
    assert {"inventory.json", "report.json", "report.html", "costs.csv"} <= set(outputs)
    outputs["log"] = debug_log.getvalue()
    leaks = [
        (p.kind, p.where[-1], f) for p in PLANTS for f, text in outputs.items() if p.secret in text
    ]
    assert leaks == []
