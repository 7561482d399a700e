"""IAM in infra/modules: no wildcard actions, wildcard resources only where justified,
and the deploy role allowed exactly what a release does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tools.hcl_module import Module, block
from tools.iam_lint import POLICY_MODULES
from tools.iam_policy import (
    WILDCARD_COMMENT,
    statements,
    uncommented_wildcard_resources,
    wildcard_actions,
)
from tools.policy_documents import documents
from tools.project import ENVIRONMENTS
from tools.rendered import MODULES, env_values, load, units

MODULE_FILES = sorted(MODULES.glob("*/*.tf"))
ALL_STATEMENTS = [s for path in MODULE_FILES for s in statements(path)]

# The contract with the release pipeline (infra/release): nothing more, nothing less.
DEPLOY_ACTIONS = {
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:DescribeImages",
    "ecr:DescribeRepositories",
    "ecr:GetDownloadUrlForLayer",
    # Release tags `<env>-<sha>` on the deployed digest; pushing images is the publish role's.
    "ecr:PutImage",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:ListTagsForResource",
    "ecs:ListTaskDefinitions",
    "ecs:TagResource",
    "ecs:UpdateService",
    "ecs:DescribeServices",
    "ecs:DescribeTasks",
    "ecs:ListTasks",
    "iam:PassRole",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    # verify: the HTTPS listener's certificate names the domain.
    "elasticloadbalancing:DescribeListeners",
    "acm:DescribeCertificate",
    # Deployment alarms: which one rolled a release back, and dev's before promoting.
    "cloudwatch:DescribeAlarms",
    # Promotion to prod reads dev's service: directly, or via dev's release-reader role.
    "sts:AssumeRole",
}


def test_modules_have_policy_documents() -> None:
    found = {(s.path.parent.name, s.document) for s in ALL_STATEMENTS}
    assert {("ecs-service", "execution")} <= found


def test_no_wildcard_actions() -> None:
    assert wildcard_actions(ALL_STATEMENTS) == []


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: str(p.relative_to(MODULES)))
def test_wildcard_resources_are_justified(path: Path) -> None:
    assert uncommented_wildcard_resources(path) == []


def test_deploy_role_allows_exactly_the_release_actions() -> None:
    # Over the layouts that between them give every promotion statement.
    allowed: set[str] = set()
    for variables in POLICY_MODULES["ci-roles-policies"].values():
        for statement in documents("ci-roles-policies", variables)["deploy.inline.release"][
            "Statement"
        ]:
            action = statement["Action"]
            allowed.update([action] if isinstance(action, str) else action)
    assert allowed == DEPLOY_ACTIONS


def policy_statements(env: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(unit:document, statement) of every policy document of the environment's units,
    evaluated with the unit's inputs (dynamic statements as the provider writes them)."""
    values = env_values(env)
    facts = {
        "data.aws_partition.current.partition": "aws",
        "data.aws_region.current.region": values["aws_region"],
        "data.aws_caller_identity.current.account_id": values["account_id"],
    }
    for unit in units(env):
        config = load(env, unit)
        module_name = config["terraform"]["source"].rsplit("//", 1)[1]
        if (MODULES / f"{module_name}-policies").is_dir():
            yield from policy_module_statements(unit, module_name, config["inputs"], values)
            continue
        module = Module(module_name, config["inputs"], facts, expand_dynamic=True)
        for name in module.data_sources("aws_iam_policy_document"):
            document = module.data("aws_iam_policy_document", name)
            for statement in block(document, "statement"):
                yield f"{unit}:{name}", statement


def policy_module_statements(
    unit: str, module: str, inputs: dict[str, Any], values: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The statements of a module's provider-free policy module applied with the unit's
    inputs and the account facts, shaped as policy_statements gives them."""
    account = values["account_id"]
    facts = {
        "partition": "aws",
        "account_id": account,
        "region": values["aws_region"],
        "oidc_provider_arn": (
            f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
        ),
    }
    # The resource module's own inputs (create_oidc_provider, tags) are not the policy
    # module's; tofu ignores undeclared values in a tfvars file.
    for name, document in documents(f"{module}-policies", {**inputs, **facts}).items():
        for statement in document["Statement"]:
            actions, resources = statement.get("Action", []), statement.get("Resource", [])
            yield (
                f"{unit}:{name}",
                {
                    "effect": statement["Effect"],
                    "actions": [actions] if isinstance(actions, str) else actions,
                    "resources": [resources] if isinstance(resources, str) else resources,
                },
            )


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_pass_role_is_limited_to_the_task_roles(env: str) -> None:
    service = Module("ecs-service", load(env, "ecs-service")["inputs"])
    account = env_values(env)["account_id"]
    task_roles = [
        f"arn:aws:iam::{account}:role/{service.resource('aws_iam_role', role)['name']}"
        for role in ("execution", "task")
    ]
    passing = []
    for where, statement in policy_statements(env):
        if statement.get("effect", "Allow") == "Allow" and "iam:PassRole" in statement["actions"]:
            assert statement["actions"] == ["iam:PassRole"], where
            assert sorted(statement["resources"]) == sorted(task_roles), where
            passing.append(where)
    assert passing, "no policy passes the task roles to ECS"


def test_checker_catches_violations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tf"
    bad.write_text(
        'data "aws_iam_policy_document" "bad" {\n'
        "  statement {\n"
        '    actions   = ["s3:*"]\n'
        '    resources = ["*"]\n'
        "  }\n"
        '  dynamic "statement" {\n'
        "    for_each = [1]\n"
        "    content {\n"
        '      actions   = ["*"]\n'
        f"      {WILDCARD_COMMENT} justified\n"
        '      resources = ["*"]\n'
        "    }\n"
        "  }\n"
        "}\n"
    )
    found = statements(bad)
    assert len(wildcard_actions(found)) == 2
    assert uncommented_wildcard_resources(bad) == [
        f"{bad}:4: wildcard resource without '{WILDCARD_COMMENT}'"
    ]
