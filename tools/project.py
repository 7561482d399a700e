"""Facts about the checkout that every session relies on: paths, pinned versions, commit."""

from __future__ import annotations

import ast
import subprocess
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nox

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "services" / "hello"
BUILD = ROOT / "build"
# The one file that pins the infra and workflow tools (and what the workflows run nox with).
MISE_TOML = ROOT / "mise.toml"
INFRA_LIVE = ROOT / "infra" / "live"
INFRA_MODULES = ROOT / "infra" / "modules"
INFRA_BUILD = BUILD / "infra"
# What `nox -s infra` renders (`terragrunt render --json`): RENDERED/<env>/<unit>.json.
RENDERED = INFRA_BUILD / "rendered"
# The environments are the folders of infra/live that hold an env.hcl.
ENVIRONMENTS = tuple(sorted(path.parent.name for path in INFRA_LIVE.glob("*/env.hcl")))


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


def pinned_versions(path: Path = MISE_TOML) -> dict[str, str]:
    with path.open("rb") as file:
        tools: dict[str, str] = tomllib.load(file)["tools"]
    return tools


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def git_sha() -> str:
    return git("rev-parse", "HEAD")


def run_script(
    session: nox.Session, script: Path, *args: str, python_args: Sequence[str] = ()
) -> None:
    """Runs a script of tools/ with the session's Python; the scripts import `tools` from the
    repository root."""
    session.run("python", *python_args, str(script), *args, env={"PYTHONPATH": str(ROOT)})


def noxfile_sessions() -> list[str]:
    """Names of the sessions noxfile.py defines, in order (a `name=` in the decorator wins)."""
    names = []
    for node in ast.parse((ROOT / "noxfile.py").read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if ast.unparse(call.func if call else decorator) != "nox.session":
                continue
            renamed = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
            names.append(ast.literal_eval(renamed[0]) if renamed else node.name)
    return names


def default_noxfile_sessions() -> list[str]:
    """The sessions a bare `nox` runs: noxfile.py's `nox.options.sessions`."""
    for node in ast.parse((ROOT / "noxfile.py").read_text()).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            found = ast.literal_eval(node.value)
            return [str(session) for session in found]
    raise LookupError("noxfile.py sets no nox.options.sessions")
