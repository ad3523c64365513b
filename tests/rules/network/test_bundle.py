"""AML-NET-020: a private workspace whose attached resources are reachable from any network."""

from collections.abc import Mapping, Sequence

import pytest

from auditor.engine.api import Bundle
from auditor.findings import Status
from auditor.inventory.model import AttachedRole, LookupState, Resource
from tests.builders import (
    ABSENT,
    bundle,
    make_app_insights,
    make_container_registry,
    make_inventory,
    make_key_vault,
    make_storage_account,
    make_workspace,
)

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
ROLE = AttachedRole
PUBLIC_VAULT = make_key_vault(properties={"publicNetworkAccess": "Enabled", "networkAcls": ABSENT})
PUBLIC_STORAGE = make_storage_account(
    properties={"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}}
)
PUBLIC_REGISTRY = make_container_registry(
    properties={"publicNetworkAccess": "Enabled", "networkRuleSet": ABSENT},
    sku={"name": "Standard"},
)


def scenario(
    *,
    workspace: Mapping[str, object] | None = None,
    storage: Resource | None = None,
    vault: Resource | None = None,
    registry: Resource | None = None,
    insights: Resource | None = None,
    states: Mapping[AttachedRole, LookupState] | None = None,
) -> Bundle:
    """A bundle with compliant defaults, replacing the resources given.

    A resource whose state is not FOUND is left out of the inventory, as collection would.
    """
    states = states or {}
    resources: Sequence[tuple[AttachedRole, Resource]] = (
        (ROLE.STORAGE_ACCOUNT, storage or make_storage_account()),
        (ROLE.KEY_VAULT, vault or make_key_vault()),
        (ROLE.CONTAINER_REGISTRY, registry or make_container_registry()),
        (ROLE.APPLICATION_INSIGHTS, insights or make_app_insights()),
    )
    found = [r for role, r in resources if states.get(role, LookupState.FOUND) is LookupState.FOUND]
    ws = make_workspace(properties=workspace, states=states)
    return bundle(make_inventory(workspaces=(ws,), resources=found))


@pytest.mark.rule("AML-NET-020")
@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        pytest.param(scenario(), PASS, id="pass-all-private"),
        pytest.param(
            scenario(workspace={"publicNetworkAccess": "Enabled"}, vault=PUBLIC_VAULT),
            PASS,
            id="pass-public-workspace-covered-by-net-001",
        ),
        pytest.param(
            scenario(workspace={"allowPublicAccessWhenBehindVnet": True}, vault=PUBLIC_VAULT),
            PASS,
            id="pass-legacy-public-workspace",
        ),
        pytest.param(
            scenario(
                registry=PUBLIC_REGISTRY, states={ROLE.CONTAINER_REGISTRY: LookupState.NOT_FOUND}
            ),
            PASS,
            id="pass-deleted-registry-ignored",
        ),
        pytest.param(
            scenario(workspace={"containerRegistry": ABSENT}), PASS, id="pass-no-registry-named"
        ),
        pytest.param(
            scenario(
                insights=make_app_insights(properties={"publicNetworkAccessForQuery": "Enabled"})
            ),
            PASS,
            id="pass-public-app-insights-not-judged",
        ),
        pytest.param(
            scenario(states={ROLE.APPLICATION_INSIGHTS: LookupState.UNKNOWN}),
            PASS,
            id="pass-unreadable-app-insights-not-judged",
        ),
        pytest.param(scenario(vault=PUBLIC_VAULT), FAIL, id="fail-public-vault"),
        pytest.param(
            scenario(storage=PUBLIC_STORAGE, registry=PUBLIC_REGISTRY),
            FAIL,
            id="fail-storage-and-registry-exposed",
        ),
        pytest.param(
            scenario(vault=PUBLIC_VAULT, states={ROLE.STORAGE_ACCOUNT: LookupState.UNKNOWN}),
            FAIL,
            id="fail-exposure-decides-over-unreadable",
        ),
        pytest.param(
            scenario(workspace={"publicNetworkAccess": "disabled"}, vault=PUBLIC_VAULT),
            FAIL,
            id="fail-lowercase-disabled-workspace",
        ),
        pytest.param(
            scenario(states={ROLE.STORAGE_ACCOUNT: LookupState.UNKNOWN}),
            UNKNOWN,
            id="unknown-unreadable-storage",
        ),
        pytest.param(
            scenario(
                storage=make_storage_account(
                    properties={"publicNetworkAccess": "Enabled", "networkAcls": ABSENT}
                )
            ),
            UNKNOWN,
            id="unknown-storage-firewall-absent",
        ),
        pytest.param(
            scenario(workspace={"publicNetworkAccess": ABSENT}, vault=PUBLIC_VAULT),
            UNKNOWN,
            id="unknown-workspace-pna-absent",
        ),
    ],
)
def test_net_020(check, subject, expected):
    outcome = check("AML-NET-020", subject)
    assert outcome.status is expected
    assert "mlw-prod" in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_fail_names_the_vault(check):
    outcome = check("AML-NET-020", scenario(vault=PUBLIC_VAULT))
    assert "kv-ml-01" in outcome.message
    assert PUBLIC_VAULT.id in outcome.message
    assert "no networkAcls" in outcome.message
    (exposed,) = outcome.evidence["exposed"]
    assert exposed["id"] == PUBLIC_VAULT.id
    assert exposed["role"] == "key_vault"
    assert exposed["values"]["publicNetworkAccess"] == "Enabled"


@pytest.mark.rule("AML-NET-020")
def test_net_020_fail_names_each_exposed_resource(check):
    outcome = check("AML-NET-020", scenario(storage=PUBLIC_STORAGE, registry=PUBLIC_REGISTRY))
    assert "2 attached resource(s)" in outcome.message
    for resource in (PUBLIC_STORAGE, PUBLIC_REGISTRY):
        assert resource.id in outcome.message
    assert [e["name"] for e in outcome.evidence["exposed"]] == ["stml01", "crml01"]
    assert "kv-ml-01" not in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_finds_vault_named_with_other_casing(check):
    # Workspaces store the vault id as "Microsoft.Keyvault"; the join must ignore case.
    written = PUBLIC_VAULT.id.replace("Microsoft.KeyVault", "Microsoft.Keyvault")
    outcome = check("AML-NET-020", scenario(workspace={"keyVault": written}, vault=PUBLIC_VAULT))
    assert outcome.status is FAIL
    assert "kv-ml-01" in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_unknown_names_unreadable_storage(check):
    subject = scenario(states={ROLE.STORAGE_ACCOUNT: LookupState.UNKNOWN})
    outcome = check("AML-NET-020", subject)
    assert "stml01" in outcome.message
    assert "AuthorizationFailed" in outcome.message
    assert [e["role"] for e in outcome.evidence["undetermined"]] == ["storage_account"]


@pytest.mark.rule("AML-NET-020")
def test_net_020_public_workspace_points_to_net_001(check):
    outcome = check("AML-NET-020", scenario(workspace={"publicNetworkAccess": "Enabled"}))
    assert "AML-NET-001" in outcome.message


VAULT_WITHOUT_PROPERTIES = make_key_vault(has_properties=False)


@pytest.mark.rule("AML-NET-020")
@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        pytest.param(
            scenario(vault=VAULT_WITHOUT_PROPERTIES),
            UNKNOWN,
            id="unknown-vault-without-properties-is-not-public",
        ),
        pytest.param(
            scenario(storage=make_storage_account(has_properties=False)),
            UNKNOWN,
            id="unknown-storage-without-properties-is-not-private",
        ),
        pytest.param(
            scenario(vault=VAULT_WITHOUT_PROPERTIES, storage=PUBLIC_STORAGE),
            FAIL,
            id="fail-exposure-decides-over-vault-without-properties",
        ),
        pytest.param(
            scenario(vault=make_key_vault(properties={"networkAcls": "x"})),
            UNKNOWN,
            id="unknown-vault-acls-wrong-type",
        ),
        pytest.param(
            scenario(registry=make_container_registry(properties={"publicNetworkAccess": 1})),
            UNKNOWN,
            id="unknown-registry-pna-wrong-type",
        ),
        pytest.param(
            scenario(workspace={"allowPublicAccessWhenBehindVnet": "true"}),
            UNKNOWN,
            id="unknown-workspace-legacy-flag-string",
        ),
        pytest.param(
            scenario(workspace={"publicNetworkAccess": ["Disabled"]}, vault=PUBLIC_VAULT),
            UNKNOWN,
            id="unknown-workspace-pna-list",
        ),
        pytest.param(
            scenario(
                workspace={"allowPublicAccessWhenBehindVnet": 1},
                insights=make_app_insights(has_properties=False),
            ),
            UNKNOWN,
            id="unknown-legacy-flag-number",
        ),
        pytest.param(
            scenario(insights=make_app_insights(has_properties=False)),
            PASS,
            id="pass-app-insights-without-properties-not-judged",
        ),
    ],
)
def test_net_020_malformed_documents(check, subject, expected):
    outcome = check("AML-NET-020", subject)
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-020")
def test_net_020_vault_without_properties_says_so(check):
    outcome = check("AML-NET-020", scenario(vault=VAULT_WITHOUT_PROPERTIES))
    assert "kv-ml-01" in outcome.message
    assert "no properties object" in outcome.message
    assert outcome.evidence["exposed"] == ()
    (entry,) = outcome.evidence["undetermined"]
    assert entry["role"] == "key_vault"
    assert entry["id"] == VAULT_WITHOUT_PROPERTIES.id
