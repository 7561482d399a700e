"""Conventions of infra/modules that the rendered configs cannot show.

The modules' resource arguments are checked by checkov (its own checks and the
repository's, infra/checkov), the container definition by the ecs-container-definitions
module's `tofu test`, and the variable rules here, by the real `tofu plan` of each
module's variables (conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from tools.project import ENVIRONMENTS
from tools.rendered import MODULES, load

MODULE_DIRS = sorted(path.parent for path in MODULES.glob("*/main.tf"))
SKIP = re.compile(r"checkov:skip=([A-Z0-9_]+)(?::(.*))?")
PlanVariables = Callable[[str, dict[str, Any]], str]  # the plan_variables fixture


def parse(module: str) -> dict[str, Any]:
    merged: dict[str, list[Any]] = {}
    for path in sorted((MODULES / module).glob("*.tf")):
        with path.open() as file:
            for key, value in load_hcl(file).items():
                merged.setdefault(key, []).extend(value)
    return merged


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
    calls = {name: body for block in parsed.get("module", []) for name, body in block.items()}
    # bc-python-hcl2 gives each attribute as a one-item list of its expression's text.
    assert calls["policies"]["source"] == [f"../{module}-policies"]
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
                # Its own policy module, or another one (ci-roles creates the alerts key).
                called = re.fullmatch(r"\$\{module\.(\w+)\.[^}]+\}", value)
                assert called, (kind, name, value)
                assert re.fullmatch(r"\.\./[\w-]+-policies", calls[called.group(1)]["source"][0])
                attached += 1
    assert attached


# --- the stop sequence: drain < graceful timeout < stop timeout ---------------------


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_ecs_service_accepts_each_environments_inputs(
    env: str, plan_variables: PlanVariables
) -> None:
    inputs = load(env, "ecs-service")["inputs"]
    assert "No changes" in plan_variables("ecs-service", inputs)


@pytest.mark.parametrize(
    ("setting", "other"),
    [
        ("deregistration_delay", "graceful_timeout"),  # still draining at SIGTERM's deadline
        ("stop_timeout", "graceful_timeout"),  # killed while finishing requests
        ("graceful_timeout", "deregistration_delay"),
    ],
)
def test_ecs_service_refuses_a_stop_sequence_out_of_order(
    setting: str, other: str, plan_variables: PlanVariables
) -> None:
    inputs = load("dev", "ecs-service")["inputs"]
    with pytest.raises(ValueError, match="deregistration_delay < graceful_timeout < stop_timeout"):
        plan_variables("ecs-service", {**inputs, setting: inputs[other]})


@pytest.mark.parametrize("variable", ["HELLO_REVISION", "HELLO_ENVIRONMENT"])
def test_ecs_service_refuses_the_variables_it_owns(
    variable: str, plan_variables: PlanVariables
) -> None:
    """The image carries its revision; the environment's name comes from environment_name."""
    inputs = load("dev", "ecs-service")["inputs"]
    with pytest.raises(ValueError, match="HELLO_REVISION is baked into the image"):
        plan_variables("ecs-service", {**inputs, "environment": {variable: "x"}})
