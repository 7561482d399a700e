"""Every policy document the modules produce, in every environment and account layout the
project supports: what the IAM linter, the quota check and the tests read.

A case is one policy module (infra/modules/*-policies) applied with one layout's inputs by
the real OpenTofu (tools/policy_documents.py). The example accounts are those of
infra/live/*/env.hcl: dev in 111111111111, prod in 222222222222, or prod sharing dev's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tools.policy_documents import Policy, documents, policy_modules
from tools.rendered import env_values

DEV_ACCOUNT = "111111111111"
PROD_ACCOUNT = "222222222222"
REGION = "us-east-1"
PARTITION = "aws"
SERVICE = "hello"


def repository_arn(account: str, name: str) -> str:
    return f"arn:{PARTITION}:ecr:{REGION}:{account}:repository/{name}"


# The build repository (dev's account), and each other environment's own repository, in
# that environment's account (infra/live/common.hcl `image_repositories`).
BUILD_REPOSITORY_ARN = repository_arn(DEV_ACCOUNT, SERVICE)


def own_repository_arn(environment: str, account: str) -> str:
    if environment == "dev":
        return BUILD_REPOSITORY_ARN
    return repository_arn(account, f"{SERVICE}-{environment}")


PROD_DEPLOY_ROLE = f"arn:{PARTITION}:iam::{PROD_ACCOUNT}:role/{SERVICE}-prod-deploy"
OIDC_HOST = "token.actions.githubusercontent.com"
# The ci-roles roles GitHub's OIDC tokens assume.
GITHUB_ROLES = ("publish", "deploy", "infra", "plan")


def role_arn(account: str, name: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:role/{name}"


def ci_roles_variables(
    environment: str, account: str | None = None, **variables: Any
) -> dict[str, Any]:
    """The inputs of ci-roles-policies for an environment in `account` (by default its
    own: dev's or prod's), as the ci-roles unit and the module's account facts give them;
    `variables` overrides any."""
    account = account or (DEV_ACCOUNT if environment == "dev" else PROD_ACCOUNT)
    # The edge inputs the ci-roles unit passes from the environment's env.hcl.
    env = env_values(environment)
    return {
        "partition": PARTITION,
        "account_id": account,
        "region": REGION,
        "oidc_provider_arn": f"arn:{PARTITION}:iam::{account}:oidc-provider/{OIDC_HOST}",
        "service": SERVICE,
        "environment": environment,
        "github_repository": "example-org/hello-platform",
        "build_repository_arn": BUILD_REPOSITORY_ARN,
        "repository_arn": own_repository_arn(environment, account),
        "state_bucket": f"hello-platform-tfstate-{account}",
        "release_reader_trusted_role_arns": [],
        "promote_from_role_arn": None,
        "promote_from_service_arn": None,
        **{key: env[key] for key in ("domain_name", "hosted_zone_id", "deletion_protection")},
        **variables,
    }


# ci-roles-policies' inputs for each account layout, which between them give every
# statement: dev with prod in its own account (dev's release-reader serves prod), prod in
# its own account (promotes through that release-reader), and both sharing dev's account.
CI_ROLES_LAYOUTS: dict[str, dict[str, Any]] = {
    "dev": ci_roles_variables("dev", release_reader_trusted_role_arns=[PROD_DEPLOY_ROLE]),
    "dev-shared-account": ci_roles_variables("dev"),
    "prod-own-account": ci_roles_variables(
        "prod", promote_from_role_arn=role_arn(DEV_ACCOUNT, f"{SERVICE}-dev-release-reader")
    ),
    "prod-shared-account": ci_roles_variables(
        "prod",
        DEV_ACCOUNT,
        promote_from_service_arn=(
            f"arn:{PARTITION}:ecs:{REGION}:{DEV_ACCOUNT}:service/{SERVICE}-dev/{SERVICE}-dev"
        ),
    ),
}
# Prod's own repository in each layout: in prod's account, or in dev's when they share one.
PROD_REPOSITORY_ARNS = {
    "dev": own_repository_arn("prod", PROD_ACCOUNT),
    "dev-shared-account": own_repository_arn("prod", DEV_ACCOUNT),
    **{
        layout: CI_ROLES_LAYOUTS[layout]["repository_arn"]
        for layout in ("prod-own-account", "prod-shared-account")
    },
}


@dataclass(frozen=True)
class Case:
    module: str  # the policy module's folder in infra/modules
    layout: str  # dev, prod-own-account, prod-shared-account, ...
    account: str
    variables: dict[str, Any]
    # What each resource policy output is attached to (its Resource, for the linter).
    attached_to: dict[str, str] = field(default_factory=dict)


# (layout, environment, account) of each account layout the project supports.
LAYOUTS = (
    ("dev", "dev", DEV_ACCOUNT),
    ("prod-own-account", "prod", PROD_ACCOUNT),
    ("prod-shared-account", "prod", DEV_ACCOUNT),
)


def _service_and_edge_cases() -> Iterator[Case]:
    """The ecs-service, alb and alerts policies of each environment, and the ecr
    repositories': the build repository with prod reading from its own account or not,
    and prod's own."""
    for layout, environment, account in LAYOUTS:
        name = f"{SERVICE}-{environment}"
        yield Case(
            "ecs-service-policies", layout, account,
            {
                "account_id": account,
                "ecr_repository_arn": own_repository_arn(environment, account),
                "log_group_arn": f"arn:{PARTITION}:logs:{REGION}:{account}:log-group:/ecs/{name}",
            },
        )  # fmt: skip
        bucket = f"arn:{PARTITION}:s3:::{name}-alb-logs-{account}"
        yield Case(
            "alb-policies", layout, account,
            {
                "account_id": account,
                "bucket_arn": bucket,
                # The us-east-1 Elastic Load Balancing account (data.aws_elb_service_account).
                "elb_service_account_arn": f"arn:{PARTITION}:iam::127311923021:root",
            },
            attached_to={"bucket_policy": bucket},
        )  # fmt: skip
        topic = f"arn:{PARTITION}:sns:{REGION}:{account}:{name}-alerts"
        yield Case(
            "alerts-policies", layout, account,
            {
                "partition": PARTITION,
                "region": REGION,
                "account_id": account,
                "alarm_name_prefix": f"{name}-",
                "event_rule_name_prefix": f"{name}-release-audit-",
                "topic_arn": topic,
            },
            attached_to={
                "key_policy": f"arn:{PARTITION}:kms:{REGION}:{account}:key/"
                "00000000-0000-0000-0000-000000000000",
                "topic_policy": topic,
            },
        )  # fmt: skip
    # The repositories: the build one, read by prod from its own account or not; prod's.
    repositories: tuple[tuple[str, str, list[str], int, int | None], ...] = (
        ("dev", BUILD_REPOSITORY_ARN, [PROD_ACCOUNT], 30, 7),
        ("prod-shared-account", BUILD_REPOSITORY_ARN, [], 30, 7),
        ("prod-own-account", own_repository_arn("prod", PROD_ACCOUNT), [], 10, None),
    )
    for layout, repository, pull, keep, untagged in repositories:
        yield Case(
            "ecr-policies", layout, repository.split(":")[4],
            {
                "partition": PARTITION,
                "pull_account_ids": pull,
                "keep_images": keep,
                "untagged_expiry_days": untagged,
            },
            attached_to={"repository_policy": repository},
        )  # fmt: skip


CASES: tuple[Case, ...] = (
    *(
        Case("ci-roles-policies", layout, variables["account_id"], variables)
        for layout, variables in CI_ROLES_LAYOUTS.items()
    ),
    *_service_and_edge_cases(),
)


@dataclass(frozen=True)
class Document:
    module: str
    layout: str
    name: str  # `<role>.trust`, `<role>.inline.<policy>`, `managed.<policy>`, or an output
    policy: Policy
    # The ARN the document is attached to, where it names principals (trust, resource).
    attached_to: str | None


def case_documents(case: Case) -> Iterator[Document]:
    for name, policy in documents(case.module, case.variables).items():
        role, _, kind = name.partition(".")
        if kind == "trust":
            attached: str | None = role_arn(case.account, role)
        else:
            attached = case.attached_to.get(name)
        yield Document(case.module, case.layout, name, policy, attached)


def all_documents() -> Iterator[Document]:
    for case in CASES:
        yield from case_documents(case)


def uncovered_modules() -> list[str]:
    """Policy modules that no case applies: their documents would go unchecked."""
    covered = {case.module for case in CASES}
    return [path.name for path in policy_modules() if path.name not in covered]
