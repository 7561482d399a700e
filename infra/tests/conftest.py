"""Fixtures shared by the infra tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools.go_tools import built
from tools.project import INFRA_MODULES

PlanVariables = Callable[[str, dict[str, Any]], str]


@pytest.fixture
def plan_variables(tmp_path: Path) -> PlanVariables:
    """`tofu plan` of a module's variables.tf alone: its validation rules, run by the real
    OpenTofu offline (no resources, so no provider). Returns what tofu said; ValueError with
    its error message on one line if it refused."""

    def plan(module: str, values: dict[str, Any]) -> str:
        work = tmp_path / module
        work.mkdir()
        shutil.copy(INFRA_MODULES / module / "variables.tf", work)
        (work / "inputs.tfvars.json").write_text(json.dumps(values))
        result = subprocess.run(
            [built("opentofu"), "plan", "-input=false", "-no-color",
             "-var-file=inputs.tfvars.json"],
            cwd=work, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise ValueError(" ".join(result.stderr.split()))
        return result.stdout

    return plan
