"""The CI roles as an attacker meets them: the policies rendered from infra/modules/ci-roles
(iam_render.py) for dev and prod, checked against the security model in DESIGN.md.

Each test names the hole it keeps closed; widen a policy and one of them fails.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from infra.tests.iam_lint import (
    ACCOUNT,
    CONTEXTS,
    PROD_ACCOUNT,
    PROD_DEPLOY_ROLE,
    REGION,
    REPOSITORY,
    lint,
    suppression_for,
)
from infra.tests.iam_render import Context, Policy, Unrenderable, render
from infra.tests.rendered import ENVIRONMENTS, LIVE, MODULES, ROOT, env_values, load

from hcl2.api import load as load_hcl  # isort: skip  # bc-python-hcl2, installed with checkov

# parliament's own import-time warnings (pkg_resources, regex escapes), not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore:pkg_resources is deprecated:UserWarning"),
    pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning"),
]

CI_ROLES = MODULES / "ci-roles"
REPO = "example-org/hello-platform"
WORKFLOWS = f"{REPO}/.github/workflows"
OIDC = "token.actions.githubusercontent.com"

# One rendering per account layout: dev (the repository lives there), prod in its own
# account (promotes through dev's release-reader), prod sharing dev's account.
DOCS = {name: render(CI_ROLES, context) for name, context in CONTEXTS["ci-roles"].items()}
DEV = DOCS["dev"]
PROD = DOCS["prod-own-account"]
LAYOUTS = sorted(DOCS)


def account_of(layout: str) -> str:
    return ACCOUNT if layout == "dev" else PROD_ACCOUNT


def env_of(layout: str) -> str:
    return "dev" if layout == "dev" else "prod"


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


def module_blocks(kind: str) -> dict[str, Any]:
    """`resource`/`data` blocks of the module by "<type>.<name>"."""
    found: dict[str, Any] = {}
    for path in CI_ROLES.glob("*.tf"):
        with path.open() as file:
            for block in load_hcl(file).get(kind, []):
                for type_, named in block.items():
                    for name, body in named.items():
                        found[f"{type_}.{name}"] = body
    return found


# --- trust: exactly the workflow file, ref and environment ----------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deploy_role_trusts_deploy_and_release_workflows_on_main_in_its_environment(
    layout: str,
) -> None:
    env = env_of(layout)
    assert subjects(DOCS[layout]["trust_deploy"]) == {
        "StringEquals": {
            f"repo:{REPO}:environment:{env}:job_workflow_ref:{WORKFLOWS}/deploy.yml@refs/heads/main",
            f"repo:{REPO}:environment:{env}:job_workflow_ref:{WORKFLOWS}/release.yml@refs/heads/main",
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_trusts_infra_workflow_on_main_in_its_infra_environment(layout: str) -> None:
    env = env_of(layout)
    assert subjects(DOCS[layout]["trust_infra"]) == {
        "StringEquals": {
            f"repo:{REPO}:environment:{env}-infra:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/heads/main"
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plan_role_trusts_infra_workflow_pull_requests_and_main_only(layout: str) -> None:
    # StringLike only for the pull request number; the main-branch subject is exact.
    assert subjects(DOCS[layout]["trust_plan"]) == {
        "StringEquals": {
            f"repo:{REPO}:ref:refs/heads/main:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/heads/main"
        },
        "StringLike": {
            f"repo:{REPO}:pull_request:job_workflow_ref:{WORKFLOWS}/infra.yml@refs/pull/*/merge"
        },
    }


def test_publish_role_trusts_only_the_build_job_of_deploy_workflow_on_main() -> None:
    assert subjects(DEV["trust_publish"]) == {
        "StringEquals": {
            f"repo:{REPO}:ref:refs/heads/main:job_workflow_ref:{WORKFLOWS}/deploy.yml@refs/heads/main"
        }
    }


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("trust", ["trust_publish", "trust_deploy", "trust_infra", "trust_plan"])
def test_trust_policies_use_no_wildcard_but_the_pull_request_number(
    layout: str, trust: str
) -> None:
    for operator, values in subjects(DOCS[layout][trust]).items():
        for value in values:
            if operator == "StringLike":
                assert value.count("*") == 1, value
                assert value.endswith("@refs/pull/*/merge"), value
            else:
                assert operator == "StringEquals"
                assert "*" not in value
                assert "?" not in value


def test_publish_role_exists_only_where_the_repository_lives() -> None:
    for name in ("aws_iam_role.publish", "aws_iam_role_policy.publish"):
        assert module_blocks("resource")[name]["count"] == ["${var.repository_in_account ? 1 : 0}"]
    unit = (LIVE / "_units" / "ci-roles.hcl").read_text()
    assert (
        "repository_in_account = local.common.image_home.account_id == local.env.account_id" in unit
    )


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


@pytest.mark.parametrize("layout", LAYOUTS)
def test_deploy_role_cannot_upload_layers_only_retag(layout: str) -> None:
    deploy = DOCS[layout]["deploy"]
    upload = {"ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"}
    assert not actions(deploy) & upload
    (tag,) = allowing(deploy, "ecr:PutImage")
    assert tag["Action"] == "ecr:PutImage"
    assert tag["Resource"] == REPOSITORY
    assert {"ecr:BatchGetImage", "ecr:DescribeImages"} <= actions(deploy)


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
        "BoolIfExists": {"ecs:enable-execute-command": "false"},
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
    prefix = f"arn:aws:cloudwatch:{REGION}:{PROD_ACCOUNT}:alarm"
    assert alarms == {f"{prefix}:hello-prod-*", f"{prefix}:hello-dev-*"}
    reader = DEV["release_reader"]
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
    iam_allowed = {a for a in actions(infra) if a.startswith("iam:")}
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
    for document in ("infra", "platform_read", "deploy", "publish"):
        assert "iam:UpdateAssumeRolePolicy" not in actions(DOCS[layout][document])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_infra_role_cannot_change_the_boundary_its_read_policy_or_the_ci_roles(
    layout: str,
) -> None:
    infra = DOCS[layout]["infra"]
    account, env = account_of(layout), env_of(layout)
    denied = by_sid(infra, "DenyBoundaryChanges")
    assert denied["Effect"] == "Deny"
    assert denied["Action"] == "iam:*"
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


def s3_object_resources(policy: Policy, effect: str = "Allow") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statement in statements(policy, effect):
        for action in as_list(statement["Action"]):
            if action.startswith(("s3:GetObject", "s3:PutObject", "s3:DeleteObject")):
                found.setdefault(action, set()).update(as_list(statement["Resource"]))
    return found


@pytest.mark.parametrize("layout", LAYOUTS)
def test_state_access_is_limited_to_the_environment_keys(layout: str) -> None:
    account, env = account_of(layout), env_of(layout)
    bucket = f"arn:aws:s3:::hello-platform-tfstate-{account}"
    keys = f"{bucket}/{env}/*"
    read, infra = DOCS[layout]["platform_read"], DOCS[layout]["infra"]
    assert s3_object_resources(read) == {"s3:GetObject": {keys}}
    assert s3_object_resources(infra) == {"s3:DeleteObject": {keys}, "s3:PutObject": {keys}}
    assert s3_object_resources(infra, "Deny") == {
        action: {f"{bucket}/{env}/ci-roles/*", f"{bucket}/{env}/github-repo/*"}
        for action in ("s3:DeleteObject", "s3:PutObject")
    }
    (listing,) = allowing(read, "s3:ListBucket")
    assert listing["Resource"] == bucket
    assert listing["Condition"] == {"StringLike": {"s3:prefix": [f"{env}/*", "env:/*"]}}


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


def test_release_tool_ecr_calls_are_allowed_to_the_roles_that_run_it() -> None:
    calls = release_tool_ecr_actions()
    # The scan sees the calls that publish and tag (a scan finding nothing proves nothing).
    assert {"ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:PutImage"} <= calls
    assert calls <= actions(DEV["publish"])
    for layout in LAYOUTS:
        assert calls <= actions(DOCS[layout]["deploy"]), layout


def test_prod_deploy_role_may_tag_its_release_in_dev_registry_and_push_nothing() -> None:
    policy = render(MODULES / "ecr", CONTEXTS["ecr"]["dev"])["pull"]
    root = {"AWS": f"arn:aws:iam::{PROD_ACCOUNT}:root"}
    prod = [s for s in statements(policy) if s["Principal"] == root]
    granted = {a for s in prod for a in as_list(s["Action"])}
    # Registry-wide GetAuthorizationToken is the role's own policy's, not the repository's.
    assert release_tool_ecr_actions() - {"ecr:GetAuthorizationToken"} <= granted
    assert not granted & {
        "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload",
    }
    (tag,) = [s for s in prod if "ecr:PutImage" in as_list(s["Action"])]
    assert tag["Action"] == "ecr:PutImage"
    assert tag["Condition"] == {"ArnEquals": {"aws:PrincipalArn": PROD_DEPLOY_ROLE}}
    # That is prod's deploy role as ci-roles names it.
    assert PROD_DEPLOY_ROLE in by_sid(PROD["infra"], "DenyCiRoles")["Resource"]


def test_ecr_unit_lets_prod_deploy_role_tag_only_when_prod_has_its_own_account() -> None:
    inputs = load("dev", "ecr")["inputs"]
    prod = env_values("prod")["account_id"]
    separate = prod != env_values("dev")["account_id"]
    expected = [f"arn:aws:iam::{prod}:role/hello-prod-deploy"] if separate else []
    assert inputs["release_tag_role_arns"] == expected
    # The module refuses a tagging role whose account may not pull (its precondition).
    assert {arn.split(":")[4] for arn in expected} <= set(inputs["pull_account_ids"])


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


def test_no_role_attaches_an_aws_managed_policy() -> None:
    for name, body in module_blocks("resource").items():
        if name.startswith("aws_iam_role_policy_attachment."):
            assert body["policy_arn"] == ["${aws_iam_policy.platform_read.arn}"], name
    text = "".join(path.read_text() for path in CI_ROLES.glob("*.tf"))
    assert "ReadOnlyAccess" not in text
    assert ":iam::aws:policy/" not in text


def test_plan_role_reads_through_the_platform_read_policy_only() -> None:
    resources = module_blocks("resource")
    attachments = {
        body["role"][0]: body["policy_arn"][0]
        for name, body in resources.items()
        if name.startswith("aws_iam_role_policy_attachment.")
    }
    assert attachments == {
        "${aws_iam_role.plan.name}": "${aws_iam_policy.platform_read.arn}",
        "${aws_iam_role.infra.name}": "${aws_iam_policy.platform_read.arn}",
    }
    inline = [
        body["role"][0]
        for name, body in resources.items()
        if name.startswith("aws_iam_role_policy.")
    ]
    assert not any("aws_iam_role.plan" in role for role in inline)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_platform_read_policy_only_reads(layout: str) -> None:
    read = DOCS[layout]["platform_read"]
    assert not statements(read, "Deny")
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
        "iam:GetRole",
        "iam:GetRolePolicy",
        "iam:GetPolicyVersion",
        "cloudwatch:DescribeAlarms",
        "logs:DescribeLogGroups",
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScalingPolicies",
        "acm:DescribeCertificate",
        "route53:GetHostedZone",
        "route53:ListResourceRecordSets",
        "wafv2:GetWebACL",
        "wafv2:GetWebACLForResource",
        "s3:GetBucketPolicy",
        "s3:GetLifecycleConfiguration",
        "sns:GetTopicAttributes",
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
    findings = lint(wide, module="ci-roles", environment="dev", document="platform_read")
    assert findings
    assert all(suppression_for(f) is None for f in findings)


def test_renderer_refuses_what_it_cannot_evaluate(tmp_path: Path) -> None:
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf").write_text(
        'data "aws_iam_policy_document" "x" {\n'
        "  statement {\n"
        '    actions   = ["s3:GetObject"]\n'
        "    resources = [upper(var.bucket)]\n"
        "  }\n"
        "}\n"
    )
    with pytest.raises(Unrenderable):
        render(module, Context(variables={"bucket": "b"}))


def test_rendered_policies_are_what_the_provider_writes() -> None:
    trust = DEV["trust_infra"]["Statement"][0]
    assert trust["Principal"] == {
        "Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert json.loads(json.dumps(DEV["deploy"])) == DEV["deploy"]
