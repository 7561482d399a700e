"""Deployment alarms and alerts, per environment: the ecs-service and alerts modules
resolved with each environment's rendered inputs (tools/hcl_module.py), and the alerts
policies as OpenTofu computes them (tools/policy_documents.py)."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from tools.hcl_module import Module, Ref, block
from tools.policy_documents import documents
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


def metric_queries(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {query["id"]: query for query in block(alarm, "metric_query")}


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_deployment_alarms_roll_back_next_to_the_circuit_breaker(env: str) -> None:
    module = service_module(env)
    service = module.resource("aws_ecs_service")
    (breaker,) = block(service, "deployment_circuit_breaker")
    assert (breaker["enable"], breaker["rollback"]) == (True, True)
    (alarms,) = block(service, "alarms")
    assert (alarms["enable"], alarms["rollback"]) == (True, True)
    names = set(alarms["alarm_names"])
    prefix = module.var("name")
    assert names == {f"{prefix}-target-5xx-rate", f"{prefix}-target-p99-latency"}
    # Each name is an alarm the module creates, not a string that could drift from it.
    created = {alarm["alarm_name"] for alarm in module.resources(ALARM).values()}
    assert names <= created


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_5xx_rate_is_a_percentage_of_the_target_groups_requests(env: str) -> None:
    values = env_values(env)
    alarm = service_module(env).resource(ALARM, "target_5xx_rate")
    queries = metric_queries(alarm)
    (result,) = [q for q in queries.values() if q.get("return_data") is True]
    metrics = {
        q["metric"][0]["metric_name"]: (name, q["metric"][0])
        for name, q in queries.items()
        if "metric" in q
    }
    errors, error_metric = metrics["HTTPCode_Target_5XX_Count"]
    requests, request_metric = metrics["RequestCount"]
    for metric in (error_metric, request_metric):
        assert metric["namespace"] == "AWS/ApplicationELB"
        assert metric["stat"] == "Sum"
        assert metric["period"] == values["alarm_period_seconds"]
        assert isinstance(metric["dimensions"]["TargetGroup"], Ref)  # this service's group
        assert metric["dimensions"]["LoadBalancer"]
    expression = result["expression"]
    assert re.search(rf"100 \* .*\b{errors}\b.* / {requests}\b", expression), expression
    assert alarm["comparison_operator"] == "GreaterThanThreshold"
    assert alarm["threshold"] == values["alarm_5xx_rate_percent"]
    assert alarm["treat_missing_data"] == "notBreaching"
    assert alarm["evaluation_periods"] == values["alarm_evaluation_periods"]
    assert alarm["datapoints_to_alarm"] == values["alarm_datapoints_to_alarm"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_p99_latency_alarm_uses_env_thresholds(env: str) -> None:
    values = env_values(env)
    alarm = service_module(env).resource(ALARM, "target_p99_latency")
    assert alarm["namespace"] == "AWS/ApplicationELB"
    assert alarm["metric_name"] == "TargetResponseTime"
    assert alarm["extended_statistic"] == "p99"
    assert isinstance(alarm["dimensions"]["TargetGroup"], Ref)
    assert alarm["comparison_operator"] == "GreaterThanThreshold"
    assert alarm["threshold"] == values["alarm_p99_latency_seconds"]
    assert alarm["period"] == values["alarm_period_seconds"]
    assert alarm["evaluation_periods"] == values["alarm_evaluation_periods"]
    assert alarm["treat_missing_data"] == "notBreaching"


def test_dev_alarms_are_never_looser_than_prods() -> None:
    """Prod receives only what dev ran with its alarms OK."""
    dev, prod = env_values("dev"), env_values("prod")
    assert dev["alarm_5xx_rate_percent"] <= prod["alarm_5xx_rate_percent"]
    assert dev["alarm_p99_latency_seconds"] <= prod["alarm_p99_latency_seconds"]
    assert dev["alarm_datapoints_to_alarm"] <= prod["alarm_datapoints_to_alarm"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_notifies_the_environments_alerts_topic(env: str) -> None:
    config = load(env, "ecs-service")
    dependency = config["dependency"]["alerts"]
    assert Path(dependency["config_path"]).resolve().name == "alerts"
    assert Path(dependency["config_path"]).resolve().parent.name == env
    topic = dependency["mock_outputs"]["topic_arn"]
    assert config["inputs"]["alarm_actions"] == [topic]
    alarms = service_module(env).resources(ALARM)
    assert len(alarms) >= 2
    for name, alarm in alarms.items():
        assert alarm["alarm_actions"] == [topic], name
        assert alarm["ok_actions"] == [topic], name
        assert alarm["alarm_name"].startswith(f"{config['inputs']['name']}-"), name
    alerts = alerts_module(env)
    assert alerts.resource("aws_sns_topic")["name"] == f"{alerts.var('name')}-alerts"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_alerts_topic_is_encrypted_with_a_key_cloudwatch_may_use(env: str) -> None:
    module = alerts_module(env)
    topic = module.resource("aws_sns_topic")
    assert topic["kms_master_key_id"] == Ref("aws_kms_key.this.arn")  # not alias/aws/sns
    assert module.resource("aws_kms_key")["enable_key_rotation"] is True
    assert module.resource("aws_sns_topic_policy")["arn"] == Ref("aws_sns_topic.this.arn")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_of_the_service_may_use_the_key_and_publish(env: str) -> None:
    """The alerts policies as OpenTofu computes them for the environment's alerts unit,
    against the names the ecs-service unit gives its alarms."""
    values = env_values(env)
    region, account = values["aws_region"], values["account_id"]
    name = load(env, "alerts")["inputs"]["name"]
    policies = documents(
        "alerts-policies",
        {
            "partition": "aws",
            "region": region,
            "account_id": account,
            "alarm_name_prefix": f"{name}-",
            "topic_arn": f"arn:aws:sns:{region}:{account}:{name}-alerts",
        },
    )
    alarm_arns = [
        f"arn:aws:cloudwatch:{region}:{account}:alarm:{alarm['alarm_name']}"
        for alarm in service_module(env).resources(ALARM).values()
    ]
    assert alarm_arns

    def cloudwatch_may(document: str, actions: set[str]) -> None:
        granted = [
            s
            for s in policies[document]["Statement"]
            if s["Effect"] == "Allow"
            and s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
            and actions <= set(as_list(s["Action"]))
        ]
        assert granted, f"{document}: CloudWatch may not {sorted(actions)}"
        for statement in granted:
            conditions = statement["Condition"]
            assert as_list(conditions["StringEquals"]["aws:SourceAccount"]) == [account]
            patterns = as_list(conditions["ArnLike"]["aws:SourceArn"])
            for arn in alarm_arns:
                assert any(fnmatch(arn, pattern) for pattern in patterns), (arn, patterns)

    cloudwatch_may("key_policy", {"kms:Decrypt", "kms:GenerateDataKey"})
    cloudwatch_may("topic_policy", {"sns:Publish"})


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_email_subscriptions_come_from_env_hcl(env: str) -> None:
    emails = env_values(env)["alert_emails"]
    emails = emails if isinstance(emails, list) else [emails]
    assert emails, f"{env}/env.hcl: alert_emails is empty: alerts would reach nobody"
    module = alerts_module(env)
    (subscription,) = module.resources("aws_sns_topic_subscription").values()
    assert subscription["protocol"] == "email"
    assert subscription["for_each"] == sorted(set(emails))
    assert subscription["endpoint"] == Ref("each.value")
    assert subscription["topic_arn"] == Ref("aws_sns_topic.this.arn")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarm_windows_are_ones_cloudwatch_accepts(env: str) -> None:
    values = env_values(env)
    assert 1 <= values["alarm_datapoints_to_alarm"] <= values["alarm_evaluation_periods"]
    period = values["alarm_period_seconds"]
    assert period in (10, 30) or period % 60 == 0
    # ECS waits this window out after every rollout: minutes, not an hour.
    assert period * values["alarm_evaluation_periods"] <= 600
