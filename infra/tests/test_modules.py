"""Conventions of infra/modules that the rendered configs cannot show."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from tools.go_tools import built
from tools.hcl_module import Module, block
from tools.project import ENVIRONMENTS
from tools.rendered import MODULES, load

MODULE_DIRS = sorted(path.parent for path in MODULES.glob("*/main.tf"))
SKIP = re.compile(r"checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def parse(module: str) -> dict[str, Any]:
    merged: dict[str, list[Any]] = {}
    for path in sorted((MODULES / module).glob("*.tf")):
        with path.open() as file:
            for key, value in load_hcl(file).items():
                merged.setdefault(key, []).extend(value)
    return merged


def resource(module: str, kind: str, name: str = "this") -> dict[str, Any]:
    for resources in parse(module).get("resource", []):
        if kind in resources and name in resources[kind]:
            found: dict[str, Any] = resources[kind][name]
            return found
    raise AssertionError(f"{module}: no resource {kind}.{name}")


@pytest.mark.parametrize("module", MODULE_DIRS, ids=lambda p: p.name)
def test_module_layout(module: Path) -> None:
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (module / name).exists(), f"{module.name}/{name}"
    readme = (module / "README.md").read_text()
    assert "<!-- BEGIN_TF_DOCS -->" in readme
    assert "<!-- END_TF_DOCS -->" in readme
    parsed = parse(module.name)
    assert "provider" not in parsed, "modules take their provider from the caller"
    assert all("backend" not in block for block in parsed.get("terraform", []))


@pytest.mark.parametrize("path", sorted(MODULES.glob("*/*.tf")), ids=lambda p: p.name)
def test_every_checkov_skip_has_a_reason(path: Path) -> None:
    for match in SKIP.finditer(path.read_text()):
        reason = (match.group(2) or "").strip()
        assert len(reason) > 10, f"{path.name}: {match.group(0)} needs a reason"


# The arguments through which a resource takes a policy document.
POLICY_ARGUMENTS = {
    "aws_iam_role": "assume_role_policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_policy": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_kms_key": "policy",
    "aws_sns_topic_policy": "policy",
    "aws_ecr_repository_policy": "policy",
    "aws_ecr_lifecycle_policy": "policy",
}
# Resource modules whose policies come from their provider-free `<module>-policies`.
WITH_POLICY_MODULES = [
    path.name for path in MODULE_DIRS if (MODULES / f"{path.name}-policies").is_dir()
]


def module_locals(parsed: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(value[0] if isinstance(value, list) else value)
        for block in parsed.get("locals", [])
        for name, value in block.items()
    }


def policies_behind(value: str, locals_: dict[str, str]) -> str:
    """`${local.x...}` as the module output it is built from, where local.x's expression
    reads a single `local.y` or `module.policies.*` (and so on, to the module output)."""
    for _ in range(len(locals_)):
        named = re.fullmatch(r"\$\{local\.(\w+)(.*)\}", value)
        if not named:
            return value
        expression = locals_[named.group(1)]
        used = set(re.findall(r"(?:module\.policies\.\w+|local\.\w+)", expression))
        if len(used) != 1:
            return value
        value = "${" + used.pop() + named.group(2) + "}"
    return value


@pytest.mark.parametrize("module", WITH_POLICY_MODULES)
def test_resources_attach_only_what_their_policy_module_computes(module: str) -> None:
    """So the documents the policy module's tests and the linters check are the ones AWS
    gets: no policy is written or edited in the resource module itself."""
    parsed = parse(module)
    assert all("aws_iam_policy_document" not in data for data in parsed.get("data", []))
    calls = [body for block in parsed.get("module", []) for body in block.values()]
    # bc-python-hcl2 gives each attribute as a one-item list of its expression's text.
    assert [call["source"] for call in calls] == [[f"../{module}-policies"]]
    attached = 0
    for resources in parsed.get("resource", []):
        for kind, named in resources.items():
            if kind not in POLICY_ARGUMENTS:
                continue
            for name, body in named.items():
                (value,) = body[POLICY_ARGUMENTS[kind]]
                if re.fullmatch(r"\$\{each\.value(\.\w+)?\}", value):
                    (value,) = body["for_each"]
                value = policies_behind(value, module_locals(parsed))
                assert re.fullmatch(r"\$\{module\.policies\.[^}]+\}", value), (kind, name, value)
                attached += 1
    assert attached


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_container_definition_follows_the_contract(env: str) -> None:
    inputs = load(env, "ecs-service")["inputs"]
    task = Module("ecs-service", inputs).resource("aws_ecs_task_definition")
    assert task["track_latest"] is False
    assert task["skip_destroy"] is True
    assert task["family"] == inputs["name"]
    (container,) = task["container_definitions"]
    assert container["name"] == "hello"
    assert container["user"].isdigit(), "a numeric non-root user"
    assert container["user"] != "0"
    assert container["readonlyRootFilesystem"] is True
    assert container["stopTimeout"] == inputs["stop_timeout"]
    assert [port["containerPort"] for port in container["portMappings"]] == [8000]
    assert "http://127.0.0.1:8000/healthz" in " ".join(container["healthCheck"]["command"])
    environment = {item["name"]: item["value"] for item in container["environment"]}
    assert environment["HELLO_ENVIRONMENT"] == env
    assert "HELLO_REVISION" not in environment, "the image carries its revision"


def test_service_leaves_releases_and_scaling_to_their_owners() -> None:
    service = Module("ecs-service", load("dev", "ecs-service")["inputs"]).resource(
        "aws_ecs_service"
    )
    (lifecycle,) = block(service, "lifecycle")
    assert lifecycle["ignore_changes"] == ["task_definition", "desired_count"]
    (breaker,) = block(service, "deployment_circuit_breaker")
    assert (breaker["enable"], breaker["rollback"]) == (True, True)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_target_group_and_load_balancer_conventions(env: str) -> None:
    service = Module("ecs-service", load(env, "ecs-service")["inputs"])
    group = service.resource("aws_lb_target_group")
    assert group["target_type"] == "ip"
    assert group["port"] == 8000
    (health,) = block(group, "health_check")
    assert (health["path"], health["matcher"]) == ("/healthz", "200")
    (balancer,) = block(service.resource("aws_ecs_service"), "load_balancer")
    assert (balancer["container_name"], balancer["container_port"]) == ("hello", 8000)
    lb = Module("alb", load(env, "alb")["inputs"]).resource("aws_lb")
    assert lb["drop_invalid_header_fields"] is True
    cluster = Module("ecs-cluster", load(env, "ecs-cluster")["inputs"]).resource("aws_ecs_cluster")
    (setting,) = block(cluster, "setting")
    assert setting["name"] == "containerInsights"
    assert setting["value"] in ("enabled", "enhanced")


def test_ecr_tags_are_immutable_and_scanned() -> None:
    repository = Module("ecr", load("dev", "ecr")["inputs"]).resource("aws_ecr_repository")
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    (scanning,) = block(repository, "image_scanning_configuration")
    assert scanning["scan_on_push"] is True
    # The lifecycle policy: infra/tests/test_ecr_retention.py.


# --- the stop sequence: drain < graceful timeout < stop timeout ---------------------


def plan_variables(module: str, values: dict[str, Any], tmp_path: Path) -> str:
    """`tofu plan` of the module's variables.tf alone: its validation rules, run offline
    (no resources, so no provider). Returns what tofu said; ValueError with its error
    message on one line if it refused."""
    shutil.copy(MODULES / module / "variables.tf", tmp_path)
    (tmp_path / "inputs.tfvars.json").write_text(json.dumps(values))
    result = subprocess.run(
        [built("opentofu"), "plan", "-input=false", "-no-color",
         "-var-file=inputs.tfvars.json"],
        cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise ValueError(" ".join(result.stderr.split()))
    return result.stdout


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ecs_service_accepts_each_environments_stop_sequence(env: str, tmp_path: Path) -> None:
    inputs = load(env, "ecs-service")["inputs"]
    assert "No changes" in plan_variables("ecs-service", inputs, tmp_path)


@pytest.mark.parametrize(
    ("setting", "other"),
    [
        ("deregistration_delay", "graceful_timeout"),  # still draining at SIGTERM's deadline
        ("stop_timeout", "graceful_timeout"),  # killed while finishing requests
        ("graceful_timeout", "deregistration_delay"),
    ],
)
def test_ecs_service_refuses_a_stop_sequence_out_of_order(
    setting: str, other: str, tmp_path: Path
) -> None:
    inputs = load("dev", "ecs-service")["inputs"]
    with pytest.raises(ValueError, match="deregistration_delay < graceful_timeout < stop_timeout"):
        plan_variables("ecs-service", {**inputs, setting: inputs[other]}, tmp_path)
