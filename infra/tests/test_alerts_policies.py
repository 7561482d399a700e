"""The alerts topic's key and topic policies, as OpenTofu computes them for each
environment's alerts unit: CloudWatch may use the key and publish only for this
environment's alarms (`<name>-…`, the prefix checkov's CKV_PLATFORM_16 holds every alarm
of the ecs-service module to), in this account."""

from __future__ import annotations

from fnmatch import fnmatch

import pytest

from tools.policy_documents import Policy, documents
from tools.project import ENVIRONMENTS
from tools.rendered import env_values, load


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def alerts_policies(env: str) -> dict[str, Policy]:
    values = env_values(env)
    region, account = values["aws_region"], values["account_id"]
    name = load(env, "alerts")["inputs"]["name"]
    return documents(
        "alerts-policies",
        {
            "partition": "aws",
            "region": region,
            "account_id": account,
            "alarm_name_prefix": f"{name}-",
            "event_rule_name_prefix": f"{name}-release-audit-",
            "topic_arn": f"arn:aws:sns:{region}:{account}:{name}-alerts",
        },
    )


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize(
    ("document", "actions"),
    [("key_policy", {"kms:Decrypt", "kms:GenerateDataKey"}), ("topic_policy", {"sns:Publish"})],
)
def test_cloudwatch_may_use_the_key_and_publish_for_the_service_alarms_only(
    env: str, document: str, actions: set[str]
) -> None:
    values = env_values(env)
    region, account = values["aws_region"], values["account_id"]
    service = load(env, "ecs-service")["inputs"]["name"]
    alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:{service}-target-5xx-rate"
    foreign = f"arn:aws:cloudwatch:{region}:{account}:alarm:another-service-alarm"
    granted = [
        s
        for s in alerts_policies(env)[document]["Statement"]
        if s["Effect"] == "Allow"
        and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
        and actions <= set(as_list(s["Action"]))
    ]
    assert granted, f"{document}: CloudWatch may not {sorted(actions)}"
    for statement in granted:
        conditions = statement["Condition"]
        assert as_list(conditions["StringEquals"]["aws:SourceAccount"]) == [account]
        patterns = as_list(conditions["ArnLike"]["aws:SourceArn"])
        assert any(fnmatch(alarm, pattern) for pattern in patterns), patterns
        assert not any(fnmatch(foreign, pattern) for pattern in patterns), patterns
