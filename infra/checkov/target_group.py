from __future__ import annotations

from typing import Any

from _conf import value

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# A rollout waits this out for every old task; AWS's default is 300 s.
MAX_DEREGISTRATION_DELAY = 60


class TargetGroupDrainsInSeconds(BaseResourceCheck):
    """A literal delay is checked here; one from a variable by the module's validation
    (below graceful_timeout) and the tests of the rendered inputs."""

    def __init__(self) -> None:
        super().__init__(
            name=f"Target groups drain a task in at most {MAX_DEREGISTRATION_DELAY} s",
            id="CKV_PLATFORM_15",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_lb_target_group"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        delay = value(conf, "deregistration_delay")
        # Unset is CKV2_PLATFORM_4's; a variable is bounded where its value is known.
        if delay is None or (isinstance(delay, str) and not delay.isdigit()):
            return CheckResult.UNKNOWN
        passed = int(delay) <= MAX_DEREGISTRATION_DELAY
        return CheckResult.PASSED if passed else CheckResult.FAILED


check = TargetGroupDrainsInSeconds()
