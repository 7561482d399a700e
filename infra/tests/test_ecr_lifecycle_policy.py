"""Each image repository's lifecycle policy, as its ecr unit gets it, against ECR's rules.

The policy is the ecr-policies module's, as OpenTofu computes it with the settings each
<env>/ecr unit gives the ecr module (its rendered inputs, checked by the module's own
validations). The rule order the ECR User Guide requires is tested on the module itself
(infra/modules/ecr-policies/tests/lifecycle_policy.tftest.hcl); here: each unit's settings
reach its policy, prod's repository keeps what prod runs whatever anyone tags, and moto's
ECR accepts each policy on PutLifecyclePolicy. Which images a policy expires is ECR's own
and only shows online (infra/modules/ecr/README.md).
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

from tools.policy_documents import TofuFailed, documents, variable_values
from tools.project import ENVIRONMENTS
from tools.rendered import load

Policy = dict[str, Any]

SETTINGS = ("pull_account_ids", "keep_images", "untagged_expiry_days")


def unit(env: str) -> dict[str, Any]:
    inputs: dict[str, Any] = load(env, "ecr")["inputs"]
    return inputs


def policy(env: str) -> Policy:
    """The lifecycle policy of `env`'s repository: the module's variables as the unit sets
    them (validated by tofu), then ecr-policies with them."""
    settings = variable_values("ecr", unit(env), SETTINGS)
    found: Policy = documents("ecr-policies", {"partition": "aws", **settings})["lifecycle_policy"]
    return found


POLICIES = {env: policy(env) for env in ENVIRONMENTS}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_no_rule_selects_by_tag(env: str) -> None:
    """A tag anyone pushes cannot make ECR expire an image it would otherwise keep."""
    for rule in POLICIES[env]["rules"]:
        assert set(rule["selection"]) <= {"tagStatus", "countType", "countUnit", "countNumber"}
        assert rule["selection"]["tagStatus"] in {"any", "untagged"}


def test_prods_repository_keeps_its_newest_images_and_nothing_expires_by_age() -> None:
    """What prod runs and can roll back to: the newest `keep_images` copies, at least two,
    all untagged; an age rule on untagged images would expire every one of them."""
    (rule,) = POLICIES["prod"]["rules"]
    assert rule["selection"] == {
        "tagStatus": "any",
        "countType": "imageCountMoreThan",
        "countNumber": unit("prod")["keep_images"],
    }
    assert rule["selection"]["countNumber"] >= 2
    assert unit("prod")["untagged_expiry_days"] is None


def test_the_build_repository_drops_interrupted_pushes_then_keeps_the_newest_builds() -> None:
    untagged, newest = (rule["selection"] for rule in POLICIES["dev"]["rules"])
    assert (untagged["tagStatus"], untagged["countNumber"]) == (
        "untagged", unit("dev")["untagged_expiry_days"],
    )  # fmt: skip
    assert (newest["tagStatus"], newest["countNumber"]) == ("any", unit("dev")["keep_images"])


def test_the_module_refuses_to_keep_fewer_than_two_images() -> None:
    with pytest.raises(TofuFailed, match="Keep at least 2 images"):
        variable_values("ecr", {**unit("prod"), "keep_images": 1}, SETTINGS)


def put_lifecycle_policy(env: str, policy: Policy) -> str:
    """PutLifecyclePolicy of `policy` on a new repository in moto's ECR; the stored text."""
    name = unit(env)["name"]
    with mock_aws():
        ecr = boto3.client("ecr", region_name="eu-west-1")
        ecr.create_repository(repositoryName=name)
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=json.dumps(policy))
        text: str = ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
    return text


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ecr_accepts_the_policy(env: str) -> None:
    assert json.loads(put_lifecycle_policy(env, POLICIES[env])) == POLICIES[env]


def _selection(index: int, **changes: Any) -> Callable[[Policy], None]:
    def mutate(policy: Policy) -> None:
        policy["rules"][index]["selection"].update(changes)

    return mutate


def _action(policy: Policy) -> None:
    policy["rules"][0]["action"] = {"type": "delete"}


def _unknown_property(policy: Policy) -> None:
    policy["rules"][0]["selection"]["tagPatterns"] = ["prod-*"]


# What moto's EcrLifecyclePolicyValidator checks (moto/ecr/policy_validation.py): the rule,
# action and selection properties, the enums and countNumber >= 1. It does not check the
# rule order (`any` last, unique priorities): the module's tofu tests hold that.
@pytest.mark.parametrize(
    ("mutate", "refusal"),
    [
        (_selection(1, countNumber=0), "lower than the required minimum (minimum: 1, found: 0)"),
        (_selection(1, tagStatus="released"), "instance value (released) not found in enum"),
        (_selection(0, countUnit="hours"), "instance value (hours) not found in enum"),
        (_selection(1, countType="imageCountLessThan"), "failed to match exactly one schema"),
        (_action, "instance value (delete) not found in enum"),
        (_unknown_property, 'not allowed by the schema: (["tagPatterns"])'),
    ],
    ids=["count-0", "tag-status", "count-unit", "count-type", "action", "unknown-property"],
)
def test_ecr_refuses_a_broken_copy(mutate: Callable[[Policy], None], refusal: str) -> None:
    broken = copy.deepcopy(POLICIES["dev"])
    mutate(broken)
    with pytest.raises(ClientError) as refused:
        put_lifecycle_policy("dev", broken)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert refusal in refused.value.response["Error"]["Message"]
