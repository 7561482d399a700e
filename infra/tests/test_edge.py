"""The edge of each environment: HTTPS, redirect-only HTTP, HSTS, WAF and access logs.

Three layers: the rendered Terragrunt inputs (what each environment asks for), the alb
module evaluated with them (tools/hcl_module.py: what those inputs turn into),
and real `terragrunt` runs on a copy of infra/live with the domain emptied (prod must
refuse, dev must render and stay on HTTP).
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

from tools.go_tools import built
from tools.hcl_module import Module, Ref, block
from tools.iam_policy import statements, wildcard_actions
from tools.project import ENVIRONMENTS, ROOT
from tools.rendered import LIVE, MODULES, env_values, load

ONE_YEAR = 365 * 24 * 3600
HSTS = "routing_http_response_strict_transport_security_header_value"
MANAGED_GROUPS = {
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
}
WITHOUT_DOMAIN = {"domain_name": "", "require_https": False}
# Each environment as it is, and dev as it may also run: without a domain, on plain HTTP.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    **{env: (env, {}) for env in ENVIRONMENTS},
    "dev-without-domain": ("dev", WITHOUT_DOMAIN),
}


# --- helpers ------------------------------------------------------------------------


def alb(env: str, changes: dict[str, Any] | None = None) -> Module:
    """The alb module with the environment's rendered inputs, `changes` applied."""
    values = env_values(env)
    facts = {"data.aws_caller_identity.current.account_id": values["account_id"]}
    return Module("alb", {**load(env, "alb")["inputs"], **(changes or {})}, facts)


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """Each of CASES: an environment and the changes to its alb inputs."""
    return CASES[request.param]


@pytest.fixture
def edge(case: tuple[str, dict[str, Any]]) -> Module:
    """The alb module in each of CASES."""
    return alb(*case)


def instances(body: dict[str, Any]) -> int:
    """How many instances `count` or `for_each` makes of a resolved resource."""
    if "count" in body:
        return int(body["count"])
    if "for_each" in body:
        return len(body["for_each"])
    return 1


def dynamic(body: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [entry[name] for entry in block(body, "dynamic") if name in entry]
    return found  # type: ignore[no-any-return]


def refused(resource: dict[str, Any]) -> list[str]:
    """The error messages of the resource's preconditions that do not hold."""
    (lifecycle,) = block(resource, "lifecycle")
    return [p["error_message"] for p in block(lifecycle, "precondition") if p["condition"] is False]


def max_age(hsts: str) -> int:
    match = re.match(r"^max-age=(\d+)", hsts)
    assert match, hsts
    return int(match.group(1))


# --- HTTPS follows the domain; prod must have one --------------------------------------


def test_prod_requires_https_and_has_a_domain() -> None:
    module = alb("prod")
    assert module.var("require_https") is True
    assert module.var("domain_name") == env_values("prod")["domain_name"] != ""
    assert module.var("hosted_zone_id")
    assert refused(module.resource("aws_lb")) == []


def test_the_module_refuses_prod_without_a_domain() -> None:
    """The module's own guard, behind the unit's (the terragrunt runs below)."""
    module = alb("prod", {"domain_name": "", "hosted_zone_id": ""})
    assert any("must serve HTTPS" in message for message in refused(module.resource("aws_lb")))


def test_https_follows_the_domain(edge: Module) -> None:
    https = edge.var("domain_name") != ""
    assert edge.local("https") is https
    assert edge.output("https") is https
    certificate = edge.resource("aws_acm_certificate")
    assert instances(certificate) == instances(edge.resource("aws_lb_listener", "https"))
    assert instances(certificate) == (1 if https else 0)
    assert instances(edge.resource("aws_acm_certificate_validation")) == (1 if https else 0)
    assert certificate["validation_method"] == "DNS"
    assert certificate["domain_name"] == edge.var("domain_name")
    validation = edge.resource("aws_route53_record", "validation")
    assert validation["zone_id"] == edge.var("hosted_zone_id")
    url = edge.output("url")
    assert url == f"https://{edge.var('domain_name')}" if https else url.startswith("http://")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_https_listener_policy_is_tls13_and_sends_hsts_for_a_year(env: str) -> None:
    listener = alb(env).resource("aws_lb_listener", "https")
    assert instances(listener) == 1
    assert (listener["port"], listener["protocol"]) == (443, "HTTPS")
    assert listener["ssl_policy"].startswith("ELBSecurityPolicy-TLS13-"), listener["ssl_policy"]
    assert max_age(listener[HSTS]) >= ONE_YEAR
    # Served only with a certificate that DNS validation has issued.
    references = alb(env).references("resource", "aws_lb_listener", "https")
    assert "aws_acm_certificate_validation.this" in references


@pytest.mark.parametrize("dualstack", [False, True])
def test_alias_records_point_at_the_load_balancer_and_aaaa_needs_dualstack(
    case: tuple[str, dict[str, Any]], dualstack: bool
) -> None:
    env, changes = case
    module = alb(env, {**changes, "dualstack": dualstack})
    alias = module.resource("aws_route53_record", "alias")
    expected = (["A", "AAAA"] if dualstack else ["A"]) if module.local("https") else []
    assert alias["for_each"] == expected
    (target,) = alias["alias"]
    assert (target["name"], target["zone_id"]) == ("aws_lb.this.dns_name", "aws_lb.this.zone_id")
    lb = module.resource("aws_lb")
    assert lb["ip_address_type"] == ("dualstack" if dualstack else "ipv4")


def test_http_redirects_to_https_with_a_301_when_there_is_a_domain(edge: Module) -> None:
    https = edge.local("https")
    listener = edge.resource("aws_lb_listener", "http")
    assert listener["port"] == 80
    (action,) = block(listener, "default_action")
    assert action["type"] == ("redirect" if https else "fixed-response")
    redirect, fixed = dynamic(action, "redirect"), dynamic(action, "fixed_response")
    assert {name for entry in block(action, "dynamic") for name in entry} == {
        "redirect",
        "fixed_response",
    }, "no forward on the HTTP listener"
    assert (len(redirect["for_each"]), len(fixed["for_each"])) == ((1, 0) if https else (0, 1))
    (content,) = block(redirect, "content")
    assert (content["status_code"], content["protocol"], content["port"]) == (
        "HTTP_301",
        "HTTPS",
        "443",
    )
    # The service's forwarding rule goes to the HTTPS listener whenever there is one.
    listener_arn = "aws_lb_listener.https[0].arn" if https else "aws_lb_listener.http.arn"
    assert edge.output("listener_arn") == Ref(listener_arn)


def test_security_group_opens_443_with_a_domain_and_80_always(edge: Module) -> None:
    ingress = edge.local("ingress")
    assert ingress
    http = edge.resource("aws_vpc_security_group_ingress_rule", "http")
    assert (http["from_port"], http["to_port"], http["for_each"]) == (80, 80, ingress)
    https = edge.resource("aws_vpc_security_group_ingress_rule", "https")
    assert (https["from_port"], https["to_port"]) == (443, 443)
    assert https["for_each"] == (ingress if edge.local("https") else {})


# --- WAF -------------------------------------------------------------------------------

WAF_RESOURCES = [
    ("aws_wafv2_web_acl", "this"),
    ("aws_wafv2_web_acl_association", "this"),
    ("aws_cloudwatch_log_group", "waf"),
    ("aws_wafv2_web_acl_logging_configuration", "this"),
]


def test_prod_has_waf_with_the_managed_groups_and_a_rate_limit() -> None:
    module = alb("prod")
    assert module.var("waf_enabled") is True
    acl = module.resource("aws_wafv2_web_acl")
    assert instances(acl) == 1
    assert acl["scope"] == "REGIONAL"
    assert "allow" in block(acl, "default_action")[0]
    rules = block(acl, "rule")
    priorities = [rule["priority"] for rule in rules]
    assert len(set(priorities)) == len(priorities)
    managed, rate_limits = set(), []
    for rule in rules:
        (statement,) = block(rule, "statement")
        if "managed_rule_group_statement" in statement:
            (group,) = block(statement, "managed_rule_group_statement")
            assert group["vendor_name"] == "AWS"
            # "none" keeps each group's own block actions; "count" would only watch.
            assert "none" in block(rule, "override_action")[0], rule["name"]
            managed.add(group["name"])
        if "rate_based_statement" in statement:
            (rate,) = block(statement, "rate_based_statement")
            assert rate["limit"] == env_values("prod")["waf_rate_limit"]
            assert 10 <= rate["limit"] <= 100_000
            assert rate["aggregate_key_type"] == "IP"
            assert "block" in block(rule, "action")[0]
            rate_limits.append(rule)
        assert block(rule, "visibility_config")[0]["cloudwatch_metrics_enabled"] is True
    assert managed >= MANAGED_GROUPS
    assert len(rate_limits) == 1


def test_waf_is_associated_and_logged_without_credentials() -> None:
    module = alb("prod")
    for kind, name in WAF_RESOURCES:
        assert instances(module.resource(kind, name)) == 1, (kind, name)
    association = module.resource("aws_wafv2_web_acl_association")
    assert association["resource_arn"] == Ref("aws_lb.this.arn")
    assert association["web_acl_arn"] == Ref("aws_wafv2_web_acl.this[0].arn")
    group = module.resource("aws_cloudwatch_log_group", "waf")
    assert group["name"].startswith("aws-waf-logs-")  # WAF's naming rule
    assert group["retention_in_days"] == env_values("prod")["log_retention_days"]
    logging = module.resource("aws_wafv2_web_acl_logging_configuration")
    assert logging["log_destination_configs"] == [Ref("aws_cloudwatch_log_group.waf[0].arn")]
    redacted = {
        header["name"]
        for field in block(logging, "redacted_fields")
        for header in block(field, "single_header")
    }
    assert {"authorization", "cookie"} <= redacted


def test_waf_is_optional_in_dev_and_off_by_default() -> None:
    module = alb("dev")
    assert module.var("waf_enabled") is env_values("dev")["waf_enabled"] is False
    for kind, name in WAF_RESOURCES:
        assert instances(module.resource(kind, name)) == 0, (kind, name)


# --- access logs -----------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_access_logs_are_on_and_expire(env: str) -> None:
    module = alb(env)
    lb = module.resource("aws_lb")
    (logs,) = block(lb, "access_logs")
    assert logs["enabled"] is True
    assert logs["bucket"] == Ref("aws_s3_bucket.access_logs.id")
    # Logging is turned on only once the bucket lets the load balancer write.
    assert lb["depends_on"] == [Ref("aws_s3_bucket_policy.access_logs")]
    assert lb["drop_invalid_header_fields"] is True
    lifecycle = module.resource("aws_s3_bucket_lifecycle_configuration", "access_logs")
    (expiry,) = [r for r in block(lifecycle, "rule") if "days" in block(r, "expiration")[0]]
    days = env_values(env)["access_logs_expiration_days"]
    assert block(expiry, "expiration")[0]["days"] == days >= 1


def test_prod_keeps_its_logs_longer_than_dev() -> None:
    dev, prod = env_values("dev"), env_values("prod")
    assert prod["access_logs_expiration_days"] >= dev["access_logs_expiration_days"]
    assert alb("prod").resource("aws_lb")["enable_deletion_protection"] is True


# --- the access log bucket's protections (module) -----------------------------------


def test_log_bucket_is_private_owner_enforced_encrypted_and_versioned() -> None:
    module = alb("prod")
    bucket = module.resource("aws_s3_bucket", "access_logs")
    account = env_values("prod")["account_id"]
    assert bucket["bucket"] == f"{module.var('name')}-alb-logs-{account}"
    public = module.resource("aws_s3_bucket_public_access_block", "access_logs")
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert public[setting] is True, setting
    ownership = module.resource("aws_s3_bucket_ownership_controls", "access_logs")
    assert block(ownership, "rule")[0]["object_ownership"] == "BucketOwnerEnforced"
    encryption = module.resource(
        "aws_s3_bucket_server_side_encryption_configuration", "access_logs"
    )
    default = block(block(encryption, "rule")[0], "apply_server_side_encryption_by_default")[0]
    assert default["sse_algorithm"] == "AES256"  # SSE-S3: what ALB delivery supports
    versioning = module.resource("aws_s3_bucket_versioning", "access_logs")
    assert block(versioning, "versioning_configuration")[0]["status"] == "Enabled"
    for kind in (
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_policy",
    ):
        assert module.resource(kind, "access_logs")["bucket"] == Ref(
            "aws_s3_bucket.access_logs.id"
        ), kind


def test_log_bucket_expires_logs_and_cleans_up() -> None:
    lifecycle = alb("prod").resource("aws_s3_bucket_lifecycle_configuration", "access_logs")
    rules = [rule for rule in block(lifecycle, "rule") if rule["status"] == "Enabled"]
    (rule,) = [r for r in rules if "days" in block(r, "expiration")[0]]
    assert rule["filter"] == [{}], "the expiry covers every object"
    assert "noncurrent_version_expiration" in rule
    assert block(rule, "abort_incomplete_multipart_upload")[0]["days_after_initiation"] >= 1


# The bucket policy (TLS only, only log delivery writes): alb-policies/tests.


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
        "TG_TF_PATH": built("opentofu"),
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
        [built("terragrunt"), *args],
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
    assert f"{load('prod', 'alb')['inputs']['name']} serves HTTPS only" in result.stderr
    assert "domain_name" in result.stderr
    validate = terragrunt("hcl", "validate", "--inputs", "--strict", cwd=live / "prod")
    assert validate.returncode != 0
    assert "serves HTTPS only" in validate.stderr


def test_dev_without_a_domain_renders_and_stays_on_http(tmp_path: Path) -> None:
    result = render_alb(live_copy(tmp_path, "dev", domain=""), "dev")
    assert result.returncode == 0, result.stderr[-2000:]
    inputs = json.loads(result.stdout)["inputs"]
    # What the module tests above evaluate as dev-without-domain.
    assert inputs == {**load("dev", "alb")["inputs"], **WITHOUT_DOMAIN}
    # The module then makes no certificate, no HTTPS listener and forwards on HTTP.
    module = Module("alb", inputs)
    assert instances(module.resource("aws_acm_certificate")) == 0
    assert instances(module.resource("aws_lb_listener", "https")) == 0
    assert module.output("listener_arn") == Ref("aws_lb_listener.http.arn")
    assert module.output("url") == Ref("http://${aws_lb.this.dns_name}")


def test_serve_binds_to_loopback_only() -> None:
    """The ALB shields gunicorn's sync workers from slow clients; a laptop has no ALB."""
    noxfile = (ROOT / "noxfile.py").read_text()
    serve = noxfile[noxfile.index("def serve(") :]
    serve = serve[: serve.index("\n@nox.session")]
    published = re.findall(r'"--publish", "([^"]+)"', serve)
    assert published
    assert all(p.startswith("127.0.0.1:") for p in published), published
