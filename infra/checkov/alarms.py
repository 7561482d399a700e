from __future__ import annotations

import re
from typing import Any

from _conf import blocks, value

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class RateAlarmDividesCountsOfOneTarget(BaseResourceCheck):
    """A rate alarm (metric math) divides by the target's requests, and every count it
    combines is a Sum over the same target and period: a rate over another target group,
    or over mismatched windows, would not measure the share of failed requests."""

    def __init__(self) -> None:
        super().__init__(
            name="Metric-math alarms are a rate over RequestCount: Sums of one target and period",
            id="CKV_PLATFORM_6",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_metric_alarm"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        queries = blocks(conf, "metric_query")
        if not queries:
            return CheckResult.UNKNOWN
        metrics = {value(q, "id"): blocks(q, "metric")[0] for q in queries if blocks(q, "metric")}
        returned = [q for q in queries if value(q, "return_data") is True]
        if len(returned) != 1 or not metrics:
            return CheckResult.FAILED
        requests = [i for i, m in metrics.items() if value(m, "metric_name") == "RequestCount"]
        expression = str(value(returned[0], "expression"))
        if len(requests) != 1 or not re.search(rf"/\s*{requests[0]}\b", expression):
            return CheckResult.FAILED
        shapes = {
            (str(value(m, "namespace")), str(m.get("dimensions")), str(value(m, "period")))
            for m in metrics.values()
        }
        sums = all(value(m, "stat") == "Sum" for m in metrics.values())
        return CheckResult.PASSED if sums and len(shapes) == 1 else CheckResult.FAILED


check = RateAlarmDividesCountsOfOneTarget()


class AlarmsAreNamedAfterTheEnvironment(BaseResourceCheck):
    """The alerts topic and its key admit only alarms named `<name>-*` (alerts module), so
    an alarm named otherwise would fire without anyone hearing of it."""

    def __init__(self) -> None:
        super().__init__(
            name="CloudWatch alarms are named `<name>-...` after the module's name prefix",
            id="CKV_PLATFORM_16",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_cloudwatch_metric_alarm"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        name = str(value(conf, "alarm_name"))
        return CheckResult.PASSED if name.startswith("${var.name}-") else CheckResult.FAILED


named = AlarmsAreNamedAfterTheEnvironment()
