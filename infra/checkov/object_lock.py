from __future__ import annotations

from typing import Any

from _conf import blocks, value

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


class ObjectLockRetainsByDefault(BaseResourceCheck):
    """Object Lock alone locks nothing: a default retention locks every new version."""

    def __init__(self) -> None:
        super().__init__(
            name="S3 Object Lock configurations lock every new object version by default "
            "(GOVERNANCE or COMPLIANCE retention for a number of days or years)",
            id="CKV_PLATFORM_17",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_s3_bucket_object_lock_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for rule in blocks(conf, "rule"):
            for retention in blocks(rule, "default_retention"):
                mode = value(retention, "mode")
                period = value(retention, "days") or value(retention, "years")
                if mode in ("GOVERNANCE", "COMPLIANCE") and period:
                    return CheckResult.PASSED
        return CheckResult.FAILED


object_lock = ObjectLockRetainsByDefault()
