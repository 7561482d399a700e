"""Lints every IAM policy the modules produce with parliament (`nox -s infra`).

`python tools/iam_lint.py [OUTPUT.json]` takes every document of every case in
tools/policy_cases.py, as the real OpenTofu computes it, runs parliament on each one and
fails on any finding that SUPPRESSIONS does not name with its reason. A suppression that
no longer matches anything fails too, so the list cannot go stale.
"""

from __future__ import annotations

import json
import re
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
    document: str  # a glob over the module's document names
    reason: str
    # Exactly the findings it accepts, each as `subject` writes it: every one must match a
    # finding, and a finding it does not list is not suppressed.
    findings: tuple[str, ...]


# Every finding parliament reports that is accepted, and why.
_TRUSTS = "*trust*"
SUPPRESSIONS: tuple[Suppression, ...] = (
    Suppression(
        "RESOURCE_STAR",
        "alerts-policies",
        "key_policy",
        'In a KMS key policy "*" means the key the policy is attached to, nothing else.',
        findings=(
            "kms:CancelKeyDeletion,kms:CreateAlias,kms:Decrypt,kms:DeleteAlias,kms:DescribeKey,km"
            "s:DisableKey,kms:DisableKeyRotation,kms:EnableKey,kms:EnableKeyRotation,kms:Generate"
            "DataKey,kms:GetKeyPolicy,kms:GetKeyRotationStatus,kms:ListGrants,kms:ListKeyRotation"
            "s,kms:ListResourceTags,kms:PutKeyPolicy,kms:ScheduleKeyDeletion,kms:TagResource,kms:"
            "UntagResource,kms:UpdateAlias,kms:UpdateKeyDescription",
            "kms:Decrypt,kms:GenerateDataKey",
        ),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "alerts-policies",
        "key_policy",
        "The account administers its own key, policy included; without kms:PutKeyPolicy for the "
        "account, AWS's lockout check refuses the key.",
        findings=("kms:putkeypolicy",),
    ),
    Suppression(
        "UNKNOWN_FEDERATION_SOURCE",
        "ci-roles-policies",
        _TRUSTS,
        "GitHub's OIDC provider (token.actions.githubusercontent.com) is a web identity provider "
        "parliament does not list; the sub and aud conditions pin who may use it",
        findings=("arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",),
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles-policies",
        _TRUSTS,
        "token.actions.githubusercontent.com:aud and :sub are the OIDC provider's claims, the "
        "documented keys for GitHub web identity federation",
        findings=(
            "Unknown condition token.actions.githubusercontent.com:aud for action "
            "sts:AssumeRoleWithWebIdentity",
            "Unknown condition token.actions.githubusercontent.com:sub for action "
            "sts:AssumeRoleWithWebIdentity",
        ),
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "*",
        _TRUSTS,
        "a trust policy's purpose is to hand out the role's credentials, to the one principal or "
        "subject it names",
        findings=(
            "sts:assumerole",
            "sts:assumerolewithwebidentity",
        ),
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "ci-roles-policies",
        "deploy.inline.release",
        "sts:AssumeRole of dev's release-reader role only (PromotionSourceAssume): promotion "
        "reads dev's service from prod's account; ecr:GetAuthorizationToken is its workflow's "
        "registry login, for gh attestation verify",
        findings=("ecr:getauthorizationtoken,sts:assumerole",),
    ),
    Suppression(
        "CREDENTIALS_EXPOSURE",
        "*",
        "*",
        "ecr:GetAuthorizationToken is `docker login` to ECR; every image pull and push needs it",
        findings=("ecr:getauthorizationtoken",),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "deploy.inline.release",
        "iam:PassRole of the two task roles only, to ecs-tasks.amazonaws.com only (PassTaskRoles)",
        findings=("iam:passrole",),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "infra.inline.iam",
        "the infra role manages the two task roles, only with the permissions boundary attached "
        "(TaskRolesWithBoundary), and the service-linked roles AWS defines; ci-roles-policies' "
        "tests assert the boundary condition and the denies",
        findings=(
            "iam:attachrolepolicy,iam:createrole,iam:createservicelinkedrole,iam:deleterole,iam:d"
            "eleterolepolicy,iam:detachrolepolicy,iam:putrolepermissionsboundary,iam:putrolepolic"
            "y,iam:updateroledescription",
        ),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-compute",
        "iam:PassRole of the two task roles only, to ecs-tasks.amazonaws.com only "
        "(PassTaskRoles), for the task definitions the infra role registers; the repository "
        "policy of the environment's own image repository only (EcrRepository)",
        findings=("ecr:setrepositorypolicy,iam:passrole",),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-edge",
        "the policies of the edge's own resources: the access-log bucket's, the web ACL and the "
        "log resource policy WAF logging needs, each scoped to the environment; with deletion "
        "protection the bucket's policy and public access block are denied by the infra role's "
        "inline `logs` policy (infra_logs.tf), which parliament reads as a document of its own",
        findings=(
            "logs:putresourcepolicy,s3:deletebucketpolicy,s3:putbucketpolicy,s3:putbucketpublicac"
            "cessblock,wafv2:createwebacl,wafv2:deletewebacl,wafv2:updatewebacl",
        ),
    ),
    Suppression(
        "PERMISSIONS_MANAGEMENT_ACTIONS",
        "ci-roles-policies",
        "managed.infra-alerts",
        "the alerts topic and its policy, the environment's topic by name",
        findings=("sns:createtopic,sns:settopicattributes",),
    ),
    Suppression(
        "UNKNOWN_CONDITION_FOR_ACTION",
        "ci-roles-policies",
        "infra.inline.iam",
        "the Service Authorization Reference lists iam:PermissionsBoundary for DeleteRole and "
        "UpdateRoleDescription; parliament's IAM database predates that",
        findings=(
            "Unknown condition iam:PermissionsBoundary for action iam:DeleteRole",
            "Unknown condition iam:PermissionsBoundary for action iam:UpdateRoleDescription",
        ),
    ),
    Suppression(
        "MISMATCHED_TYPE",
        "ci-roles-policies",
        "deploy.inline.release",
        "the provider writes every condition value as a string; IAM compares Bool conditions "
        'against the string "false"',
        findings=("Type mismatch: BoolIfExists requires a value of type Bool but given String",),
    ),
    Suppression(
        "RESOURCE_STAR",
        "ci-roles-policies",
        "deploy.inline.release",
        "ecs:ListTasks is authorised on container instances, which Fargate has none of; the "
        "ecs:cluster condition scopes it to the service's cluster",
        findings=("ecs:ListTasks",),
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "the platform has an application load balancer only: parliament requires the network load"
        " balancer's listener and rule ARNs too",
        findings=(
            "elasticloadbalancing:DeleteRule,elasticloadbalancing:ModifyRule on "
            "arn:*:elasticloadbalancing:*:*:listener-rule/net/*/*/*/*; elasticloadbalancing:Creat"
            "eRule,elasticloadbalancing:DeleteListener,elasticloadbalancing:ModifyListener,elasti"
            "cloadbalancing:ModifyListenerAttributes on "
            "arn:*:elasticloadbalancing:*:*:listener/net/*/*/*",
        ),
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "CreateSecurityGroup is split as AWS documents it: on the VPC without conditions, on the "
        "new group with the project's request tags (SecurityGroupCreate)",
        findings=("ec2:CreateSecurityGroup on arn:*:ec2:*:*:security-group/*",),
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "the private network's creates are split the same way (infra_network_private.tf): on the"
        " VPC without conditions, on the new subnet, route table or endpoint with the project's"
        " request tags, and an endpoint's subnets, route table and security group by their tags",
        findings=(
            "ec2:CreateRouteTable on arn:*:ec2:*:*:route-table/*; ec2:CreateSubnet on arn:*:ec2:"
            "*:*:subnet/*; ec2:CreateVpcEndpoint on arn:*:ec2:*:*:vpc-endpoint/*",
            "ec2:CreateRouteTable,ec2:CreateSubnet on arn:*:ec2:*:*:vpc/*",
            "ec2:CreateVpcEndpoint on arn:*:ec2:*:*:vpc/*",
            "ec2:CreateVpcEndpoint,ec2:ModifyVpcEndpoint on arn:*:ec2:*:*:vpc-endpoint/*; ec2:Cre"
            "ateVpcEndpoint on arn:*:ec2:*:*:vpc/*",
        ),
    ),
    Suppression(
        "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
        "ci-roles-policies",
        "managed.infra-edge",
        "without deletion protection (dev) the infra role manages the access-log bucket's "
        "policy and lifecycle (alb module); DenyAccessLogObjects outweighs anything a bucket "
        "policy could grant it (test_ci_roles_security); with it (prod) both are denied by the "
        "infra role's inline `logs` policy (infra_logs.tf, tests/logs.tftest.hcl), which "
        "parliament reads as a document of its own",
        findings=(
            "Possible resource policy privilege escalation on "
            "arn:aws:s3:::hello-<env>-alb-logs-<account> due to s3:DeleteObject not being "
            "allowed, but does allow s3:PutBucketPolicy",
            "Possible resource policy privilege escalation on "
            "arn:aws:s3:::hello-<env>-alb-logs-<account> due to s3:DeleteObject not being "
            "allowed, but does allow s3:PutLifecycleConfiguration",
            "Possible resource policy privilege escalation on "
            "arn:aws:s3:::hello-<env>-alb-logs-<account> due to s3:GetObject not being allowed, "
            "but does allow s3:PutBucketPolicy",
            "Possible resource policy privilege escalation on "
            "arn:aws:s3:::hello-<env>-alb-logs-<account> due to s3:PutObject not being allowed, "
            "but does allow s3:PutBucketPolicy",
        ),
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "ModifySecurityGroupRules is authorised on the group and on the rule, split by resource "
        "type: on groups with the project's tags (SecurityGroupsOfTheProject), on rules without "
        "(a rule has no tags before it exists; its group decides)",
        findings=("ec2:ModifySecurityGroupRules on arn:*:ec2:*:*:security-group-rule/*",),
    ),
    Suppression(
        "RESOURCE_MISMATCH",
        "ci-roles-policies",
        "managed.infra-network",
        "the rule half of the same split (SecurityGroupRules): the calls authorised on a rule as "
        "well as on its group, whose tags SecurityGroupsOfTheProject checks",
        findings=(
            "ec2:AuthorizeSecurityGroupEgress,ec2:AuthorizeSecurityGroupIngress,ec2:ModifySecurit"
            "yGroupRules on arn:*:ec2:*:*:security-group/*",
        ),
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


def subject(finding: Finding) -> str:
    """What a finding is about, the same in every layout: the actions (with the resource
    format AWS requires, for a mismatch), or its message with account ids and environment
    names written generically."""
    detail, location = json.loads(finding.detail), json.loads(finding.location)
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        by_format: dict[str, set[str]] = {}
        for item in detail:
            by_format.setdefault(item.get("required_format", ""), set()).add(item["action"])
        return "; ".join(f"{','.join(sorted(a))} on {f}" for f, a in sorted(by_format.items()))
    if isinstance(detail, list) and detail:
        return ",".join(sorted(map(str, detail)))
    if isinstance(detail, str) and detail:
        generic = re.sub(r"\d{12}", "<account>", detail)
        return re.sub(r"\b(\w+)-(dev|prod)-", r"\1-<env>-", generic)
    return ",".join(sorted(location.get("actions", [])))


def suppression_for(finding: Finding) -> Suppression | None:
    for suppression in SUPPRESSIONS:
        if (
            suppression.issue == finding.issue
            and fnmatch(finding.module, suppression.module)
            and fnmatch(finding.document, suppression.document)
            and subject(finding) in suppression.findings
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
    accepted = {(s, subject(f)) for f in findings if (s := suppression_for(f))}
    unused = [
        f"{s.module}/{s.document} {s.issue}: {listed}"
        for s in SUPPRESSIONS
        for listed in s.findings
        if (s, listed) not in accepted
    ]
    for finding in open_findings:
        print(f"  {finding.text()}")
    for acceptance in unused:
        print(f"  accepted but not found: {acceptance}")
    if argv:
        Path(argv[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(argv[0]).write_text(
            json.dumps([f.__dict__ for f in findings], indent=2, sort_keys=True) + "\n"
        )
    print(
        f"parliament: {policies} policies, {len(open_findings)} finding(s), "
        f"{len(findings) - len(open_findings)} suppressed with reasons "
        f"({len(accepted)} distinct findings accepted by {len(SUPPRESSIONS)} suppressions), "
        f"{len(unused)} accepted finding(s) not found"
    )
    return 1 if open_findings or unused else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
