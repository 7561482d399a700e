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
from tools.policy_documents import documents
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


def ci_roles_variables(environment: str, **variables: Any) -> dict[str, Any]:
    """The inputs of ci-roles-policies for an environment, as the ci-roles unit and the
    module's account facts give them; `variables` overrides any."""
    account = ACCOUNT if environment == "dev" else PROD_ACCOUNT
    # The edge inputs the ci-roles unit passes from the environment's env.hcl.
    env = env_values(environment)
    return {
        "partition": "aws",
        "account_id": account,
        "region": REGION,
        "oidc_provider_arn": OIDC_ARN.replace(ACCOUNT, account),
        "service": "hello",
        "environment": environment,
        "github_repository": "example-org/hello-platform",
        "ecr_repository_arn": REPOSITORY,
        "repository_in_account": environment == "dev",
        "state_bucket": f"hello-platform-tfstate-{account}",
        "release_reader_trusted_role_arns": [],
        "promote_from_role_arn": None,
        "promote_from_service_arn": None,
        **{key: env[key] for key in ("domain_name", "hosted_zone_id", "deletion_protection")},
        **variables,
    }


# The provider-free policy modules, with inputs for each account layout that between them
# give every statement: dev (the repository lives there), prod in its own account
# (promotes through dev's release-reader), prod sharing dev's account.
POLICY_MODULES: dict[str, dict[str, dict[str, Any]]] = {
    "ci-roles-policies": {
        "dev": ci_roles_variables("dev", release_reader_trusted_role_arns=[PROD_DEPLOY_ROLE]),
        "prod-own-account": ci_roles_variables(
            "prod",
            promote_from_role_arn=f"arn:aws:iam::{ACCOUNT}:role/hello-dev-release-reader",
        ),
        "prod-shared-account": ci_roles_variables(
            "prod",
            promote_from_service_arn=f"arn:aws:ecs:{REGION}:{PROD_ACCOUNT}:service/hello-dev/hello-dev",
        ),
    },
}

# Each module that has IAM policy documents (aws_iam_policy_document), in the
# environments that exercise all of their statements (dynamic ones included).
CONTEXTS: dict[str, dict[str, Context]] = {
    "ecs-service": {
        "dev": Context(
            variables={"ecr_repository_arn": REPOSITORY},
            facts={
                **DATA,
                "aws_cloudwatch_log_group.this.arn": (
                    f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/hello-dev"
                ),
            },
        ),
    },
    "alb": {
        "prod": Context(
            variables={"name": "hello-prod"},
            facts={
                **DATA,
                "data.aws_caller_identity.current.account_id": PROD_ACCOUNT,
                "data.aws_elb_service_account.this.arn": "arn:aws:iam::127311923021:root",
                "aws_s3_bucket.access_logs.arn": f"arn:aws:s3:::hello-prod-alb-logs-{PROD_ACCOUNT}",
            },
        ),
    },
    "alerts": {
        "prod": Context(
            variables={"name": "hello-prod"},
            facts={
                **DATA,
                "data.aws_caller_identity.current.account_id": PROD_ACCOUNT,
                "aws_sns_topic.this.arn": f"arn:aws:sns:{REGION}:{PROD_ACCOUNT}:hello-prod-alerts",
            },
        ),
    },
    "ecr": {
        "dev": Context(
            variables={
                "pull_account_ids": [PROD_ACCOUNT],
                "release_tag_role_arns": [PROD_DEPLOY_ROLE],
            },
            facts=DATA,
        ),
    },
}


# What each trust or resource policy is attached to (see as_identity_policy).
_ROLE = f"arn:aws:iam::{ACCOUNT}:role/hello-dev"
# The ci-roles roles GitHub's OIDC tokens assume.
GITHUB_ROLES = ("publish", "deploy", "infra", "plan")
ATTACHED_TO = {
    **{("ci-roles-policies", f"{role}.trust"): f"{_ROLE}-{role}" for role in GITHUB_ROLES},
    ("ci-roles-policies", "release-reader.trust"): f"{_ROLE}-release-reader",
    ("ecs-service", "ecs_tasks_trust"): f"{_ROLE}-task",
    ("ecr", "pull"): REPOSITORY,
    ("alb", "access_logs"): f"arn:aws:s3:::hello-prod-alb-logs-{PROD_ACCOUNT}",
    (
        "alerts",
        "key",
    ): f"arn:aws:kms:{REGION}:{PROD_ACCOUNT}:key/00000000-0000-0000-0000-000000000000",
    ("alerts", "topic"): f"arn:aws:sns:{REGION}:{PROD_ACCOUNT}:hello-prod-alerts",
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
        "alerts",
        "key",
        'In a KMS key policy "*" means the key the policy is attached to, nothing else.',
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "alerts",
        "key",
        "The account administers its own key, policy included; without kms:PutKeyPolicy "
        "for the account, AWS's lockout check refuses the key.",
        "kms:putkeypolicy",
    ),
    Suppression(
        "UNKNOWN_PRINCIPAL",
        "alb",
        "access_logs",
        "The principal is the region's Elastic Load Balancing account "
        "(data.aws_elb_service_account), which AWS documents for log delivery; parliament "
        "does not know AWS-owned accounts.",
    ),
    Suppression(
        "UNKNOWN_FEDERATION_SOURCE",
        "ci-roles-policies",
        _TRUSTS,
        "GitHub's OIDC provider (token.actions.githubusercontent.com) is a web identity "
        "provider parliament does not list; the sub and aud conditions pin who may use it",
        mentions="oidc-provider/token.actions.githubusercontent.com",
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles-policies",
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
        "ci-roles-policies",
        "deploy.inline.release",
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
        "ci-roles-policies",
        "deploy.inline.release",
        "iam:PassRole of the two task roles only, to ecs-tasks.amazonaws.com only (PassTaskRoles)",
        mentions="iam:passrole",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "infra.inline.iam",
        "the infra role manages the two task roles, only with the permissions boundary "
        "attached (TaskRolesWithBoundary), and the service-linked roles AWS defines; "
        "ci-roles-policies' tests assert the boundary condition and the denies",
        mentions="iam:createrole",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-compute",
        "iam:PassRole of the two task roles only, to ecs-tasks.amazonaws.com only "
        "(PassTaskRoles), for the task definitions the infra role registers",
        mentions="iam:passrole",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-edge",
        "the policies of the edge's own resources: the access-log bucket's, the web ACL "
        "and the log resource policy WAF logging needs, each scoped to the environment",
        mentions="s3:putbucketpolicy",
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-alerts",
        "the alerts key's policy and topic, created with and managed only under the project's tags",
        mentions="kms:putkeypolicy",
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles-policies",
        "infra.inline.iam",
        "the Service Authorization Reference lists iam:PermissionsBoundary for DeleteRole "
        "and UpdateRoleDescription; parliament's IAM database predates that",
        mentions="iam:PermissionsBoundary",
    ),
    Suppression(
        "MISMATCHED_TYPE",
        "ci-roles-policies",
        "deploy.inline.release",
        "the provider writes every condition value as a string; IAM compares Bool "
        'conditions against the string "false"',
        mentions="BoolIfExists",
    ),
    Suppression(
        "RESOURCE_STAR",
        "ci-roles-policies",
        "deploy.inline.release",
        "ecs:ListTasks is authorised on container instances, which Fargate has none of; "
        "the ecs:cluster condition scopes it to the service's cluster",
        mentions="ecs:ListTasks",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "the platform has an application load balancer only: parliament requires the "
        "network load balancer's listener and rule ARNs too",
        mentions="/net/",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "CreateSecurityGroup is split as AWS documents it: on the VPC without conditions, "
        "on the new group with the project's request tags (SecurityGroupCreate)",
        mentions='"ec2:CreateSecurityGroup"',
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-alerts",
        "KMS alias calls are authorised on the alias and on its key, split as AWS documents "
        "it: the alerts alias by name (AlertsKeyAlias), the key by the project's tags "
        "(AlertsKeyOfTheEnvironment), which an alias ARN cannot carry",
        mentions="kms:CreateAlias",
    ),
    Suppression(
        "RESOURCE_STAR",
        "ci-roles-policies",
        "managed.infra-edge",
        "the tags RequestCertificate sets are authorised as acm:AddTagsToCertificate before "
        "the certificate has an ARN (CertificateTagOnRequest); request tags and the "
        "IfExists resource tags scope it",
        mentions="acm:AddTagsToCertificate",
    ),
    Suppression(
        "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
        "ci-roles-policies",
        "managed.infra-edge",
        "the infra role manages the access-log bucket's policy and lifecycle (alb module); "
        "DenyAccessLogObjects (and, with deletion protection, DenyAccessLogObjectsDelete) "
        "outweighs anything a bucket policy could grant it, and retention is reviewed "
        "configuration like any other (test_ci_roles_security)",
        mentions="-alb-logs-",
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "ModifySecurityGroupRules is authorised on the group and on the rule, split by "
        "resource type: on groups with the project's tags (SecurityGroupsOfTheProject), on "
        "rules without (a rule has no tags before it exists; its group decides)",
        mentions='[{"action": "ec2:ModifySecurityGroupRules", "required_format": '
        '"arn:*:ec2:*:*:security-group-rule/*"}]',
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "the rule half of the same split (SecurityGroupRules): the calls authorised on a "
        "rule as well as on its group, whose tags SecurityGroupsOfTheProject checks",
        mentions='[{"action": "ec2:AuthorizeSecurityGroupEgress", "required_format": '
        '"arn:*:ec2:*:*:security-group/*"}, {"action": "ec2:AuthorizeSecurityGroupIngress", '
        '"required_format": "arn:*:ec2:*:*:security-group/*"}, {"action": '
        '"ec2:ModifySecurityGroupRules", "required_format": "arn:*:ec2:*:*:security-group/*"}]',
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


def rendered_policies() -> Iterator[tuple[str, str, str, Policy]]:
    """(module, environment, document, policy) for every policy of its own (a document that
    only feeds `source_policy_documents` is linted as part of the documents it feeds)."""
    for module, environments in CONTEXTS.items():
        for environment, context in environments.items():
            for document, policy in policies(MODULES / module, context).items():
                yield module, environment, document, policy
    for module, layouts in POLICY_MODULES.items():
        for layout, variables in layouts.items():
            for document, policy in documents(module, variables).items():
                yield module, layout, document, policy


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


def lint(policy: Policy, *, module: str, environment: str, document: str) -> list[Finding]:
    # Imported late: it loads its IAM database. It ships no type information.
    from parliament import analyze_policy_string  # type: ignore[import-untyped]

    if any("Principal" in s for s in policy["Statement"]):
        attached = ATTACHED_TO.get((module, document))
        if attached is None:
            raise KeyError(f"{module}/{document} has principals: name its resource in ATTACHED_TO")
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
    missing = modules_with_documents() - set(CONTEXTS)
    if missing:
        print(f"no example environment for the policy documents of {sorted(missing)}")
        return 1
    findings: list[Finding] = []
    policies = 0
    for module, environment, document, policy in rendered_policies():
        policies += 1
        findings.extend(lint(policy, module=module, environment=environment, document=document))
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
