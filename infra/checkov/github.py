from __future__ import annotations

from typing import Any

from _conf import blocks, value

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# The app ID of GitHub Actions: a check it reports cannot be posted as a commit status by
# anyone with write access.
GITHUB_ACTIONS_APP_ID = 15368


class RequiredChecksComeFromGitHubActions(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Every required status check must be reported by GitHub Actions (integration_id)",
            id="CKV_PLATFORM_14",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["github_repository_ruleset"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        checks = [
            check
            for rules in blocks(conf, "rules")
            for status in blocks(rules, "required_status_checks")
            for check in blocks(status, "required_check")
        ]
        ids = {value(check, "integration_id") for check in checks}
        return CheckResult.PASSED if ids == {GITHUB_ACTIONS_APP_ID} else CheckResult.FAILED


check = RequiredChecksComeFromGitHubActions()
