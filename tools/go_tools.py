"""The infra and workflow tools pinned in mise.toml: the one on PATH if it is that version,
else built from the Go module proxy into a cache outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from tools.project import pinned_versions

if TYPE_CHECKING:
    import nox

TOOLS_CACHE = Path(
    os.environ.get("HELLO_TOOLS_CACHE", Path.home() / ".cache" / "hello-platform" / "tools")
)

# How each tool pinned in mise.toml is built from the Go module proxy where mise is not
# used: (command, Go module, package of the command inside it, linker flags).
GO_TOOLS = {
    "opentofu": (
        "tofu", "github.com/opentofu/opentofu", "./cmd/tofu",
        "-X github.com/opentofu/opentofu/version.dev=no",
    ),
    "terragrunt": (
        "terragrunt", "github.com/gruntwork-io/terragrunt", ".",
        "-X github.com/gruntwork-io/go-commons/version.Version=v{version}",
    ),
    "tflint": ("tflint", "github.com/terraform-linters/tflint", ".", ""),
    "terraform-docs": ("terraform-docs", "github.com/terraform-docs/terraform-docs", ".", ""),
    "actionlint": ("actionlint", "github.com/rhysd/actionlint", "./cmd/actionlint", ""),
    "gh": (
        "gh", "github.com/cli/cli/v2", "./cmd/gh",
        "-X github.com/cli/cli/v2/internal/build.Version={version}",
    ),
}  # fmt: skip


def tofu_env() -> dict[str, str]:
    """Environment overrides for running tofu: a TF_CLI_CONFIG_FILE that names no file makes
    tofu print a warning ahead of its output (and Terragrunt then cannot parse its version),
    so such a setting is dropped."""
    cli_config = os.environ.get("TF_CLI_CONFIG_FILE")
    if cli_config and not Path(cli_config).is_file():
        return {"TF_CLI_CONFIG_FILE": os.devnull}
    return {}


def tool(session: nox.Session, name: str) -> str:
    """Path to the pinned version of a Go-built tool, building it on first use.

    The tool's own module is the main module of the build, so its go.mod `replace`
    lines and its go.sum apply (OpenTofu replaces hashicorp/hcl/v2 with a fork; the
    checksum database answers 404 for some of Terragrunt's pseudo-versions).
    """
    found_binary = installed(name)
    if found_binary:
        return found_binary
    _, module, package, ldflags = GO_TOOLS[name]
    version = pinned_versions()[name]
    binary = _cached(name, version)
    if not shutil.which("go"):
        session.error(f"{name} {version} is not on PATH and Go is missing to build it")
    session.log(f"building {name} {version} from the Go module proxy into {binary.parent}")
    found = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@v{version}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        session.error(
            f"the Go module proxy refused {module}@v{version}: {found.stdout}{found.stderr}"
        )
    session.run(
        "go", "build", "-C", json.loads(found.stdout)["Dir"], "-trimpath",
        f"-ldflags={ldflags.format(version=version)}", "-o", str(binary), package,
        external=True, env={"GOFLAGS": "-mod=readonly"},
    )  # fmt: skip
    return str(binary)


def installed(name: str) -> str | None:
    """Path to the pinned version of a tool if it is on PATH or already built, else None."""
    command = GO_TOOLS[name][0]
    version = pinned_versions()[name]
    on_path = shutil.which(command)
    if on_path and version in _version_output(on_path):
        return on_path
    binary = _cached(name, version)
    return str(binary) if binary.exists() else None


def built(name: str) -> str:
    """Path to the pinned version of a tool that `nox -s infra` or `workflows` has built."""
    path = installed(name)
    if not path:
        raise LookupError(f"{name} {pinned_versions()[name]} is missing: `nox -s infra` builds it")
    return path


def _cached(name: str, version: str) -> Path:
    return TOOLS_CACHE / name / version / "bin" / GO_TOOLS[name][0]


def _version_output(path: str) -> str:
    for flag in ("--version", "version"):
        result = subprocess.run([path, flag], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout + result.stderr
    return ""
