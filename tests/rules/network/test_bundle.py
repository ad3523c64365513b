"""AML-NET-020: a private workspace whose attached resources are reachable from any network."""

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest

from auditor.collect.attached import attached_refs_named
from auditor.engine.api import Bundle
from auditor.findings import Status
from auditor.inventory.model import AttachedRef, AttachedRole, LookupState, Resource
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
from tests.json_shapes import as_object, as_objects
from tests.rules.conftest import CheckRule

PASS, FAIL, UNKNOWN = Status.PASS, Status.FAIL, Status.UNKNOWN
NOT_APPLICABLE = Status.NOT_APPLICABLE
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
            NOT_APPLICABLE,
            id="not-applicable-public-workspace-covered-by-net-001",
        ),
        pytest.param(
            scenario(workspace={"allowPublicAccessWhenBehindVnet": True}, vault=PUBLIC_VAULT),
            NOT_APPLICABLE,
            id="not-applicable-legacy-public-workspace",
        ),
        pytest.param(
            scenario(
                workspace={
                    "publicNetworkAccess": "Disabled",
                    "allowPublicAccessWhenBehindVnet": True,
                },
                vault=PUBLIC_VAULT,
            ),
            NOT_APPLICABLE,
            id="not-applicable-disabled-but-legacy-flag-reopens-it",
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
            FAIL,
            id="fail-storage-firewall-absent-reads-allow",
        ),
        pytest.param(
            scenario(workspace={"publicNetworkAccess": ABSENT}, vault=PUBLIC_VAULT),
            UNKNOWN,
            id="unknown-workspace-pna-absent",
        ),
    ],
)
def test_net_020(check: CheckRule, subject: Bundle, expected: Status) -> None:
    outcome = check("AML-NET-020", subject)
    assert outcome is not None
    assert outcome.status is expected
    assert "mlw-prod" in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_fail_names_the_vault(check: CheckRule) -> None:
    outcome = check("AML-NET-020", scenario(vault=PUBLIC_VAULT))
    assert outcome is not None
    assert "kv-ml-01" in outcome.message
    assert PUBLIC_VAULT.id in outcome.message
    assert "no networkAcls" in outcome.message
    (exposed,) = as_objects(outcome.evidence["exposed"])
    assert exposed["id"] == PUBLIC_VAULT.id
    assert exposed["role"] == "key_vault"
    assert as_object(exposed["values"])["publicNetworkAccess"] == "Enabled"


@pytest.mark.rule("AML-NET-020")
def test_net_020_fail_names_each_exposed_resource(check: CheckRule) -> None:
    outcome = check("AML-NET-020", scenario(storage=PUBLIC_STORAGE, registry=PUBLIC_REGISTRY))
    assert outcome is not None
    assert "2 attached resource(s)" in outcome.message
    for resource in (PUBLIC_STORAGE, PUBLIC_REGISTRY):
        assert resource.id in outcome.message
    assert [e["name"] for e in as_objects(outcome.evidence["exposed"])] == ["stml01", "crml01"]
    assert "kv-ml-01" not in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_finds_vault_named_with_other_casing(check: CheckRule) -> None:
    # Workspaces store the vault id as "Microsoft.Keyvault"; the join must ignore case.
    written = PUBLIC_VAULT.id.replace("Microsoft.KeyVault", "Microsoft.Keyvault")
    outcome = check("AML-NET-020", scenario(workspace={"keyVault": written}, vault=PUBLIC_VAULT))
    assert outcome is not None
    assert outcome.status is FAIL
    assert "kv-ml-01" in outcome.message


@pytest.mark.rule("AML-NET-020")
def test_net_020_unknown_names_unreadable_storage(check: CheckRule) -> None:
    subject = scenario(states={ROLE.STORAGE_ACCOUNT: LookupState.UNKNOWN})
    outcome = check("AML-NET-020", subject)
    assert outcome is not None
    assert "stml01" in outcome.message
    assert "AuthorizationFailed" in outcome.message
    assert [e["role"] for e in as_objects(outcome.evidence["undetermined"])] == ["storage_account"]


@pytest.mark.rule("AML-NET-020")
def test_net_020_public_workspace_points_to_net_001(check: CheckRule) -> None:
    outcome = check("AML-NET-020", scenario(workspace={"publicNetworkAccess": "Enabled"}))
    assert outcome is not None
    assert outcome.status is NOT_APPLICABLE
    assert "AML-NET-001" in outcome.message


def omitting(*props: str, kind: str = "Default", hub: str | None = None) -> Bundle:
    """A private workspace whose document leaves ``props`` out, its references as collected.

    The references come from the collector's own reading of the document, so the rule sees what
    a real collection gives it (an omitted required reference is unknown, with its reason).
    """
    extra: dict[str, object] = {"hubResourceId": hub} if hub else {}
    base = scenario(workspace={**dict.fromkeys(props, ABSENT), **extra})
    ws = replace(base.workspace, resource=replace(base.workspace.resource, kind=kind))
    refs = dict(ws.attached)
    for role, named in attached_refs_named(ws.resource).items():
        if named is not None and named.omitted:
            refs[role] = AttachedRef(
                role=role, id=named.id, state=LookupState.UNKNOWN, reason=named.problem
            )
    ws = replace(ws, attached=refs)
    inventory = make_inventory(
        workspaces=(ws,),
        resources=(
            make_storage_account(),
            make_key_vault(),
            make_container_registry(),
            make_app_insights(),
        ),
    )
    return bundle(inventory)


@pytest.mark.rule("AML-NET-020")
@pytest.mark.parametrize(
    ("props", "expected", "reason"),
    [
        pytest.param(("keyVault",), UNKNOWN, "names no key vault", id="unknown-no-key-vault"),
        pytest.param(
            ("storageAccount",), UNKNOWN, "names no storage account", id="unknown-no-storage"
        ),
        pytest.param(("containerRegistry",), PASS, None, id="pass-no-registry-is-optional"),
        pytest.param(
            ("applicationInsights",), PASS, None, id="pass-no-app-insights-not-judged-here"
        ),
    ],
)
def test_net_020_private_workspace_omitting_a_required_reference(
    check: CheckRule, props: tuple[str, ...], expected: Status, reason: str | None
) -> None:
    outcome = check("AML-NET-020", omitting(*props))
    assert outcome is not None
    assert outcome.status is expected
    if reason is not None:
        assert f"the workspace {reason}" in outcome.message
        assert "which every workspace has" in outcome.message
        assert "could not be read" not in outcome.message
        (entry,) = as_objects(outcome.evidence["undetermined"])
        assert entry["id"] is None


@pytest.mark.rule("AML-NET-020")
def test_net_020_exposure_decides_over_an_omitted_vault(check: CheckRule) -> None:
    subject = omitting("keyVault")
    resources = (PUBLIC_STORAGE, make_container_registry(), make_app_insights())
    inventory = make_inventory(workspaces=(subject.workspace,), resources=resources)
    outcome = check("AML-NET-020", bundle(inventory))
    assert outcome is not None
    assert outcome.status is FAIL
    assert [e["role"] for e in as_objects(outcome.evidence["undetermined"])] == ["key_vault"]


@pytest.mark.rule("AML-NET-020")
def test_net_020_project_omitting_its_vault_points_to_the_hub(check: CheckRule) -> None:
    hub = (
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices"
        "/workspaces/hub"
    )
    outcome = check("AML-NET-020", omitting("keyVault", kind="Project", hub=hub))
    assert outcome is not None
    assert outcome.status is UNKNOWN
    assert "the project names no key vault" in outcome.message
    assert hub in outcome.message


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
def test_net_020_malformed_documents(check: CheckRule, subject: Bundle, expected: Status) -> None:
    outcome = check("AML-NET-020", subject)
    assert outcome is not None
    assert outcome.status is expected


@pytest.mark.rule("AML-NET-020")
def test_net_020_vault_without_properties_says_so(check: CheckRule) -> None:
    outcome = check("AML-NET-020", scenario(vault=VAULT_WITHOUT_PROPERTIES))
    assert outcome is not None
    assert "kv-ml-01" in outcome.message
    assert "no properties object" in outcome.message
    assert outcome.evidence["exposed"] == ()
    (entry,) = as_objects(outcome.evidence["undetermined"])
    assert entry["role"] == "key_vault"
    assert entry["id"] == VAULT_WITHOUT_PROPERTIES.id
