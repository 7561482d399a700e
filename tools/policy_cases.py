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

DEV_ACCOUNT = "111111111111"
PROD_ACCOUNT = "222222222222"
REGION = "us-east-1"
PARTITION = "aws"
SERVICE = "hello"
REPOSITORY_ARN = f"arn:aws:ecr:{REGION}:{DEV_ACCOUNT}:repository/{SERVICE}"


def role_arn(account: str, name: str) -> str:
    return f"arn:{PARTITION}:iam::{account}:role/{name}"


@dataclass(frozen=True)
class Case:
    module: str  # the policy module's folder in infra/modules
    layout: str  # dev, prod-own-account, prod-shared-account, ...
    account: str
    variables: dict[str, Any]
    # What each resource policy output is attached to (its Resource, for the linter).
    attached_to: dict[str, str] = field(default_factory=dict)


CASES: tuple[Case, ...] = ()


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
