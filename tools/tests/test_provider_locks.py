"""Assembling a unit and reading its requirements, with a stand-in tofu (the real one runs
on the real units in infra/tests/test_provider_locks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.provider_locks import LOCK_FILE, assemble, problems, required
from tools.tests.fakes import program

TREE = """echo '
Providers required by configuration:
.
├── provider[registry.opentofu.org/integrations/github] >= 6.0.0, < 7.0.0
└── provider[registry.opentofu.org/hashicorp/aws]
'"""


def test_assemble_lays_out_module_generated_files_and_lock(tmp_path: Path) -> None:
    (tmp_path / "modules" / "repo").mkdir(parents=True)
    (tmp_path / "modules" / "repo" / "main.tf").write_text("# module")
    unit = tmp_path / "live" / "repo"
    unit.mkdir(parents=True)
    (unit / LOCK_FILE).write_text("# lock")
    config = {
        "terraform": {"source": f"{tmp_path}/modules//repo"},
        "generate": {"p": {"path": "provider.tf", "contents": 'provider "aws" {}'}},
    }
    copy = assemble(config, unit, tmp_path / "with", lock=True)
    assert (copy / "main.tf").read_text() == "# module"
    assert (copy / "provider.tf").read_text() == 'provider "aws" {}'
    assert (copy / LOCK_FILE).read_text() == "# lock"
    assert not (assemble(config, unit, tmp_path / "without", lock=False) / LOCK_FILE).exists()


def test_required_reads_the_tree_tofu_prints(tmp_path: Path, bin_dir: Path) -> None:
    tofu = program(bin_dir, "tofu", TREE)
    assert required(str(tofu), tmp_path) == {
        "registry.opentofu.org/integrations/github": ">= 6.0.0, < 7.0.0",
        "registry.opentofu.org/hashicorp/aws": "",
    }


def test_required_fails_with_what_tofu_said(tmp_path: Path, bin_dir: Path) -> None:
    tofu = program(bin_dir, "tofu", "echo 'Error: Unsupported block type' >&2; exit 1")
    with pytest.raises(RuntimeError, match="Unsupported block type"):
        required(str(tofu), tmp_path)


def test_a_unit_without_a_lock_is_a_problem(tmp_path: Path) -> None:
    assert problems({"dev/alb": (tmp_path / LOCK_FILE, {"x": ""})}) == [
        f"dev/alb: no {LOCK_FILE}, so init would pick any provider release"
    ]
