"""Fixtures shared by the infra tests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools.policy_documents import TofuFailed, tofu
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
        try:
            return tofu("plan", "-input=false", "-var-file=inputs.tfvars.json", cwd=work)
        except TofuFailed as refused:
            raise ValueError(" ".join(str(refused).split())) from None

    return plan
