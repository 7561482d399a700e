"""Polling with a deadline, and the ECS rollout watch built on it."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic, sleep
from typing import TYPE_CHECKING, Any

from hello_release import alarms, ecs
from hello_release.errors import ReleaseError
from hello_release.names import resource, short

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_ecs.type_defs import ServiceTypeDef


def pause(seconds: float) -> None:
    sleep(seconds)


def poll(check: Callable[[float], bool], *, timeout: float, interval: float) -> bool:
    """Calls `check(elapsed)` until it returns True (-> True) or the deadline passes (-> False)."""
    start = monotonic()
    while True:
        if check(monotonic() - start):
            return True
        remaining = timeout - (monotonic() - start)
        if remaining <= 0:
            return False
        sleep(min(interval, remaining))


def rolled_back_by(reason: str, svc: ServiceTypeDef, cloudwatch: Any) -> str:
    """Which safety net ECS says rolled a deployment back, from its rolloutStateReason."""
    if "circuit breaker" in reason.lower():
        return f"the deployment circuit breaker ({reason})"
    if "alarm" in reason.lower():
        names = ", ".join(alarms.firing(cloudwatch, svc)) or "(none in ALARM any more)"
        return f"deployment alarm(s) {names} ({reason})"
    return f"ECS ({reason})"


def rollout(
    client: ECSClient,
    cloudwatch: Any,
    env: str,
    task_definition_arn: str,
    *,
    timeout: float,
    interval: float,
) -> None:
    """Waits until the service runs only `task_definition_arn`, fully; raises if ECS rolls back."""
    name, target = resource(env), short(task_definition_arn)

    def settled(elapsed: float) -> bool:
        svc = ecs.service(client, env)
        deployments = svc.get("deployments", [])
        print(
            f"[{elapsed:4.0f}s] {name}: {svc.get('runningCount', 0)}/{svc.get('desiredCount', 0)}"
            f" running; " + "; ".join(ecs.describe_deployment(d) for d in deployments),
            flush=True,
        )
        ours = [d for d in deployments if d.get("taskDefinition") == task_definition_arn]
        current = svc.get("taskDefinition", "")
        if any(d.get("rolloutState") == "FAILED" for d in ours):
            reason = ours[0].get("rolloutStateReason", "no reason given")
            raise ReleaseError(
                f"{target} was rolled back by {rolled_back_by(reason, svc, cloudwatch)};"
                f" {name} runs {short(current)} again"
            )
        if current != task_definition_arn:
            # ECS may have dropped the failed deployment before this poll saw it.
            firing = ", ".join(alarms.firing(cloudwatch, svc))
            raise ReleaseError(
                f"{name} switched to {short(current)} while {target} was rolling out"
                + (
                    f" with deployment alarm(s) {firing} in ALARM (an alarm rollback)"
                    if firing
                    else " (the circuit breaker or another deploy)"
                )
            )
        return ecs.is_stable(svc)

    if not poll(settled, timeout=timeout, interval=interval):
        raise ReleaseError(
            f"{target} did not finish rolling out on {name} within {timeout:g} s;"
            f" ECS is still rolling it out (check: hello-release status --env {env})"
        )
    print(f"{name} is stable on {target}", flush=True)
