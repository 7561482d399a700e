"""The policy documents the modules attach, as the real OpenTofu computes them.

Every IAM, bucket, key, topic and repository policy comes from a provider-free module
(`infra/modules/*-policies`: names, ARNs and flags in, JSON out), which the resource
modules call. A module without resources needs no provider, so the pinned `tofu` applies
it here into a throwaway local state and `tofu output -json` gives the same JSON the
resources attach. The linters, the quota check and the tests read that JSON; nothing
else evaluates HCL.

The outputs of a policy module follow one shape, so checks can read any of them:
- `roles`: role key -> {trust: JSON, inline: {policy name: JSON}, managed: [keys of
  `managed_policies`]}, the documents of each role the resource module creates;
- `managed_policies`: policy key -> JSON, the managed policies it creates;
- any other output: one resource policy (see RESOURCE_POLICY_LIMITS in policy_quotas.py).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tools.go_tools import built, tofu_env
from tools.project import INFRA_MODULES

Policy = dict[str, Any]


class TofuFailed(RuntimeError):
    """tofu refused the module or its inputs; the message is what it said."""


def policy_modules() -> list[Path]:
    """The provider-free policy modules: infra/modules/*-policies."""
    return sorted(path for path in INFRA_MODULES.glob("*-policies") if path.is_dir())


def tofu(*args: str, cwd: Path) -> str:
    """Runs the pinned tofu in `cwd` and returns what it printed; TofuFailed if it refused."""
    result = subprocess.run(
        [built("opentofu"), *args, "-no-color"],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **tofu_env(), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"},
    )
    if result.returncode != 0:
        raise TofuFailed(f"tofu {args[0]} in {cwd.name}: {result.stderr or result.stdout}")
    return result.stdout


@functools.cache
def _applied(module: str, variables_json: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"{module}-") as work:
        # All of infra/modules, so the module's `../<module>` sources resolve.
        shutil.copytree(
            INFRA_MODULES, work, dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".terraform*", "tests", "*.md"),
        )  # fmt: skip
        copy = Path(work) / module
        (copy / "inputs.auto.tfvars.json").write_text(variables_json)
        tofu("init", "-backend=false", cwd=copy)
        tofu("apply", "-auto-approve", cwd=copy)
        outputs = json.loads(tofu("output", "-json", cwd=copy))
    return {name: output["value"] for name, output in outputs.items()}


def outputs(module: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The outputs of `infra/modules/<module>` applied with `variables`, as tofu gives them."""
    return _applied(module, json.dumps(variables, sort_keys=True))


def variable_values(module: str, values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The variables `names` of `infra/modules/<module>` as `values` set them or their defaults
    give them: `tofu apply` of the module's variables.tf alone (no resources, so no provider),
    for a module that has resources."""
    with tempfile.TemporaryDirectory(prefix=f"{module}-") as work:
        shutil.copy(INFRA_MODULES / module / "variables.tf", work)
        (Path(work) / "outputs.tf").write_text(
            "".join(f'output "{name}" {{\n  value = var.{name}\n}}\n' for name in names)
        )
        (Path(work) / "inputs.auto.tfvars.json").write_text(json.dumps(values))
        tofu("apply", "-auto-approve", cwd=Path(work))
        shown = json.loads(tofu("output", "-json", cwd=Path(work)))
    return {name: output["value"] for name, output in shown.items()}


def documents(module: str, variables: dict[str, Any]) -> dict[str, Policy]:
    """Every document a policy module outputs, decoded, by a name that says what holds it:
    `<role>.trust`, `<role>.inline.<policy>`, `managed.<policy>`, or the output's name."""
    found: dict[str, Policy] = {}
    for name, value in outputs(module, variables).items():
        if name == "roles":
            for role, docs in value.items():
                found[f"{role}.trust"] = json.loads(docs["trust"])
                for policy, document in docs["inline"].items():
                    found[f"{role}.inline.{policy}"] = json.loads(document)
        elif name == "managed_policies":
            for policy, document in value.items():
                found[f"managed.{policy}"] = json.loads(document)
        elif isinstance(value, str) and value.startswith("{"):
            found[name] = json.loads(value)
    return found
