from __future__ import annotations

from typing import Any

from _conf import blocks, value

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

# The AWS managed rule groups every web ACL runs, in blocking mode.
MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}
# Headers that carry credentials: never written to the WAF logs.
REDACTED_HEADERS = {"authorization", "cookie"}


class ListenerNeverForwardsByDefault(BaseResourceCheck):
    """What no rule matches (another host, on any port) gets a fixed response or, on port 80,
    a 301 to HTTPS on 443; never the service."""

    def __init__(self) -> None:
        super().__init__(
            name="Listeners never forward by default: they answer a fixed response or "
            "redirect to HTTPS:443 (301)",
            id="CKV_PLATFORM_8",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_listener"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for action in blocks(conf, "default_action"):
            if blocks(action, "forward") or "forward" in str(value(action, "type")):
                return CheckResult.FAILED
            for redirect in blocks(action, "redirect"):
                target = tuple(
                    str(value(redirect, key)) for key in ("protocol", "port", "status_code")
                )
                if target != ("HTTPS", "443", "HTTP_301"):
                    return CheckResult.FAILED
        return CheckResult.PASSED


class ListenerRuleForwardsOnlyItsHost(BaseResourceCheck):
    """A forwarding rule names the host it admits (a `dynamic` one may leave it out for a
    load balancer without a domain: the module's variable says when)."""

    def __init__(self) -> None:
        super().__init__(
            name="Listener rules that forward match a host header",
            id="CKV_PLATFORM_19",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_lb_listener_rule"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        forwards = any(
            blocks(action, "forward") or "forward" in str(value(action, "type"))
            for action in blocks(conf, "action")
        )
        if not forwards:
            return CheckResult.UNKNOWN
        hosts = [c for c in blocks(conf, "condition") if blocks(c, "host_header")]
        return CheckResult.PASSED if hosts else CheckResult.FAILED


class WebAclBlocksWithManagedGroupsAndARateLimit(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Web ACLs run AWS's common, known-bad-inputs and IP-reputation groups in "
            "blocking mode, block per-IP floods, and publish metrics for every rule",
            id="CKV_PLATFORM_9",
            categories=[CheckCategories.NETWORKING],
            supported_resources=["aws_wafv2_web_acl"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        rules = blocks(conf, "rule")
        priorities = [value(rule, "priority") for rule in rules]
        managed, rate_limits = set(), 0
        for rule in rules:
            metrics = blocks(rule, "visibility_config")
            if not metrics or value(metrics[0], "cloudwatch_metrics_enabled") is not True:
                return CheckResult.FAILED
            for statement in blocks(rule, "statement"):
                for group in blocks(statement, "managed_rule_group_statement"):
                    # "none" keeps the group's own block actions; "count" would only watch.
                    overrides = blocks(rule, "override_action")
                    if (
                        value(group, "vendor_name") == "AWS"
                        and overrides
                        and "none" in overrides[0]
                    ):
                        managed.add(value(group, "name"))
                for rate in blocks(statement, "rate_based_statement"):
                    actions = blocks(rule, "action")
                    if (
                        value(rate, "aggregate_key_type") == "IP"
                        and actions
                        and "block" in actions[0]
                    ):
                        rate_limits += 1
        unique = len(set(map(str, priorities))) == len(priorities)
        passed = unique and managed >= MANAGED_GROUPS and rate_limits == 1
        return CheckResult.PASSED if passed else CheckResult.FAILED


class WafLogsWithoutCredentials(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="WAF logging redacts the Authorization and Cookie headers",
            id="CKV_PLATFORM_10",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_wafv2_web_acl_logging_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        redacted = {
            str(value(header, "name")).lower()
            for field in blocks(conf, "redacted_fields")
            for header in blocks(field, "single_header")
        }
        return CheckResult.PASSED if redacted >= REDACTED_HEADERS else CheckResult.FAILED


listener = ListenerNeverForwardsByDefault()
listener_rule = ListenerRuleForwardsOnlyItsHost()
web_acl = WebAclBlocksWithManagedGroupsAndARateLimit()
waf_logging = WafLogsWithoutCredentials()
