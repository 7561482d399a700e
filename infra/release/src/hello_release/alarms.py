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


# The one metric that load alone drives past its threshold: a flood slows every response of
# dev's one small task whatever release it runs. Errors (the 5xx rate) are the release's own.
LOAD_METRIC = "TargetResponseTime"


def _describe(cloudwatch: Any, names: list[str]) -> dict[str, dict[str, Any]]:
    if not names:
        return {}
    found = cloudwatch.describe_alarms(
        AlarmNames=names, AlarmTypes=["MetricAlarm", "CompositeAlarm"]
    )
    alarms = found.get("MetricAlarms", []) + found.get("CompositeAlarms", [])
    return {alarm["AlarmName"]: alarm for alarm in alarms}


def states(cloudwatch: Any, names: list[str]) -> dict[str, str]:
    """Each alarm's StateValue (OK, ALARM, INSUFFICIENT_DATA), or MISSING if there is none."""
    found = _describe(cloudwatch, names)
    return {name: str(found[name]["StateValue"]) if name in found else "MISSING" for name in names}


def load_only(cloudwatch: Any, names: list[str]) -> set[str]:
    """The alarms among `names` that watch only the targets' response time, as CloudWatch
    defines them (a metric alarm on LOAD_METRIC, no metric math): what a flood trips without
    the release being at fault. Judged by the definition, not the name, and a missing alarm
    is never one."""
    return {
        name
        for name, alarm in _describe(cloudwatch, names).items()
        if alarm.get("MetricName") == LOAD_METRIC and not alarm.get("Metrics")
    }


def firing(cloudwatch: Any, svc: ServiceTypeDef) -> list[str]:
    """The service's deployment alarms that are in ALARM now."""
    return [n for n, s in states(cloudwatch, deployment_alarms(svc)).items() if s == "ALARM"]
