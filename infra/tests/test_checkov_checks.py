"""Each of the repository's checkov checks (infra/checkov), and a built-in check the
module tests rely on, fails on a module broken on purpose. (The container definition's
rules are the ecs-container-definitions module's `tofu test`: checkov's own container
checks do not see through a module output.)

`nox -s infra` runs checkov over the real modules and wants no failure; here the real
checkov runs once over copies of the modules, each with one rule broken, and each copy
must fail exactly the check that stands for that rule."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools.infra_checks import CHECKOV_CHECKS
from tools.project import INFRA_MODULES

# name: (module, file, text, replacement, the check that must fail)
BREAKAGES: dict[str, tuple[str, str, str, str, str]] = {
    "circuit breaker without rollback": (
        "ecs-service", "main.tf",
        "deployment_circuit_breaker {\n    enable   = true\n    rollback = true",
        "deployment_circuit_breaker {\n    enable   = true\n    rollback = false",
        "CKV2_PLATFORM_1",
    ),
    "deployment alarms off": (
        "ecs-service", "main.tf",
        "alarm_names = local.deployment_alarm_names\n    enable      = true",
        "alarm_names = local.deployment_alarm_names\n    enable      = false",
        "CKV2_PLATFORM_1",
    ),
    "terraform takes releases back": (
        "ecs-service", "main.tf",
        "ignore_changes = [task_definition, desired_count]",
        "ignore_changes = [desired_count]",
        "CKV2_PLATFORM_2",
    ),
    "task definition tracks the latest revision": (
        "ecs-service", "main.tf", "track_latest             = false",
        "track_latest             = true", "CKV2_PLATFORM_3",
    ),
    "health check on another path": (
        "ecs-service", "variables.tf", 'default     = "/healthz"', 'default     = "/"',
        "CKV2_PLATFORM_4",
    ),
    "target group drains for the default 300 s": (
        "ecs-service", "main.tf", "  deregistration_delay = var.deregistration_delay\n", "",
        "CKV2_PLATFORM_4",
    ),
    "deregistration delay 300": (
        "ecs-service", "main.tf", "deregistration_delay = var.deregistration_delay",
        "deregistration_delay = 300", "CKV_PLATFORM_15",
    ),
    "an alarm treats no data as breaching": (
        "ecs-service", "main.tf",
        '(idle dev) is not an outage.\n  treat_missing_data = "notBreaching"',
        '  treat_missing_data = "breaching"',
        "CKV2_PLATFORM_5",
    ),
    "5xx rate divided by the errors": (
        "ecs-service", "main.tf", "100 * FILL(errors, 0) / requests", "100 * requests / errors",
        "CKV_PLATFORM_6",
    ),
    "alarm named outside the environment's prefix": (
        "ecs-service", "main.tf", 'alarm_name          = "${var.name}-unhealthy-hosts"',
        'alarm_name          = "unhealthy-hosts"', "CKV_PLATFORM_16",
    ),
    "load balancer keeps invalid headers": (
        "alb", "main.tf", "drop_invalid_header_fields = true",
        "drop_invalid_header_fields = false", "CKV_AWS_131",
    ),
    "HTTPS listener without HSTS": (
        "alb", "main.tf",
        "routing_http_response_strict_transport_security_header_value = var.hsts_header_value",
        "", "CKV2_PLATFORM_7",
    ),
    "HTTP redirect to plain HTTP": (
        "alb", "main.tf", 'protocol    = "HTTPS"\n        status_code = "HTTP_301"',
        'protocol    = "HTTP"\n        status_code = "HTTP_301"', "CKV_PLATFORM_8",
    ),
    "HTTPS listener forwards by default": (
        "alb", "main.tf",
        '    type = "fixed-response"\n\n    fixed_response {\n      content_type = "text/plain"\n'
        '      message_body = "Not Found"\n      status_code  = "404"\n    }',
        '    type             = "forward"\n    target_group_arn = "arn:aws:elasticloadbalancing:'
        'us-east-1:111111111111:targetgroup/any/0123456789abcdef"',
        "CKV_PLATFORM_8",
    ),
    "service forwards every host": (
        "ecs-service", "main.tf",
        '  dynamic "condition" {\n    for_each = var.host_name == "" ? [] : [var.host_name]\n\n'
        '    content {\n      host_header {\n        values = [condition.value]\n      }\n'
        '    }\n  }\n',
        "", "CKV_PLATFORM_19",
    ),
    "WAF common rules only counted": (
        "alb", "waf.tf",
        '    override_action {\n      none {}\n    }\n\n    statement {\n'
        '      managed_rule_group_statement {\n        vendor_name = "AWS"\n'
        '        name        = "AWSManagedRulesCommonRuleSet"',
        '    override_action {\n      count {}\n    }\n\n    statement {\n'
        '      managed_rule_group_statement {\n        vendor_name = "AWS"\n'
        '        name        = "AWSManagedRulesCommonRuleSet"',
        "CKV_PLATFORM_9",
    ),
    "WAF logs cookies": (
        "alb", "waf.tf", 'name = "cookie"', 'name = "x-request-id"', "CKV_PLATFORM_10",
    ),
    "HTTPS listener serving a certificate ci-roles did not issue": (
        "alb", "main.tf", "certificate_arn   = data.aws_acm_certificate.this[0].arn",
        'certificate_arn   = "arn:aws:acm:us-east-1:111111111111:certificate/other"',
        "CKV2_PLATFORM_7",
    ),
    "certificate validated by e-mail": (
        "ci-roles", "certificate.tf", 'validation_method = "DNS"', 'validation_method = "EMAIL"',
        "CKV2_PLATFORM_15",
    ),
    "access-log bucket without Object Lock": (
        "alb", "access_logs.tf",
        "bucket = aws_s3_bucket.access_logs.id\n\n  rule {\n    default_retention",
        'bucket = "another-bucket"\n\n  rule {\n    default_retention',
        "CKV2_PLATFORM_16",
    ),
    "access logs not locked by default": (
        "alb", "access_logs.tf",
        '    default_retention {\n      mode = "GOVERNANCE"\n'
        "      days = var.access_logs_expiration_days\n    }\n",
        "", "CKV_PLATFORM_17",
    ),
    "alerts delivered over HTTPS": (
        "alerts", "main.tf", 'protocol  = "email"', 'protocol  = "https"', "CKV2_PLATFORM_14",
    ),
    "admins bypass an environment": (
        "github-repo", "main.tf", "can_admins_bypass = false", "can_admins_bypass = true",
        "CKV2_PLATFORM_11",
    ),
    "ruleset only evaluated": (
        "github-repo", "main.tf", 'enforcement = "active"', 'enforcement = "evaluate"',
        "CKV2_PLATFORM_12",
    ),
    "OIDC subject back to the default": (
        "github-repo", "main.tf", "use_default        = false", "use_default        = true",
        "CKV2_PLATFORM_13",
    ),
    "code-owner review off": (
        "github-repo", "main.tf", "require_code_owner_review = true",
        "require_code_owner_review = false", "CKV2_PLATFORM_12",
    ),
    "mutable image tags": (
        "ecr", "main.tf", 'image_tag_mutability = "IMMUTABLE"',
        'image_tag_mutability = "MUTABLE"', "CKV2_PLATFORM_18",
    ),
    "repository deleted with its images": (
        "ecr", "main.tf", "force_delete         = false", "force_delete         = true",
        "CKV2_PLATFORM_18",
    ),
    "required check from any integration": (
        "github-repo", "main.tf", "integration_id = local.github_actions_app_id\n", "\n",
        "CKV_PLATFORM_14",
    ),
}  # fmt: skip
# A module a broken copy needs beside it (module sources are relative paths).
NEEDS = {"ecs-service": ["ecs-container-definitions"], "ecr": ["ecr-policies"]}


def case_dir(name: str) -> str:
    return name.replace(" ", "-").replace("'", "")


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The checks that fail in each broken copy, from one checkov run over all of them."""
    work = tmp_path_factory.mktemp("broken")
    for name, (module, file, text, replacement, _) in BREAKAGES.items():
        copy = work / case_dir(name)
        for needed in [module, *NEEDS.get(module, [])]:
            shutil.copytree(INFRA_MODULES / needed, copy / needed,
                            ignore=shutil.ignore_patterns(".terraform*", "tests"))  # fmt: skip
        path = copy / module / file
        source = path.read_text()
        assert source.count(text) == 1, f"{name}: {module}/{file} no longer holds {text!r}"
        path.write_text(source.replace(text, replacement))
    checks = sorted({check for *_, check in BREAKAGES.values()})
    checkov = Path(sys.executable).parent / "checkov"  # installed with the infra group
    result = subprocess.run(
        [str(checkov), "--directory", str(work), "--framework", "terraform", "--skip-download",
         "--external-checks-dir", str(CHECKOV_CHECKS), "--check", ",".join(checks),
         "--compact", "--quiet", "--output", "json"],
        capture_output=True, text=True, check=False, timeout=600,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )  # fmt: skip
    report: Any = json.loads(result.stdout)
    failed: dict[str, set[str]] = {}
    for run in report if isinstance(report, list) else [report]:
        for check in run["results"]["failed_checks"]:
            case = Path(check["file_path"]).parts[1]
            failed.setdefault(case, set()).add(check["check_id"])
    return failed


@pytest.mark.parametrize("name", BREAKAGES)
def test_the_check_fails_on_the_broken_module(name: str, failures: dict[str, set[str]]) -> None:
    *_, check = BREAKAGES[name]
    assert failures.get(case_dir(name)) == {check}, name
