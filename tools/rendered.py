"""Loads the configs `nox -s infra` renders with `terragrunt render --json`.

Layout: build/infra/rendered/<env>/<unit>.json, one file per Terragrunt unit.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov
from hcl2.api import loads as loads_hcl

from tools.project import ENVIRONMENTS, INFRA_LIVE, INFRA_MODULES, RENDERED, ROOT

LIVE = INFRA_LIVE
MODULES = INFRA_MODULES
GUNICORN_CONFIG = ROOT / "services" / "hello" / "gunicorn.conf.py"

Config = dict[str, Any]


def units(environment: str) -> list[str]:
    """Unit directories of an environment, as found in infra/live (not in the rendering)."""
    return sorted(path.parent.name for path in (LIVE / environment).glob("*/terragrunt.hcl"))


def load(environment: str, unit: str) -> Config:
    path = RENDERED / environment / f"{unit}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `nox -s infra`, which renders it")
    config: Config = json.loads(path.read_text())
    return config


def load_all() -> dict[str, dict[str, Config]]:
    return {env: {unit: load(env, unit) for unit in units(env)} for env in ENVIRONMENTS}


def generated_provider(config: Config, provider: str) -> dict[str, Any]:
    """The settings of the one `provider "<provider>"` block among the files a rendered unit
    generates; Terragrunt has resolved their values."""
    found = [
        block[provider]
        for spec in config.get("generate", {}).values()
        for block in loads_hcl(spec["contents"]).get("provider", [])
        if provider in block
    ]
    if len(found) != 1:
        raise LookupError(f"{len(found)} {provider} provider blocks generated, not one")
    # hcl2 gives each argument and nested block as a one-item list.
    return {key: value[0] for key, value in found[0].items() if not key.startswith("__")}


def env_values(environment: str) -> dict[str, Any]:
    """The locals of infra/live/<env>/env.hcl (plain values, so no Terragrunt needed)."""
    with (LIVE / environment / "env.hcl").open() as file:
        block: dict[str, Any] = load_hcl(file)["locals"][0]
    return {
        key: value[0] if isinstance(value, list) and len(value) == 1 else value
        for key, value in block.items()
        if not key.startswith("__")
    }


def gunicorn_default(setting: str, config: Path = GUNICORN_CONFIG) -> int:
    """The default of a `<setting> = _int_env("<VARIABLE>", <default>)` line of the
    service's gunicorn.conf.py, the one home of the service's own timeouts."""
    for node in ast.parse(config.read_text()).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(target, "id", None) for target in node.targets] == [setting]
            and isinstance(node.value, ast.Call)
            and isinstance(default := node.value.args[-1], ast.Constant)
            and isinstance(default.value, int)
        ):
            return default.value
    raise LookupError(f"{config} sets no integer default for {setting}")
