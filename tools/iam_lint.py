"""Lints every IAM policy the modules produce with parliament (`nox -s infra`).

`python tools/iam_lint.py [OUTPUT.json]` takes every document of every case in
tools/policy_cases.py, as the real OpenTofu computes it, runs parliament on each one and
fails on any finding that SUPPRESSIONS does not name with its reason. A suppression that
no longer matches anything fails too, so the list cannot go stale.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

from tools.policy_cases import all_documents, uncovered_modules
from tools.policy_documents import Policy


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


def rendered_policies() -> Iterator[tuple[str, str, str, Policy, str | None]]:
    """(module, layout, document, policy, attached to) for every IAM policy the policy
    modules produce (the ECR lifecycle policy, which has no statements, is no IAM policy)."""
    for document in all_documents():
        if "Statement" in document.policy:
            yield (
                document.module, document.layout, document.name, document.policy,
                document.attached_to,
            )  # fmt: skip


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
    analysed = analyze_policy_string(
        json.dumps(policy, indent=2, sort_keys=True), include_community_auditors=True
    )
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
    missing = uncovered_modules()
    if missing:
        print(f"no case in tools/policy_cases.py applies the policy modules {missing}")
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
