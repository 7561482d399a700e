"""Deployment alarms and alerts, per environment, on the rendered Terragrunt inputs.

What the modules make of these inputs is checked where it is visible as written: the
alarms' arguments by checkov (infra/checkov: CKV2_PLATFORM_1 rollback, CKV2_PLATFORM_5
notifications and missing data, CKV_PLATFORM_6 the 5xx rate, CKV_PLATFORM_16 names),
the inputs' bounds by the modules' variable validations."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.project import ENVIRONMENTS
from tools.rendered import env_values, load

# The ecs-service inputs that set how sensitive the deployment alarms are; for each, a
# higher value is a looser alarm.
LOOSER_WHEN_HIGHER = (
    "target_5xx_rate_threshold",
    "target_5xx_min_requests",
    "target_p99_latency_threshold",
    "alarm_datapoints_to_alarm",
)


def service_inputs(env: str) -> dict[str, object]:
    inputs: dict[str, object] = load(env, "ecs-service")["inputs"]
    return inputs


def test_dev_alarms_are_never_looser_than_prods() -> None:
    """Prod receives only what dev ran with its alarms OK."""
    dev, prod = service_inputs("dev"), service_inputs("prod")
    for setting in LOOSER_WHEN_HIGHER:
        assert isinstance(dev[setting], int | float), setting
        assert dev[setting] <= prod[setting], setting  # type: ignore[operator]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_every_alarm_notifies_the_environments_alerts_topic(env: str) -> None:
    config = load(env, "ecs-service")
    dependency = config["dependency"]["alerts"]
    assert Path(dependency["config_path"]).resolve().name == "alerts"
    assert Path(dependency["config_path"]).resolve().parent.name == env
    topic = dependency["mock_outputs"]["topic_arn"]
    assert config["inputs"]["alarm_actions"] == [topic]
    # Only alarms named `<name>-*` may publish to the topic `<name>-alerts`: the service's
    # alarms are named after the same prefix (CKV_PLATFORM_16).
    assert config["inputs"]["name"] == load(env, "alerts")["inputs"]["name"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alerts_reach_somebody(env: str) -> None:
    emails = load(env, "alerts")["inputs"]["emails"]
    assert emails, f"{env}/env.hcl: alert_emails is empty: alerts would reach nobody"
    assert emails == env_values(env)["alert_emails"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_alarm_windows_are_ones_cloudwatch_accepts(env: str) -> None:
    inputs = service_inputs(env)
    datapoints, periods = inputs["alarm_datapoints_to_alarm"], inputs["alarm_evaluation_periods"]
    period = inputs["alarm_period"]
    assert isinstance(datapoints, int)
    assert isinstance(periods, int)
    assert isinstance(period, int)
    assert 1 <= datapoints <= periods
    assert period in (10, 30) or period % 60 == 0
    # ECS waits this window out after every rollout: minutes, not an hour.
    assert period * periods <= 600
