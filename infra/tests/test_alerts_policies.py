"""The alerts topic's key and topic policies: CloudWatch may use the key and publish only
for this environment's alarms in this account. Still read through the module evaluator
(tools/hcl_module.py) until these documents come from a provider-free policy module."""

from __future__ import annotations

from fnmatch import fnmatch
from typing import Any

import pytest

from tools.hcl_module import Module, Ref, block
from tools.project import ENVIRONMENTS
from tools.rendered import env_values, load

ALARM = "aws_cloudwatch_metric_alarm"


def service_module(env: str) -> Module:
    return Module("ecs-service", load(env, "ecs-service")["inputs"])


def alerts_module(env: str) -> Module:
    values = env_values(env)
    facts = {
        "data.aws_partition.current.partition": "aws",
        "data.aws_region.current.region": values["aws_region"],
        "data.aws_caller_identity.current.account_id": values["account_id"],
    }
    return Module("alerts", load(env, "alerts")["inputs"], facts)


def statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return block(document, "statement")


def principals(statement: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["type"], name) for p in block(statement, "principals") for name in p["identifiers"]}


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_alerts_topic_is_encrypted_with_a_key_cloudwatch_may_use(env: str) -> None:
    module = alerts_module(env)
    topic = module.resource("aws_sns_topic")
    assert topic["kms_master_key_id"] == Ref("aws_kms_key.this.arn")  # not alias/aws/sns
    key = module.resource("aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert key["policy"] == Ref("data.aws_iam_policy_document.key.json")
    alarm_names = [a["alarm_name"] for a in service_module(env).resources(ALARM).values()]
    values = env_values(env)

    def cloudwatch_may(document: str, actions: set[str]) -> None:
        granted = [
            s
            for s in statements(module.data("aws_iam_policy_document", document))
            if s.get("effect", "Allow") == "Allow"
            and ("Service", "cloudwatch.amazonaws.com") in principals(s)
            and actions <= set(s["actions"])
        ]
        assert granted, f"{document}: CloudWatch may not {sorted(actions)}"
        for statement in granted:
            conditions = {c["variable"]: c for c in block(statement, "condition")}
            assert conditions["aws:SourceAccount"]["values"] == [values["account_id"]]
            patterns = conditions["aws:SourceArn"]["values"]
            assert conditions["aws:SourceArn"]["test"] == "ArnLike"
            for name in alarm_names:
                arn = (
                    f"arn:aws:cloudwatch:{values['aws_region']}:{values['account_id']}:alarm:{name}"
                )
                assert any(fnmatch(arn, pattern) for pattern in patterns), (name, patterns)

    cloudwatch_may("key", {"kms:Decrypt", "kms:GenerateDataKey"})
    cloudwatch_may("topic", {"sns:Publish"})
    policy = module.resource("aws_sns_topic_policy")
    assert policy["arn"] == Ref("aws_sns_topic.this.arn")
