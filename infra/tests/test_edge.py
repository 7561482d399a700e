"""The edge of each environment: HTTPS, redirect-only HTTP, HSTS, WAF and access logs.

Where each rule is checked: the rendered Terragrunt inputs (what each environment asks
for, below); the alb module's variable rules in the real `tofu plan` of its variables
(conftest.py); its resource arguments as written by checkov (built-in checks: access
logs CKV_AWS_91, invalid headers CKV_AWS_131, deletion protection CKV_AWS_150, the log
bucket's public access block CKV_AWS_53-56 and CKV2_AWS_6, owner-enforced objects
CKV2_AWS_65, versioning CKV_AWS_21, encryption CKV_AWS_19, lifecycle CKV2_AWS_61 and
CKV_AWS_300, WAF logging CKV2_AWS_31; the repository's, infra/checkov: CKV2_PLATFORM_7
HTTPS listener, CKV_PLATFORM_8 listener defaults, CKV_PLATFORM_19 the service's host
rule, CKV_PLATFORM_9 and 10 WAF); and real `terragrunt` runs on a copy of infra/live with
the domain emptied (prod must refuse, dev must render, stay on HTTP and admit any host).
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools.go_tools import built
from tools.project import ENVIRONMENTS, ROOT
from tools.rendered import LIVE, MODULES, env_values, load

WITHOUT_DOMAIN = {"domain_name": "", "require_https": False}
PlanVariables = Callable[[str, dict[str, Any]], str]  # the plan_variables fixture


# --- helpers ------------------------------------------------------------------------


def alb_inputs(env: str) -> dict[str, Any]:
    inputs: dict[str, Any] = load(env, "alb")["inputs"]
    return inputs


def test_prod_requires_https_and_has_a_domain(plan_variables: PlanVariables) -> None:
    inputs = alb_inputs("prod")
    assert inputs["require_https"] is True
    assert inputs["domain_name"] == env_values("prod")["domain_name"] != ""
    assert inputs["hosted_zone_id"]
    plan_variables("alb", inputs)  # the module accepts them


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"domain_name": "", "hosted_zone_id": ""}, "must serve HTTPS"),  # prod without a domain
        ({"hosted_zone_id": ""}, "needs hosted_zone_id"),
        ({"ssl_policy": "ELBSecurityPolicy-TLS-1-2-2017-01"}, "TLS 1.3"),
        ({"hsts_header_value": "max-age=86400; includeSubDomains"}, "at least a year"),
        ({"hsts_header_value": "includeSubDomains"}, "at least a year"),
    ],
)
def test_the_module_refuses_inputs_that_weaken_https(
    changes: dict[str, Any], message: str, plan_variables: PlanVariables
) -> None:
    """The module's own guards (variable validations), behind the unit's (terragrunt below)."""
    with pytest.raises(ValueError, match=message):
        plan_variables("alb", {**alb_inputs("prod"), **changes})


# --- WAF -------------------------------------------------------------------------------


def test_prod_has_waf_with_a_rate_limit() -> None:
    inputs = alb_inputs("prod")
    assert inputs["waf_enabled"] is True
    # Per IP and 5 minutes: low enough to slow a flood, high enough for a busy client.
    assert 10 <= inputs["waf_rate_limit"] <= 100_000


def test_dev_is_not_open_to_a_flood(plan_variables: PlanVariables) -> None:
    """A flood of dev would hold up every promotion (docs/runbooks/promote.md): dev keeps a
    per-IP rate limit unless it admits only known ranges."""
    inputs = alb_inputs("dev")
    # "Known ranges" are narrow ones: any block of a /8 or wider, in IPv4 or IPv6, is the open
    # internet as far as a flood is concerned.
    blocks = [*inputs["ingress_cidr_blocks"], *inputs.get("ingress_ipv6_cidr_blocks", [])]
    if any(ipaddress.ip_network(block).prefixlen < 8 for block in blocks):
        assert inputs["waf_enabled"] is True, "dev is open to the internet without WAF"
        assert inputs["waf_rate_limit"] <= alb_inputs("prod")["waf_rate_limit"]
    plan_variables("alb", inputs)  # the module accepts them


# --- access logs -----------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_access_logs_expire(env: str) -> None:
    assert alb_inputs(env)["access_logs_expiration_days"] >= 1


def test_prod_keeps_its_logs_longer_than_dev() -> None:
    dev, prod = alb_inputs("dev"), alb_inputs("prod")
    assert prod["access_logs_expiration_days"] >= dev["access_logs_expiration_days"]
    assert prod["deletion_protection"] is True


# --- the access log bucket's policy (module) -----------------------------------------


# The bucket policy (TLS only, only log delivery writes): alb-policies/tests.


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


def test_dev_without_a_domain_renders(tmp_path: Path) -> None:
    live = live_copy(tmp_path, "dev", domain="")
    result = render_alb(live, "dev")
    assert result.returncode == 0, result.stderr[-2000:]
    inputs = json.loads(result.stdout)["inputs"]
    assert inputs == {**load("dev", "alb")["inputs"], **WITHOUT_DOMAIN}
    # Reached by the load balancer's DNS name, the service admits any host there.
    service = terragrunt("render", "--json", "--working-dir", str(live / "dev" / "ecs-service"),
                         cwd=live)  # fmt: skip
    assert service.returncode == 0, service.stderr[-2000:]
    assert json.loads(service.stdout)["inputs"]["host_name"] == ""


# --- host names ----------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_only_the_environments_domain_reaches_its_service(env: str) -> None:
    """The forwarding rule admits the host the alb serves; the listeners answer any other
    with a 404 (CKV_PLATFORM_8), and the rule always has the condition (CKV_PLATFORM_19)."""
    host = load(env, "ecs-service")["inputs"]["host_name"]
    assert host == alb_inputs(env)["domain_name"] == env_values(env)["domain_name"]
    if env == "prod":
        assert host != ""


def test_serve_binds_to_loopback_only() -> None:
    """The ALB shields gunicorn's sync workers from slow clients; a laptop has no ALB."""
    noxfile = (ROOT / "noxfile.py").read_text()
    serve = noxfile[noxfile.index("def serve(") :]
    serve = serve[: serve.index("\n@nox.session")]
    published = re.findall(r'"--publish", "([^"]+)"', serve)
    assert published
    assert all(p.startswith("127.0.0.1:") for p in published), published
