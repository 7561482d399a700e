"""The provider lock files of the Terragrunt units (infra/live/<env>/<unit>/.terraform.lock.hcl).

Each unit commits the lock Terragrunt copies into its cache and OpenTofu reads; root.hcl
runs every init with `-lockfile=readonly`, so the lock is what pins each provider's exact
version and checksums. What a unit requires is read from its assembled configuration (the
module plus the files Terragrunt generates into it) by the real `tofu providers`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.go_tools import tofu_env

LOCK_FILE = ".terraform.lock.hcl"
# The platforms a lock holds checksums for: CI and servers, and the laptops we support.
PLATFORMS = ("linux_amd64", "darwin_arm64", "darwin_amd64")
# A line of `tofu providers`: "├── provider[registry.opentofu.org/hashicorp/aws] >= 6.0.0".
REQUIREMENT = re.compile(r"provider\[([^\]]+)\](?: (.+))?$")


@dataclass(frozen=True)
class Entry:
    version: str
    constraints: str
    hashes: tuple[str, ...]


def assemble(config: dict[str, Any], unit: Path, target: Path, *, lock: bool) -> Path:
    """Lays out a unit under `target` as Terragrunt does in its cache, from its `terragrunt
    render --json` output, and returns the unit's working directory: the module with the
    files its `generate` blocks write and, with `lock`, the unit's lock file. (The backend
    is left out: it does not change the providers.)"""
    base, _, module = config["terraform"]["source"].partition("//")
    # The whole tree before `//`, as Terragrunt copies it: modules call their policy
    # modules by relative path.
    shutil.copytree(Path(base), target, ignore=shutil.ignore_patterns(".terraform*"))
    work: Path = target / module
    for generated in config["generate"].values():
        (work / generated["path"]).write_text(generated["contents"])
    if lock and (unit / LOCK_FILE).exists():
        shutil.copy(unit / LOCK_FILE, work / LOCK_FILE)
    return work


def required(tofu: str, directory: Path) -> dict[str, str]:
    """Provider address -> version constraints ("" for none), as `tofu providers` says of
    a configuration without a lock file (with one, it first wants the plugins installed)."""
    # Local module calls (a module's policy module) must be installed first; no provider is.
    for command in ("get", "providers"):
        result = subprocess.run(
            [tofu, command, "-no-color"], env={**os.environ, **tofu_env()},
            cwd=directory, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"tofu {command} in {directory}: {result.stderr}")
    found = (REQUIREMENT.search(line.strip()) for line in result.stdout.splitlines())
    return {match[1]: match[2] or "" for match in found if match}


def read(lock: Path) -> dict[str, Entry]:
    """The providers a lock file pins, by address."""
    # bc-python-hcl2 comes with checkov, in the infra dependency group: not where nox runs.
    from hcl2.api import load as load_hcl

    with lock.open() as file:
        blocks = load_hcl(file).get("provider", [])
    return {
        address.strip('"'): Entry(
            version=_value(body["version"]),
            constraints=_value(body.get("constraints", "")),
            hashes=tuple(_value(body["hashes"])),
        )
        for block in blocks
        for address, body in block.items()
    }


def _value(attribute: Any) -> Any:
    """bc-python-hcl2 gives each attribute's value wrapped in a one-item list."""
    return attribute[0] if isinstance(attribute, list) and len(attribute) == 1 else attribute


def problems(units: dict[str, tuple[Path, dict[str, str]]]) -> list[str]:
    """What is wrong with the units' locks. `units` maps a unit's name to its lock file and
    what its configuration requires. Each lock must pin exactly the required providers,
    with the constraints tofu records, checksums of both kinds, and every provider at one
    version with one set of checksums across all units (the pin, stated once per lock)."""
    found: list[str] = []
    pins: dict[str, dict[Entry, list[str]]] = {}
    for name, (lock, requirements) in sorted(units.items()):
        if not lock.exists():
            found.append(f"{name}: no {LOCK_FILE}, so init would pick any provider release")
            continue
        entries = read(lock)
        if missing := sorted(set(requirements) - set(entries)):
            found.append(f"{name}: {LOCK_FILE} does not lock {', '.join(missing)}")
        if unused := sorted(set(entries) - set(requirements)):
            found.append(f"{name}: {LOCK_FILE} locks {', '.join(unused)}, which it does not use")
        for address, entry in entries.items():
            wanted = requirements.get(address)
            if wanted is not None and entry.constraints != wanted:
                found.append(
                    f"{name}: {address} constraints {entry.constraints!r} in the lock, "
                    f"{wanted!r} in the configuration"
                )
            if not {hash_.split(":")[0] for hash_ in entry.hashes} >= {"h1", "zh"}:
                found.append(f"{name}: {address} lacks h1: or zh: checksums")
            pinned = Entry(entry.version, "", tuple(sorted(entry.hashes)))
            pins.setdefault(address, {}).setdefault(pinned, []).append(name)
    for address, variants in sorted(pins.items()):
        if len(variants) > 1:
            sides = "; ".join(
                f"{entry.version} ({len(entry.hashes)} checksums) in {', '.join(names)}"
                for entry, names in variants.items()
            )
            found.append(f"{address}: the units pin it differently: {sides}")
    return found
