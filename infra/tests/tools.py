"""The pinned infra tools (mise.toml) that `nox -s infra` builds before it runs pytest."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

from infra.tests.rendered import ROOT


def pinned(name: str, command: str) -> str:
    """Path of the version mise.toml pins: from the noxfile's cache, else on PATH."""
    with (ROOT / "mise.toml").open("rb") as file:
        version = tomllib.load(file)["tools"][name]
    cache = Path(
        os.environ.get("HELLO_TOOLS_CACHE", Path.home() / ".cache" / "hello-platform" / "tools")
    )
    binary = cache / name / version / "bin" / command
    if binary.exists():
        return str(binary)
    on_path = shutil.which(command)
    assert on_path, f"{name} {version} is missing: run `nox -s infra`, which builds it"
    return on_path
