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

from infra.tests.iam_policy import attribute
from infra.tests.rendered import ENVIRONMENTS, MODULES, load
from infra.tests.tools import pinned

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
    for block in parse(module).get("resource", []):
        if kind in block and name in block[kind]:
            found: dict[str, Any] = block[kind][name]
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


def container_settings() -> dict[str, str]:
    """`key = value` lines of the task definition's jsonencode()d container definition,
    as written (whatever the alignment): the provider only sees the encoded JSON."""
    source = (MODULES / "ecs-service" / "main.tf").read_text()
    start = source.index("container_definitions = jsonencode(")
    block = source[start : source.index("\n  ])", start)]
    return dict(re.findall(r"^\s*(\w+)\s*=\s*(.+?)\s*$", block, re.MULTILINE))


def test_container_definition_follows_the_contract() -> None:
    task = resource("ecs-service", "aws_ecs_task_definition")
    assert attribute(task, "track_latest") is False
    assert attribute(task, "skip_destroy") is True
    assert attribute(task, "family") == "${var.name}"
    container = container_settings()
    assert container["name"] == "local.container_name"
    assert container["user"].strip('"').isdigit(), "a numeric non-root user"
    assert container["user"].strip('"') != "0"
    assert container["readonlyRootFilesystem"] == "true"
    assert container["stopTimeout"] == "var.stop_timeout"
    assert "var.health_check_path" in container["command"]
    assert "HELLO_ENVIRONMENT" in container["environment"]
    assert "HELLO_REVISION" not in container["environment"], "the image carries its revision"
    assert re.search(
        r'container_name\s*=\s*"hello"', (MODULES / "ecs-service" / "main.tf").read_text()
    )


def test_service_leaves_releases_and_scaling_to_their_owners() -> None:
    service = resource("ecs-service", "aws_ecs_service")
    ignored = attribute(service["lifecycle"][0], "ignore_changes")
    assert ignored == ["${task_definition}", "${desired_count}"]
    breaker = service["deployment_circuit_breaker"][0]
    assert (attribute(breaker, "enable"), attribute(breaker, "rollback")) == (True, True)


def test_target_group_and_load_balancer_conventions() -> None:
    group = resource("ecs-service", "aws_lb_target_group")
    assert attribute(group, "target_type") == "ip"
    variables = {
        name: spec for block in parse("ecs-service")["variable"] for name, spec in block.items()
    }
    assert attribute(variables["health_check_path"], "default") == "/healthz"
    assert attribute(variables["container_port"], "default") == 8000
    assert attribute(resource("alb", "aws_lb"), "drop_invalid_header_fields") is True
    cluster = resource("ecs-cluster", "aws_ecs_cluster")
    assert attribute(cluster["setting"][0], "name") == "containerInsights"


def test_ecr_tags_are_immutable_and_scanned() -> None:
    repository = resource("ecr", "aws_ecr_repository")
    assert attribute(repository, "image_tag_mutability") == "IMMUTABLE"
    assert attribute(repository["image_scanning_configuration"][0], "scan_on_push") is True
    policy = json.dumps(resource("ecr", "aws_ecr_lifecycle_policy"))
    assert "lifecycle-policy.json.tftpl" in policy  # rules: infra/tests/test_ecr_retention.py


# --- the stop sequence: drain < graceful timeout < stop timeout ---------------------


def plan_variables(module: str, values: dict[str, Any], tmp_path: Path) -> str:
    """`tofu plan` of the module's variables.tf alone: its validation rules, run offline
    (no resources, so no provider). Returns what tofu said; ValueError with its error
    message on one line if it refused."""
    shutil.copy(MODULES / module / "variables.tf", tmp_path)
    (tmp_path / "inputs.tfvars.json").write_text(json.dumps(values))
    result = subprocess.run(
        [pinned("opentofu", "tofu"), "plan", "-input=false", "-no-color",
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
