"""A plan saved to be applied holds no mock value. Rendered by the real Terragrunt with
PLAN_TO_APPLY set (as `nox -s plan -- <env> --plan-dir DIR` runs it), no dependency may
stand in its mock_outputs for a plan or an apply, so Terragrunt fails on a dependency that
has no outputs, naming the unit and the dependency; offline validation and pull-request
plans keep their mocks."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

import pytest

from tools.go_tools import built
from tools.infra_checks import PLAN_TO_APPLY, offline_env
from tools.project import ENVIRONMENTS, INFRA_LIVE
from tools.rendered import load, units

UNITS_WITH_DEPENDENCIES = [
    (env, unit) for env in ENVIRONMENTS for unit in units(env) if load(env, unit).get("dependency")
]


def render_to_apply(env: str, unit: str) -> dict[str, Any]:
    environment = {**os.environ, **offline_env(built("opentofu")), PLAN_TO_APPLY: "1"}
    result = subprocess.run(
        [built("terragrunt"), "render", "--json", "--working-dir", str(INFRA_LIVE / env / unit)],
        env=environment, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    rendered: dict[str, Any] = json.loads(result.stdout)
    return rendered


def mocked_for(config: dict[str, Any]) -> dict[str, set[str]]:
    return {
        name: set(dependency.get("mock_outputs_allowed_terraform_commands") or [])
        for name, dependency in config.get("dependency", {}).items()
    }


def test_units_with_dependencies_are_checked() -> None:
    assert {unit for _env, unit in UNITS_WITH_DEPENDENCIES} >= {"alb", "ecs-service"}


@pytest.mark.parametrize(("env", "unit"), UNITS_WITH_DEPENDENCIES)
def test_a_plan_to_apply_stands_in_no_mock_outputs(env: str, unit: str) -> None:
    for name, commands in mocked_for(render_to_apply(env, unit)).items():
        assert not commands & {"plan", "apply"}, f"{env}/{unit}: dependency {name}: {commands}"


@pytest.mark.parametrize(("env", "unit"), UNITS_WITH_DEPENDENCIES)
def test_validation_and_pull_request_plans_keep_their_mocks(env: str, unit: str) -> None:
    config = load(env, unit)
    for name, commands in mocked_for(config).items():
        assert config["dependency"][name].get("mock_outputs"), f"{env}/{unit}: {name}"
        assert commands == {"validate", "plan"}, f"{env}/{unit}: dependency {name}: {commands}"
