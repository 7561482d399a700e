"""The ECS service's deployment alarms and their state in CloudWatch.

The CloudWatch client is typed `Any`: the project's type stubs cover ECS, ECR, ELBv2 and STS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_ecs.type_defs import ServiceTypeDef


def deployment_alarms(svc: ServiceTypeDef) -> list[str]:
    """The alarm names in the service's deploymentConfiguration.alarms."""
    return list(svc.get("deploymentConfiguration", {}).get("alarms", {}).get("alarmNames", []))


def states(cloudwatch: Any, names: list[str]) -> dict[str, str]:
    """Each alarm's StateValue (OK, ALARM, INSUFFICIENT_DATA), or MISSING if there is none."""
    if not names:
        return {}
    found = cloudwatch.describe_alarms(
        AlarmNames=names, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    alarms = found.get("MetricAlarms", []) + found.get("CompositeAlarms", [])
    state = {alarm["AlarmName"]: str(alarm["StateValue"]) for alarm in alarms}
    return {name: state.get(name, "MISSING") for name in names}


def firing(cloudwatch: Any, svc: ServiceTypeDef) -> list[str]:
    """The service's deployment alarms that are in ALARM now."""
    return [n for n, s in states(cloudwatch, deployment_alarms(svc)).items() if s == "ALARM"]
