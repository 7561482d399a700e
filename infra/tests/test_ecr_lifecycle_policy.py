"""The image repository's lifecycle policy, as the dev/ecr unit gets it, against ECR's rules.

The policy is the ecr-policies module's, as OpenTofu computes it with the settings the
dev/ecr unit gives the ecr module (its rendered inputs and the module's defaults). The
rule order the ECR User Guide requires is tested on the module itself
(infra/modules/ecr-policies/tests/lifecycle_policy.tftest.hcl); here: the unit's settings
reach the policy, and moto's ECR accepts it on PutLifecyclePolicy. Which images the
policy expires is ECR's own and only shows online (infra/modules/ecr/README.md).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tools.policy_documents import documents, variable_values
from tools.rendered import load

Policy = dict[str, Any]

RETENTION = ("keep_prod_releases", "keep_dev_releases", "keep_builds", "untagged_expiry_days")


UNIT = load("dev", "ecr")["inputs"]
SETTINGS = variable_values("ecr", UNIT, RETENTION)
POLICY: Policy = documents(
    "ecr-policies",
    {
        "partition": "aws",
        "pull_account_ids": UNIT["pull_account_ids"],
        "release_tag_role_arns": UNIT["release_tag_role_arns"],
        **SETTINGS,
    },
)["lifecycle_policy"]


def test_the_protective_rules_count_what_the_unit_asks_for() -> None:
    """The unit's retention settings (infra/live/dev/env.hcl) are the counts of the prod
    and dev release rules, which the module puts first (its tofu tests)."""
    prod, dev = (rule["selection"] for rule in POLICY["rules"][:2])
    assert (prod["tagPatternList"], prod["countNumber"]) == (["prod-*"], UNIT["keep_prod_releases"])
    assert (dev["tagPatternList"], dev["countNumber"]) == (["dev-*"], UNIT["keep_dev_releases"])
    assert POLICY["rules"][-1]["selection"]["countNumber"] == UNIT["keep_builds"]


def test_every_count_is_at_least_one() -> None:
    """ECR User Guide, "Lifecycle policy properties in Amazon ECR", Image count:
    countNumber is a positive integer."""
    counts = [rule["selection"]["countNumber"] for rule in POLICY["rules"]]
    assert all(isinstance(n, int) and n >= 1 for n in counts), counts


def test_contract_defaults_keep_ten_prod_and_five_dev_releases() -> None:
    defaults = variable_values(
        "ecr", {"name": "hello"}, ("keep_prod_releases", "keep_dev_releases")
    )
    assert defaults == {"keep_prod_releases": 10, "keep_dev_releases": 5}


def put_lifecycle_policy(policy: Policy) -> str:
    """PutLifecyclePolicy of `policy` on a new repository in moto's ECR; the stored text."""
    with mock_aws():
        ecr = boto3.client("ecr", region_name="eu-west-1")
        ecr.create_repository(repositoryName=UNIT["name"])
        ecr.put_lifecycle_policy(
            repositoryName=UNIT["name"], lifecyclePolicyText=json.dumps(policy)
        )
        text: str = ecr.get_lifecycle_policy(repositoryName=UNIT["name"])["lifecyclePolicyText"]
    return text


def test_ecr_accepts_the_policy() -> None:
    assert json.loads(put_lifecycle_policy(POLICY)) == POLICY


def _selection(index: int, **changes: Any) -> Callable[[Policy], None]:
    def mutate(policy: Policy) -> None:
        policy["rules"][index]["selection"].update(changes)

    return mutate


def _action(policy: Policy) -> None:
    policy["rules"][0]["action"] = {"type": "delete"}


def _unknown_property(policy: Policy) -> None:
    selection = policy["rules"][0]["selection"]
    selection["tagPatterns"] = selection.pop("tagPatternList")


# What moto's EcrLifecyclePolicyValidator checks (moto/ecr/policy_validation.py): the rule,
# action and selection properties, the enums and countNumber >= 1. It does not check the
# rule order (`any` last, unique priorities): the module's tofu tests hold that.
@pytest.mark.parametrize(
    ("mutate", "refusal"),
    [
        (_selection(0, countNumber=0), "lower than the required minimum (minimum: 1, found: 0)"),
        (_selection(1, tagStatus="released"), "instance value (released) not found in enum"),
        (_selection(2, countUnit="hours"), "instance value (hours) not found in enum"),
        (_selection(3, countType="imageCountLessThan"), "failed to match exactly one schema"),
        (_action, "instance value (delete) not found in enum"),
        (_unknown_property, 'not allowed by the schema: (["tagPatterns"])'),
    ],
    ids=["count-0", "tag-status", "count-unit", "count-type", "action", "unknown-property"],
)
def test_ecr_refuses_a_broken_copy(mutate: Callable[[Policy], None], refusal: str) -> None:
    policy = copy.deepcopy(POLICY)
    mutate(policy)
    with pytest.raises(ClientError) as refused:
        put_lifecycle_policy(policy)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert refusal in refused.value.response["Error"]["Message"]
