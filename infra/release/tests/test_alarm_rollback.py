"""A rollout ECS rolls back says which safety net did it: circuit breaker or deployment alarms."""

from __future__ import annotations

from typing import Any

from hello_release import wait

from .conftest import ALARMS, SHA_A, Platform, Run


def test_moto_create_service_drops_deployment_alarms(platform: Platform) -> None:
    # Why EcsScheduler.set_deployment_alarms writes moto's backend state.
    created = platform.ecs.create_service(
        cluster="hello-dev",
        serviceName="other",
        taskDefinition="hello-dev",
        desiredCount=1,
        deploymentConfiguration={"alarms": {"alarmNames": ["x"], "enable": True, "rollback": True}},
    )["service"]
    assert "deploymentConfiguration" not in created


def test_an_alarm_rollback_names_the_alarm(platform: Platform, run: Run, alarms: Any) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "alarm-rollback"
    alarms.set_alarm_state(
        AlarmName="hello-dev-target-5xx-rate", StateValue="ALARM", StateReason="5xx above 1%"
    )
    assert (
        platform.service("dev")["deploymentConfiguration"]["alarms"]["alarmNames"]
        == (ALARMS["dev"])
    )

    result = run.deploy("dev", SHA_A)

    deployment = platform.service("dev")["deployments"][1]
    assert result.code == 1
    assert result.err == (
        "hello-release deploy: hello-dev:2 was rolled back by deployment alarm(s)"
        f" hello-dev-target-5xx-rate (ECS deployment {deployment['id']} failed: alarm(s)"
        " detected.); hello-dev runs hello-dev:1 again;"
        " registered hello-dev:2, updated service hello-dev to hello-dev:2\n"
    )
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:1")


def test_an_alarm_rollback_after_the_alarm_cleared(
    platform: Platform, run: Run, alarms: Any
) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "alarm-rollback"

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert "was rolled back by deployment alarm(s) (none in ALARM any more) (ECS" in result.err


def test_a_circuit_breaker_rollback_is_not_blamed_on_alarms(
    platform: Platform, run: Run, alarms: Any
) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "circuit-breaker"
    alarms.set_alarm_state(
        AlarmName="hello-dev-target-p99-latency", StateValue="ALARM", StateReason="slow"
    )

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert "hello-dev:2 was rolled back by the deployment circuit breaker (ECS deployment" in (
        result.err
    )
    assert "alarm(s)" not in result.err


def test_any_other_failure_quotes_ecs() -> None:
    assert wait.rolled_back_by("ECS deployment failed: something new.", {}, None) == (
        "ECS (ECS deployment failed: something new.)"
    )


def test_a_switch_back_with_an_alarm_firing_says_so(
    platform: Platform, run: Run, alarms: Any
) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "stuck"
    first = platform.service("dev")["taskDefinition"]
    alarms.set_alarm_state(
        AlarmName="hello-dev-target-5xx-rate", StateValue="ALARM", StateReason="5xx"
    )
    # ECS rolled back and already dropped the failed deployment before the tool's next poll.
    platform.scheduler.hooks.append(
        lambda: platform.ecs.update_service(
            cluster="hello-dev", service="hello-dev", taskDefinition=first
        )
    )

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert (
        "hello-dev switched to hello-dev:1 while hello-dev:2 was rolling out with deployment"
        " alarm(s) hello-dev-target-5xx-rate in ALARM (an alarm rollback)"
    ) in result.err
