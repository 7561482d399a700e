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
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{DEV_ACCOUNT}:repository/{SERVICE}"


PROD_DEPLOY_ROLE = f"arn:{PARTITION}:iam::{PROD_ACCOUNT}:role/{SERVICE}-prod-deploy"
OIDC_HOST = "token.actions.githubusercontent.com"
# The ci-roles roles GitHub's OIDC tokens assume.
GITHUB_ROLES = ("publish", "deploy", "infra", "plan")


def role_arn(account: str, name: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:role/{name}"


def ci_roles_variables(environment: str, **variables: Any) -> dict[str, Any]:
    """The inputs of ci-roles-policies for an environment, as the ci-roles unit and the
    module's account facts give them; `variables` overrides any."""
    account = DEV_ACCOUNT if environment == "dev" else PROD_ACCOUNT
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
        "ecr_repository_arn": REPOSITORY_ARN,
        "repository_in_account": environment == "dev",
        "state_bucket": f"hello-platform-tfstate-{account}",
        "release_reader_trusted_role_arns": [],
        "promote_from_role_arn": None,
        "promote_from_service_arn": None,
        **{key: env[key] for key in ("domain_name", "hosted_zone_id", "deletion_protection")},
        **variables,
    }


# ci-roles-policies' inputs for each account layout, which between them give every
# statement: dev (the repository lives there), prod in its own account (promotes through
# dev's release-reader), prod sharing dev's account.
CI_ROLES_LAYOUTS: dict[str, dict[str, Any]] = {
    "dev": ci_roles_variables("dev", release_reader_trusted_role_arns=[PROD_DEPLOY_ROLE]),
    "prod-own-account": ci_roles_variables(
        "prod", promote_from_role_arn=role_arn(DEV_ACCOUNT, f"{SERVICE}-dev-release-reader")
    ),
    "prod-shared-account": ci_roles_variables(
        "prod",
        promote_from_service_arn=(
            f"arn:{PARTITION}:ecs:{REGION}:{PROD_ACCOUNT}:service/{SERVICE}-dev/{SERVICE}-dev"
        ),
    ),
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
    repository's (which lives in dev) with prod pulling from its own account or not."""
    for layout, environment, account in LAYOUTS:
        name = f"{SERVICE}-{environment}"
        yield Case(
            "ecs-service-policies", layout, account,
            {
                "account_id": account,
                "ecr_repository_arn": REPOSITORY_ARN,
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
    prod_deploy = role_arn(PROD_ACCOUNT, f"{SERVICE}-prod-deploy")
    # The repository's layouts: prod pulls (and tags) from its own account, or shares dev's.
    pulls: tuple[tuple[str, list[str], list[str]], ...] = (
        ("dev", [PROD_ACCOUNT], [prod_deploy]),
        ("prod-shared-account", [], []),
    )
    for layout, pull, tag in pulls:
        yield Case(
            "ecr-policies", layout, DEV_ACCOUNT,
            {
                "partition": PARTITION,
                "pull_account_ids": pull,
                "release_tag_role_arns": tag,
                "keep_prod_releases": 10,
                "keep_dev_releases": 5,
                "untagged_expiry_days": 7,
                "keep_builds": 30,
            },
            attached_to={"repository_policy": REPOSITORY_ARN},
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
