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
