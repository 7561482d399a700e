"""IAM in infra/modules: no wildcard actions, wildcard resources only where justified,
and the deploy role allowed exactly what a release does."""

from __future__ import annotations

from tools.policy_cases import CI_ROLES_LAYOUTS, all_documents
from tools.policy_documents import documents, policy_modules

# The contract with the release pipeline (infra/release): nothing more, nothing less.
DEPLOY_ACTIONS = {
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:DescribeImages",
    "ecr:DescribeRepositories",
    "ecr:GetDownloadUrlForLayer",
    # Prod's registry login (its jobs verify the image's provenance through the registry).
    "ecr:GetAuthorizationToken",
    # Prod's copy of the image it promotes into its own repository, by digest (which
    # repository each role writes: infra/tests/test_ci_roles_security.py).
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
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


def test_no_policy_module_allows_a_wildcard_action() -> None:
    """As OpenTofu computes them, in every layout: a Deny (`s3:*` over plain HTTP) only
    narrows, so only an Allow's wildcard counts."""
    found = [
        f"{d.module} ({d.layout}) {d.name}: {action}"
        for d in all_documents()
        for statement in d.policy.get("Statement", [])
        if statement["Effect"] == "Allow"
        for action in as_list(statement.get("Action", [])) + as_list(statement.get("NotAction", []))
        if "*" in action or "NotAction" in statement
    ]
    assert found == []
    assert len({d.module for d in all_documents()}) == len(policy_modules())


def test_deploy_role_allows_exactly_the_release_actions() -> None:
    # Over the layouts that between them give every promotion statement.
    allowed: set[str] = set()
    for variables in CI_ROLES_LAYOUTS.values():
        for statement in documents("ci-roles-policies", variables)["deploy.inline.release"][
            "Statement"
        ]:
            action = statement["Action"]
            allowed.update([action] if isinstance(action, str) else action)
    assert allowed == DEPLOY_ACTIONS


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def test_pass_role_is_limited_to_the_task_roles() -> None:
    """Every policy of every layout that allows iam:PassRole passes only the two roles the
    ecs-service module creates (`<name>-execution`, `<name>-task`), to ECS tasks only."""
    passing = []
    for document in all_documents():
        for statement in document.policy.get("Statement", []):
            if statement["Effect"] != "Allow" or "iam:PassRole" not in as_list(statement["Action"]):
                continue
            where = f"{document.module} ({document.layout}) {document.name}"
            assert as_list(statement["Action"]) == ["iam:PassRole"], where
            roles = {arn.rsplit("/", 1)[1] for arn in as_list(statement["Resource"])}
            names = {role.rsplit("-", 1)[0] for role in roles}
            assert len(names) == 1, where
            (name,) = names
            assert roles == {f"{name}-{kind}" for kind in ("execution", "task")}, where
            assert statement["Condition"] == {
                "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
            }, where
            passing.append(where)
    assert passing, "no policy passes the task roles to ECS"
