"""The edge of each environment: HTTPS, redirect-only HTTP, HSTS, WAF and access logs.

Three layers: the rendered Terragrunt inputs (what each environment asks for), the alb
module's HCL (what those inputs turn into), and real `terragrunt` runs on a copy of
infra/live with the domain emptied (prod must refuse, dev must render and stay on HTTP).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from infra.tests.iam_policy import attribute, statements, wildcard_actions
from infra.tests.rendered import LIVE, MODULES, ROOT, env_values, load
from infra.tests.tools import pinned

ALB = MODULES / "alb"
ONE_YEAR = 365 * 24 * 3600
MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}


# --- helpers ------------------------------------------------------------------------


def parse_alb() -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {}
    for path in sorted(ALB.glob("*.tf")):
        with path.open() as file:
            for key, value in load_hcl(file).items():
                merged.setdefault(key, []).extend(value)
    return merged


MODULE = parse_alb()


def resource(kind: str, name: str) -> dict[str, Any]:
    for block in MODULE["resource"]:
        if kind in block and name in block[kind]:
            found: dict[str, Any] = block[kind][name]
            return found
    raise AssertionError(f"alb: no resource {kind}.{name}")


def local(name: str) -> str:
    for block in MODULE["locals"]:
        if name in block:
            return str(attribute(block, name))
    raise AssertionError(f"alb: no local {name}")


def output(name: str) -> str:
    for block in MODULE["output"]:
        if name in block:
            return str(attribute(block[name], "value"))
    raise AssertionError(f"alb: no output {name}")


def defaults() -> dict[str, Any]:
    found = {}
    for block in MODULE["variable"]:
        for name, spec in block.items():
            if "default" in spec:
                found[name] = attribute(spec, "default")
    return found


def effective(env: str) -> dict[str, Any]:
    """The alb module's variables for an environment: its defaults, then the unit's inputs."""
    return {**defaults(), **load(env, "alb")["inputs"]}


def gated_on(expression: Any, condition: str) -> bool:
    """`count`/`for_each` that is `<condition> ? ... : <nothing>`."""
    return f"{condition} ?" in str(expression)


def max_age(hsts: str) -> int:
    match = re.match(r"^max-age=(\d+)", hsts)
    assert match, hsts
    return int(match.group(1))


# --- what each environment asks for (rendered inputs) --------------------------------


def test_prod_requires_https_and_has_a_domain() -> None:
    values = effective("prod")
    assert values["require_https"] is True
    assert values["domain_name"], "prod serves HTTPS only: it needs a domain"
    assert values["hosted_zone_id"]
    assert values["domain_name"] == env_values("prod")["domain_name"]


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_https_listener_policy_is_tls13_and_sends_hsts_for_a_year(env: str) -> None:
    values = effective(env)
    assert values["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-"), values["ssl_policy"]
    assert max_age(values["hsts_header_value"]) >= ONE_YEAR
    listener = resource("aws_lb_listener", "https")
    assert gated_on(attribute(listener, "count"), "local.https")
    assert (attribute(listener, "port"), attribute(listener, "protocol")) == (443, "HTTPS")
    assert attribute(listener, "ssl_policy") == "${var.ssl_policy}"
    hsts = "routing_http_response_strict_transport_security_header_value"
    assert attribute(listener, hsts) == "${var.hsts_header_value}"
    # Served only with a certificate that DNS validation has issued.
    assert "aws_acm_certificate_validation.this" in attribute(listener, "certificate_arn")


def test_https_follows_the_domain() -> None:
    assert re.fullmatch(r'\$\{var\.domain_name != ""\}', local("https")), local("https")
    certificate = resource("aws_acm_certificate", "this")
    assert gated_on(attribute(certificate, "count"), "local.https")
    assert attribute(certificate, "validation_method") == "DNS"
    assert attribute(certificate, "domain_name") == "${var.domain_name}"
    validation = resource("aws_route53_record", "validation")
    assert "domain_validation_options" in attribute(validation, "for_each")
    assert attribute(validation, "zone_id") == "${var.hosted_zone_id}"
    records = resource("aws_acm_certificate_validation", "this")
    assert "aws_route53_record.validation" in attribute(records, "validation_record_fqdns")


def test_alias_records_point_at_the_load_balancer_and_aaaa_needs_dualstack() -> None:
    alias = resource("aws_route53_record", "alias")
    types = attribute(alias, "for_each")
    assert gated_on(types, "local.https")
    # A always; AAAA only when the load balancer has IPv6 addresses.
    assert "var.dualstack ? ['A', 'AAAA'] : ['A']" in types, types
    target = alias["alias"][0]
    assert attribute(target, "name") == "${aws_lb.this.dns_name}"
    assert attribute(target, "zone_id") == "${aws_lb.this.zone_id}"
    assert attribute(resource("aws_lb", "this"), "ip_address_type") == "${local.ip_address_type}"
    assert "var.dualstack" in local("ip_address_type")


def test_http_only_redirects_to_https_with_a_301_when_there_is_a_domain() -> None:
    listener = resource("aws_lb_listener", "http")
    assert attribute(listener, "port") == 80
    action = listener["default_action"][0]
    assert attribute(action, "type").startswith('${local.https ? "redirect"')
    dynamic = {name: spec for block in action["dynamic"] for name, spec in block.items()}
    assert set(dynamic) == {"redirect", "fixed_response"}, "no forward on the HTTP listener"
    assert gated_on(attribute(dynamic["redirect"], "for_each"), "local.https")
    redirect = dynamic["redirect"]["content"][0]
    assert attribute(redirect, "status_code") == "HTTP_301"
    assert attribute(redirect, "protocol") == "HTTPS"
    assert attribute(redirect, "port") == "443"
    # The service's forwarding rule goes to the HTTPS listener whenever there is one.
    assert output("listener_arn").startswith(
        "${local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn"
    )
    assert output("url").startswith('${local.https ? "https://${var.domain_name}"')
    assert output("https") == "${local.https}"


def test_security_group_opens_443_and_80_for_the_redirect() -> None:
    https = resource("aws_vpc_security_group_ingress_rule", "https")
    assert (attribute(https, "from_port"), attribute(https, "to_port")) == (443, 443)
    assert gated_on(attribute(https, "for_each"), "local.https")
    http = resource("aws_vpc_security_group_ingress_rule", "http")
    assert (attribute(http, "from_port"), attribute(http, "to_port")) == (80, 80)


def test_prod_has_waf_with_the_managed_groups_and_a_rate_limit() -> None:
    values = effective("prod")
    assert values["waf_enabled"] is True
    assert 10 <= values["waf_rate_limit"] <= 100_000
    acl = resource("aws_wafv2_web_acl", "this")
    assert attribute(acl, "scope") == "REGIONAL"
    assert "allow" in acl["default_action"][0]
    rules = acl["rule"]
    priorities = [attribute(rule, "priority") for rule in rules]
    assert len(set(priorities)) == len(priorities)
    managed = {}
    rate_limits = []
    for rule in rules:
        statement = rule["statement"][0]
        if "managed_rule_group_statement" in statement:
            group = statement["managed_rule_group_statement"][0]
            assert attribute(group, "vendor_name") == "AWS"
            # "none" keeps each group's own block actions; "count" would only watch.
            assert "none" in rule["override_action"][0], attribute(rule, "name")
            managed[attribute(group, "name")] = rule
        if "rate_based_statement" in statement:
            rate = statement["rate_based_statement"][0]
            assert attribute(rate, "limit") == "${var.waf_rate_limit}"
            assert attribute(rate, "aggregate_key_type") == "IP"
            assert "block" in rule["action"][0]
            rate_limits.append(rule)
    assert set(managed) >= MANAGED_GROUPS
    assert len(rate_limits) == 1
    for rule in rules:
        assert attribute(rule["visibility_config"][0], "cloudwatch_metrics_enabled") is True


def test_waf_is_associated_and_logged_without_credentials() -> None:
    association = resource("aws_wafv2_web_acl_association", "this")
    assert attribute(association, "resource_arn") == "${aws_lb.this.arn}"
    assert "aws_wafv2_web_acl.this" in attribute(association, "web_acl_arn")
    group = resource("aws_cloudwatch_log_group", "waf")
    assert attribute(group, "name").startswith("aws-waf-logs-")  # WAF's naming rule
    assert attribute(group, "retention_in_days") == "${var.waf_log_retention_days}"
    logging = resource("aws_wafv2_web_acl_logging_configuration", "this")
    assert "aws_cloudwatch_log_group.waf" in str(attribute(logging, "log_destination_configs"))
    redacted = {
        attribute(field["single_header"][0], "name") for field in logging["redacted_fields"]
    }
    assert {"authorization", "cookie"} <= redacted
    for kind, name in [
        ("aws_wafv2_web_acl", "this"),
        ("aws_wafv2_web_acl_association", "this"),
        ("aws_cloudwatch_log_group", "waf"),
        ("aws_wafv2_web_acl_logging_configuration", "this"),
    ]:
        assert attribute(resource(kind, name), "count") == "${local.waf}", (kind, name)
    assert "var.waf_enabled" in local("waf")


def test_waf_is_optional_in_dev_and_off_by_default() -> None:
    assert effective("dev")["waf_enabled"] is False
    assert env_values("dev")["waf_enabled"] is False


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_access_logs_are_on_and_expire(env: str) -> None:
    values = effective(env)
    assert values["access_logs_expiration_days"] >= 1
    assert values["access_logs_expiration_days"] == env_values(env)["access_logs_expiration_days"]
    lb = resource("aws_lb", "this")
    logs = lb["access_logs"][0]
    assert attribute(logs, "enabled") is True
    assert attribute(logs, "bucket") == "${aws_s3_bucket.access_logs.id}"
    # Logging is turned on only once the bucket lets the load balancer write.
    assert "${aws_s3_bucket_policy.access_logs}" in attribute(lb, "depends_on")
    assert attribute(lb, "drop_invalid_header_fields") is True


def test_prod_keeps_its_logs_longer_than_dev() -> None:
    assert (
        effective("prod")["access_logs_expiration_days"]
        >= effective("dev")["access_logs_expiration_days"]
    )
    assert effective("prod")["deletion_protection"] is True


# --- the access log bucket's protections (module) -----------------------------------


def test_log_bucket_is_private_owner_enforced_encrypted_and_versioned() -> None:
    block = resource("aws_s3_bucket_public_access_block", "access_logs")
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert attribute(block, setting) is True, setting
    ownership = resource("aws_s3_bucket_ownership_controls", "access_logs")
    assert attribute(ownership["rule"][0], "object_ownership") == "BucketOwnerEnforced"
    encryption = resource("aws_s3_bucket_server_side_encryption_configuration", "access_logs")
    default = encryption["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert attribute(default, "sse_algorithm") == "AES256"  # SSE-S3: what ALB delivery supports
    versioning = resource("aws_s3_bucket_versioning", "access_logs")
    assert attribute(versioning["versioning_configuration"][0], "status") == "Enabled"
    for kind in (
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_policy",
    ):
        assert attribute(resource(kind, "access_logs"), "bucket") == (
            "${aws_s3_bucket.access_logs.id}"
        ), kind


def test_log_bucket_expires_logs_and_cleans_up() -> None:
    lifecycle = resource("aws_s3_bucket_lifecycle_configuration", "access_logs")
    rules = [rule for rule in lifecycle["rule"] if attribute(rule, "status") == "Enabled"]
    expiry = [rule for rule in rules if "days" in rule.get("expiration", [{}])[0]]
    assert len(expiry) == 1
    rule = expiry[0]
    assert attribute(rule["expiration"][0], "days") == "${var.access_logs_expiration_days}"
    assert rule["filter"] == [{}], "the expiry covers every object"
    assert "noncurrent_version_expiration" in rule
    assert attribute(rule["abort_incomplete_multipart_upload"][0], "days_after_initiation") >= 1


def test_log_bucket_policy_denies_plain_http_and_lets_only_elb_write() -> None:
    found = [s for s in statements(ALB / "access_logs.tf") if s.document == "access_logs"]
    deny = [s for s in found if s.effect == "Deny"]
    allow = [s for s in found if s.effect == "Allow"]
    assert len(deny) == 1
    assert deny[0].actions == ("s3:*",)
    assert set(deny[0].resources) == {
        "${aws_s3_bucket.access_logs.arn}",
        "${aws_s3_bucket.access_logs.arn}/*",
    }
    with (ALB / "access_logs.tf").open() as file:
        document = file_document(load_hcl(file), "access_logs")
    conditions = [
        (attribute(c, "test"), attribute(c, "variable"), attribute(c, "values"))
        for statement in document["statement"]
        if attribute(statement, "effect") == "Deny"
        for c in statement["condition"]
    ]
    assert conditions == [("Bool", "aws:SecureTransport", ["false"])]
    assert len(allow) == 1
    assert allow[0].actions == ("s3:PutObject",)
    (resource_arn,) = allow[0].resources
    assert resource_arn.startswith("${aws_s3_bucket.access_logs.arn}/AWSLogs/")
    writers = [
        (attribute(p, "type"), attribute(p, "identifiers"))
        for statement in document["statement"]
        if attribute(statement, "effect", "Allow") == "Allow"
        for p in statement["principals"]
    ]
    # us-east-1 predates August 2022: the regional ELB account delivers the logs.
    assert writers == [("AWS", ["${data.aws_elb_service_account.this.arn}"])]
    policy = resource("aws_s3_bucket_policy", "access_logs")
    assert attribute(policy, "policy") == "${data.aws_iam_policy_document.access_logs.json}"


def file_document(parsed: dict[str, Any], name: str) -> dict[str, Any]:
    for data in parsed.get("data", []):
        if name in data.get("aws_iam_policy_document", {}):
            found: dict[str, Any] = data["aws_iam_policy_document"][name]
            return found
    raise AssertionError(f"no aws_iam_policy_document.{name}")


def test_a_wildcard_deny_is_not_a_grant(tmp_path: Path) -> None:
    policy = tmp_path / "policy.tf"
    policy.write_text(
        'data "aws_iam_policy_document" "p" {\n'
        '  statement {\n    effect  = "Deny"\n    actions = ["s3:*"]\n  }\n'
        '  statement {\n    actions = ["s3:*"]\n  }\n'
        "}\n"
    )
    assert len(wildcard_actions(statements(policy))) == 1


# --- real terragrunt runs on a copy with the domain emptied -----------------------


def offline_env() -> dict[str, str]:
    """As `nox -s infra` renders: no AWS credentials, no auto-init, mocks for dependencies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TG_"))}
    return {
        **env,
        "TG_TF_PATH": pinned("opentofu", "tofu"),
        "TG_NON_INTERACTIVE": "true",
        "TG_NO_AUTO_INIT": "true",
        "TG_LOG_FORMAT": "bare",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


def live_copy(tmp_path: Path, env: str, *, domain: str | None) -> Path:
    """infra/live and infra/modules copied, `domain` (None: unchanged) set in <env>/env.hcl."""
    infra = tmp_path / "infra"
    ignore = shutil.ignore_patterns(".terragrunt-cache", ".terraform*")
    shutil.copytree(LIVE, infra / "live", ignore=ignore)
    shutil.copytree(MODULES, infra / "modules", ignore=ignore)
    if domain is not None:
        path = infra / "live" / env / "env.hcl"
        text, count = re.subn(
            r'^(\s*domain_name\s*=\s*)"[^"]*"', rf'\g<1>"{domain}"', path.read_text(), flags=re.M
        )
        assert count == 1, f"{path}: expected one domain_name"
        path.write_text(text)
    return infra / "live"


def terragrunt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [pinned("terragrunt", "terragrunt"), *args],
        cwd=cwd,
        env=offline_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def render_alb(live: Path, env: str) -> subprocess.CompletedProcess[str]:
    return terragrunt("render", "--json", "--working-dir", str(live / env / "alb"), cwd=live)


def test_prod_renders_with_its_domain(tmp_path: Path) -> None:
    """The control for the next test: the same copy renders when the domain is there."""
    result = render_alb(live_copy(tmp_path, "prod", domain=None), "prod")
    assert result.returncode == 0, result.stderr[-2000:]


def test_prod_without_a_domain_refuses_to_render(tmp_path: Path) -> None:
    live = live_copy(tmp_path, "prod", domain="")
    result = render_alb(live, "prod")
    assert result.returncode != 0
    assert "hello-prod serves HTTPS only" in result.stderr
    assert "domain_name" in result.stderr
    validate = terragrunt("hcl", "validate", "--inputs", "--strict", cwd=live / "prod")
    assert validate.returncode != 0
    assert "serves HTTPS only" in validate.stderr


def test_dev_without_a_domain_renders_and_stays_on_http(tmp_path: Path) -> None:
    result = render_alb(live_copy(tmp_path, "dev", domain=""), "dev")
    assert result.returncode == 0, result.stderr[-2000:]
    inputs = json.loads(result.stdout)["inputs"]
    assert inputs["domain_name"] == ""
    assert inputs["require_https"] is False
    # The module then makes no certificate, no HTTPS listener and forwards on HTTP.
    assert gated_on(attribute(resource("aws_lb_listener", "https"), "count"), "local.https")
    assert output("listener_arn").endswith(": aws_lb_listener.http.arn}")
    assert output("url").endswith('"http://${aws_lb.this.dns_name}"}')


def test_serve_binds_to_loopback_only() -> None:
    """The ALB shields gunicorn's sync workers from slow clients; a laptop has no ALB."""
    noxfile = (ROOT / "noxfile.py").read_text()
    serve = noxfile[noxfile.index("def serve(") :]
    serve = serve[: serve.index("\n@nox.session")]
    published = re.findall(r'"--publish", "([^"]+)"', serve)
    assert published
    assert all(p.startswith("127.0.0.1:") for p in published), published
