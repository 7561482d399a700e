"""Lints every IAM policy the modules render with parliament (`nox -s infra`).

`python tools/iam_lint.py [OUTPUT.json]` renders each module's policies (the documents a
resource uses, iam_render.py) for the example environments below, runs parliament on each
one and fails on any finding that SUPPRESSIONS does not name with its reason. A
suppression that no longer matches anything fails too, so the list cannot go stale.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from tools.iam_render import Context, Policy, dumps, policies
from tools.policy_cases import all_documents, uncovered_modules
from tools.rendered import MODULES, env_values

ACCOUNT = "111111111111"
PROD_ACCOUNT = "222222222222"
PROD_DEPLOY_ROLE = f"arn:aws:iam::{PROD_ACCOUNT}:role/hello-prod-deploy"
REGION = "us-east-1"
REPOSITORY = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/hello"
DATA = {
    "data.aws_caller_identity.current.account_id": ACCOUNT,
    "data.aws_region.current.region": REGION,
    "data.aws_partition.current.partition": "aws",
}
OIDC_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"


def ci_roles_context(environment: str, **variables: Any) -> Context:
    account = ACCOUNT if environment == "dev" else PROD_ACCOUNT
    data = {**DATA, "data.aws_caller_identity.current.account_id": account}
    # The edge inputs the ci-roles unit passes from the environment's env.hcl.
    env = env_values(environment)
    edge = {
        key: variables.pop(key, env[key])
        for key in ("domain_name", "hosted_zone_id", "deletion_protection")
    }
    return Context(
        variables={
            "service": "hello",
            "environment": environment,
            "github_repository": "example-org/hello-platform",
            "ecr_repository_arn": REPOSITORY,
            "repository_in_account": environment == "dev",
            "state_bucket": f"hello-platform-tfstate-{account}",
            "release_reader_trusted_role_arns": [],
            "promote_from_role_arn": None,
            "promote_from_service_arn": None,
            **edge,
            **variables,
        },
        facts={
            **data,
            "aws_iam_openid_connect_provider.github[0].arn": OIDC_ARN.replace(ACCOUNT, account),
        },
    )


# Each module that has IAM policy documents, in the environments that exercise all of
# their statements (dynamic ones included).
CONTEXTS: dict[str, dict[str, Context]] = {
    "ci-roles": {
        "dev": ci_roles_context(
            "dev",
            release_reader_trusted_role_arns=[PROD_DEPLOY_ROLE],
        ),
        "prod-own-account": ci_roles_context(
            "prod",
            promote_from_role_arn=f"arn:aws:iam::{ACCOUNT}:role/hello-dev-release-reader",
        ),
        "prod-shared-account": ci_roles_context(
            "prod",
            promote_from_service_arn=f"arn:aws:ecs:{REGION}:{PROD_ACCOUNT}:service/hello-dev/hello-dev",
        ),
    },
}


# What each trust or resource policy is attached to (see as_identity_policy).
_ROLE = f"arn:aws:iam::{ACCOUNT}:role/hello-dev"
# The ci-roles roles GitHub's OIDC tokens assume: the keys of its `trust` document.
GITHUB_ROLES = ("publish", "deploy", "infra", "plan")
ATTACHED_TO = {
    **{("ci-roles", f'trust["{role}"]'): f"{_ROLE}-{role}" for role in GITHUB_ROLES},
    ("ci-roles", "release_reader_trust"): f"{_ROLE}-release-reader",
}


@dataclass(frozen=True)
class Suppression:
    issue: str
    module: str
    document: str
    reason: str
    # Only findings whose detail or location mentions this (an action, a condition key).
    mentions: str = ""


# Every finding parliament reports that is accepted, and why. Keep each one narrow:
# `document` is a glob over the module's document names, `mentions` must appear in the
# finding's detail or location.
_TRUSTS = "*trust*"
SUPPRESSIONS: tuple[Suppression, ...] = (
    Suppression(
        "RESOURCE_STAR",
        "alerts-policies",
        "key_policy",
        'In a KMS key policy "*" means the key the policy is attached to, nothing else.',
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "alerts-policies",
        "key_policy",
        "The account administers its own key, policy included; without kms:PutKeyPolicy "
        "for the account, AWS's lockout check refuses the key.",
        "kms:putkeypolicy",
    ),
    Suppression(
        "UNKNOWN_FEDERATION_SOURCE",
        "ci-roles",
        _TRUSTS,
        "GitHub's OIDC provider (token.actions.githubusercontent.com) is a web identity "
        "provider parliament does not list; the sub and aud conditions pin who may use it",
        mentions="oidc-provider/token.actions.githubusercontent.com",
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles",
        _TRUSTS,
        "token.actions.githubusercontent.com:aud and :sub are the OIDC provider's claims, "
        "the documented keys for GitHub web identity federation",
        mentions="token.actions.githubusercontent.com:",
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "*",
        _TRUSTS,
        "a trust policy's purpose is to hand out the role's credentials, to the one "
        "principal or subject it names",
        mentions="sts:assumerole",
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "ci-roles",
        "deploy",
        "sts:AssumeRole of dev's release-reader role only (PromotionSourceAssume): promotion "
        "reads dev's service from prod's account",
        mentions="sts:assumerole",
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "*",
        "*",
        "ecr:GetAuthorizationToken is `docker login` to ECR; every image pull and push needs it",
        mentions="ecr:getauthorizationtoken",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles",
        "deploy",
        "iam:PassRole of the two task roles only, to ecs-tasks.amazonaws.com only "
        "(test_pass_role_is_limited_to_the_task_roles)",
        mentions="iam:passrole",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles",
        "infra",
        "the infra role manages the two task roles, only with the permissions boundary "
        "attached, and the policies of the platform's own resources: the ECR repository "
        "(dev), the access-log bucket, the alerts key and topic, the web ACL and the log "
        "resource policy WAF logging needs; test_ci_roles_security asserts the boundary "
        "condition, the denies and that each is scoped to the environment",
        mentions="iam:createrole",
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles",
        "infra",
        "the Service Authorization Reference lists iam:PermissionsBoundary for DeleteRole "
        "and UpdateRoleDescription; parliament's IAM database predates that",
        mentions="iam:PermissionsBoundary",
    ),
    Suppression(
        "MISMATCHED_TYPE",
        "ci-roles",
        "deploy",
        "the provider writes every condition value as a string; IAM compares Bool "
        'conditions against the string "false"',
        mentions="BoolIfExists",
    ),
    Suppression(
        "RESOURCE_STAR",
        "ci-roles",
        "deploy",
        "ecs:ListTasks is authorised on container instances, which Fargate has none of; "
        "the ecs:cluster condition scopes it to the service's cluster",
        mentions="ecs:ListTasks",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles",
        "infra",
        "the platform has an application load balancer only: parliament requires the "
        "network load balancer's listener and rule ARNs too",
        mentions="/net/",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles",
        "infra",
        "CreateSecurityGroup is split as AWS documents it: on the VPC without conditions, "
        "on the new group with the project's request tags (SecurityGroupCreate)",
        mentions='"ec2:CreateSecurityGroup"',
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles",
        "infra",
        "KMS alias calls are authorised on the alias and on its key, split as AWS documents "
        "it: the alerts alias by name (AlertsKeyAlias), the key by the project's tags "
        "(AlertsKeyOfTheEnvironment), which an alias ARN cannot carry",
        mentions="kms:CreateAlias",
    ),
    Suppression(
        "RESOURCE_STAR",
        "ci-roles",
        "infra",
        "the tags RequestCertificate sets are authorised as acm:AddTagsToCertificate before "
        "the certificate has an ARN (CertificateTagOnRequest); request tags and the "
        "IfExists resource tags scope it",
        mentions="acm:AddTagsToCertificate",
    ),
    Suppression(
        "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
        "ci-roles",
        "infra",
        "the infra role manages the access-log bucket's policy and lifecycle (alb module); "
        "DenyAccessLogObjects (and, with deletion protection, DenyAccessLogObjectsDelete) "
        "outweighs anything a bucket policy could grant it, and retention is reviewed "
        "configuration like any other (test_ci_roles_security)",
        mentions="-alb-logs-",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles",
        "infra",
        "security group writes are split by resource type: on groups with the project's "
        "tags (SecurityGroupsOfTheProject), on rules without (a rule has no tags before "
        "it exists, and its group is a required resource of the same call)",
        mentions="SecurityGroup",
    ),
)


@dataclass(frozen=True)
class Finding:
    module: str
    environment: str
    document: str
    issue: str
    severity: str
    detail: str
    location: str

    def text(self) -> str:
        return (
            f"{self.module}/{self.document} ({self.environment}): {self.severity} "
            f"{self.issue}: {self.detail} {self.location}"
        )


def rendered_policies() -> Iterator[tuple[str, str, str, Policy, str | None]]:
    """(module, environment, document, policy, attached to) for every policy of its own: the
    policy modules' documents as OpenTofu computes them, and those of the modules that still
    write `aws_iam_policy_document` data sources (a document that only feeds
    `source_policy_documents` is linted as part of the documents it feeds)."""
    for document in all_documents():
        if "Statement" not in document.policy:
            continue  # not an IAM policy: the ECR lifecycle policy
        yield (
            document.module, document.layout, document.name, document.policy,
            document.attached_to,
        )  # fmt: skip
    for module, environments in CONTEXTS.items():
        for environment, context in environments.items():
            for name, policy in policies(MODULES / module, context).items():
                yield module, environment, name, policy, ATTACHED_TO.get((module, name))


def modules_with_documents() -> set[str]:
    return {
        path.parent.name
        for path in MODULES.glob("*/*.tf")
        if 'data "aws_iam_policy_document"' in path.read_text()
    }


def as_identity_policy(policy: Policy, attached_to: str) -> Policy:
    """A trust or resource policy (statements with a Principal) with `Resource` set to what
    it is attached to: parliament analyses only statements that name their resource."""
    statements = [
        {**s, "Resource": attached_to} if "Principal" in s and "Resource" not in s else s
        for s in policy["Statement"]
    ]
    return {**policy, "Statement": statements}


def lint(
    policy: Policy, *, module: str, environment: str, document: str, attached: str | None = None
) -> list[Finding]:
    # Imported late: it loads its IAM database. It ships no type information.
    from parliament import analyze_policy_string  # type: ignore[import-untyped]

    if any("Principal" in s for s in policy["Statement"]):
        if attached is None:
            raise KeyError(f"{module}/{document} has principals: name what it is attached to")
        policy = as_identity_policy(policy, attached)
    analysed = analyze_policy_string(dumps(policy), include_community_auditors=True)
    return [
        Finding(
            module=module,
            environment=environment,
            document=document,
            issue=str(finding.issue),
            severity=str(finding.severity),
            detail=json.dumps(finding.detail, default=str, sort_keys=True),
            location=json.dumps(finding.location, default=str, sort_keys=True),
        )
        for finding in analysed.findings
    ]


def suppression_for(finding: Finding) -> Suppression | None:
    for suppression in SUPPRESSIONS:
        if (
            suppression.issue == finding.issue
            and fnmatch(finding.module, suppression.module)
            and fnmatch(finding.document, suppression.document)
            and suppression.mentions.lower() in (finding.detail + finding.location).lower()
        ):
            return suppression
    return None


def main(argv: list[str]) -> int:
    missing = sorted(modules_with_documents() - set(CONTEXTS)) + uncovered_modules()
    if missing:
        print(f"no example environment for the policy documents of {missing}")
        return 1
    findings: list[Finding] = []
    policies = 0
    for module, environment, document, policy, attached in rendered_policies():
        policies += 1
        found = lint(
            policy, module=module, environment=environment, document=document, attached=attached
        )
        findings.extend(found)
    open_findings = [f for f in findings if suppression_for(f) is None]
    used = {suppression_for(f) for f in findings} - {None}
    unused = [s for s in SUPPRESSIONS if s not in used]
    for finding in open_findings:
        print(f"  {finding.text()}")
    for suppression in unused:
        print(f"  unused suppression: {suppression}")
    if argv:
        Path(argv[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(argv[0]).write_text(
            json.dumps([f.__dict__ for f in findings], indent=2, sort_keys=True) + "\n"
        )
    print(
        f"parliament: {policies} policies, {len(open_findings)} finding(s), "
        f"{len(findings) - len(open_findings)} suppressed with reasons "
        f"({len(SUPPRESSIONS)} suppressions), {len(unused)} unused suppression(s)"
    )
    return 1 if open_findings or unused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
