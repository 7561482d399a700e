"""Every task a person or CI runs on hello-platform: `nox -l` lists them.

Python dependencies come from uv.lock (one dependency group per session);
the infra and workflow tools come from mise.toml, built from the Go module
proxy into a cache outside the repo when they are not already on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import nox

nox.needs_version = ">=2025.10"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "smoke", "infra", "workflows"]

ROOT = Path(__file__).parent
SERVICE = ROOT / "services" / "hello"
BUILD = ROOT / "build"
TOOLS_CACHE = Path(
    os.environ.get("HELLO_TOOLS_CACHE", Path.home() / ".cache" / "hello-platform" / "tools")
)

# Where each pinned tool's command is built from, for machines without mise.
GO_TOOLS = {
    "opentofu": ("tofu", "github.com/opentofu/opentofu/cmd/tofu"),
    "terragrunt": ("terragrunt", "github.com/gruntwork-io/terragrunt"),
    "tflint": ("tflint", "github.com/terraform-linters/tflint"),
    "terraform-docs": ("terraform-docs", "github.com/terraform-docs/terraform-docs"),
    "actionlint": ("actionlint", "github.com/rhysd/actionlint/cmd/actionlint"),
}


def install_groups(session: nox.Session, *groups: str) -> None:
    """Installs the locked dependency groups (and the workspace packages they name)."""
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-default-groups",
        *(f"--group={group}" for group in groups),
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        silent=True,
    )


def pinned_versions() -> dict[str, str]:
    with (ROOT / "mise.toml").open("rb") as file:
        tools: dict[str, str] = tomllib.load(file)["tools"]
    return tools


def tool(session: nox.Session, name: str) -> str:
    """Path to the pinned version of a Go-built tool, building it on first use."""
    command, package = GO_TOOLS[name]
    version = pinned_versions()[name]
    on_path = shutil.which(command)
    if on_path and version in _version_output(on_path):
        return on_path
    cache = TOOLS_CACHE / name / version
    binary = cache / "bin" / command
    if binary.exists():
        return str(binary)
    if not shutil.which("go"):
        session.error(f"{name} {version} is not on PATH and Go is missing to build it")
    session.log(f"building {name} {version} from the Go module proxy into {cache} (first use only)")
    module = cache / "module"
    module.mkdir(parents=True, exist_ok=True)
    go_env = {"GOBIN": str(cache / "bin"), "GOFLAGS": "-mod=mod"}
    # A scratch module avoids `go install pkg@version`, which needs the proxy's version
    # list; the proxy here serves some tools' versions but not their lists.
    if not (module / "go.mod").exists():
        session.run("go", "mod", "init", f"tools.local/{name}", external=True, env=go_env, silent=True)
    with session.chdir(module):
        session.run("go", "get", f"{package}@v{version}", external=True, env=go_env, silent=True)
        session.run("go", "install", package, external=True, env=go_env)
    return str(binary)


def _version_output(path: str) -> str:
    for flag in ("--version", "version"):
        result = subprocess.run([path, flag], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout + result.stderr
    return ""


def git_sha() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy over all Python in the repo."""
    install_groups(session, "lint", "workflows", "infra")
    fix = "--fix" in session.posargs
    session.run("ruff", "check", *(["--fix"] if fix else []), ".")
    session.run("ruff", "format", *([] if fix else ["--check"]), ".")
    session.run("mypy", *_typed_sources())


def _typed_sources() -> list[str]:
    candidates = [
        "noxfile.py",
        "services/hello/src",
        "services/hello/gunicorn.conf.py",
        "services/hello/tests",
        "infra/release/src",
        "infra/release/tests",
        "infra/tests",
        ".github/tests",
    ]
    return [path for path in candidates if (ROOT / path).exists()]


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests with coverage: the service, then the release tool. Posargs go to pytest."""
    install_groups(session, "tests")
    session.run(
        "pytest",
        "services/hello/tests/unit",
        "--cov=hello",
        "--cov-report=term-missing",
        "--cov-fail-under=95",
        *session.posargs,
    )
    if (ROOT / "infra" / "release" / "tests").exists():
        session.run(
            "pytest",
            "infra/release/tests",
            "--cov=hello_release",
            "--cov-report=term-missing",
            "--cov-fail-under=90",
            *session.posargs,
        )


@nox.session
def workflows(session: nox.Session) -> None:
    """actionlint (with shellcheck) and zizmor on .github/, then pytest on the parsed workflows."""
    install_groups(session, "workflows")
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        session.error(
            "shellcheck is not on PATH, and actionlint needs it to check run: scripts; "
            "install it (apt-get install shellcheck, or brew install shellcheck) and rerun"
        )
    session.log(f"actionlint (shellcheck: {shellcheck}) on .github/workflows")
    session.run(tool(session, "actionlint"), f"-shellcheck={shellcheck}", external=True)
    _zizmor(session)
    session.run("pytest", ".github/tests", *session.posargs)


ZIZMOR_TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")


def _zizmor(session: nox.Session) -> None:
    """zizmor at its default persona; its online audits run only when a GitHub token is set."""
    online = any(os.environ.get(name) for name in ZIZMOR_TOKEN_VARIABLES)
    command = [
        str(Path(session.bin) / "zizmor"),
        *([] if online else ["--offline"]),
        "--strict-collection", "--verbose", "--no-progress", "--color=never", ".",
    ]  # fmt: skip
    session.log(" ".join(["zizmor", *command[1:]]))
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    # The verbose log names every audit zizmor scheduled and every one it skipped.
    ran = set(re.findall(r"scheduling ([\w-]+) on ", result.stderr))
    skipped = re.findall(r"skipping ([\w-]+): can't run without a GitHub API token", result.stderr)
    print(result.stdout, end="")
    session.log(f"zizmor ran {len(ran)} audits")
    if skipped:
        session.log(
            f"zizmor skipped its {len(skipped)} online audits ({', '.join(skipped)}): "
            "no GitHub token; set GH_TOKEN to run them"
        )
    if result.returncode != 0:
        print(result.stderr[-4000:], end="")
        session.error(f"zizmor failed (exit {result.returncode})")
