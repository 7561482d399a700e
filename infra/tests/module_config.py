"""A module's resources with the values a unit's inputs give them, read without a provider.

`tofu plan` needs the AWS provider, which is not available offline, so the tests resolve
the simple expressions the modules use: `var.x` (the unit's rendered inputs, else the
variable's default), `local.x`, `<type>.<name>.<attribute>` of a resource or data source
when the attribute is written in the module, and `toset(...)`. What only AWS knows (an
ARN, an ID) stays a `Ref` naming the attribute, so a test can still see what points where.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from infra.tests.rendered import MODULES

WHOLE = re.compile(r"^\$\{([^{}]*)\}$")
PART = re.compile(r"\$\{([^{}]*)\}")
META = ("__start_line__", "__end_line__")


class Ref(str):
    """An attribute only known after apply, e.g. `aws_kms_key.this.arn`."""


class Module:
    def __init__(
        self, name: str, inputs: dict[str, Any], facts: dict[str, Any] | None = None
    ) -> None:
        """`facts`: values AWS supplies, e.g. {"data.aws_region.current.region": "us-east-1"}."""
        self.name = name
        self.inputs = inputs
        self.facts = facts or {}
        self.parsed: dict[str, list[Any]] = {}
        for path in sorted((MODULES / name).glob("*.tf")):
            with Path(path).open() as file:
                for key, value in load_hcl(file).items():
                    self.parsed.setdefault(key, []).extend(value)
        self.variables = {
            k: v for block in self.parsed.get("variable", []) for k, v in block.items()
        }
        self.locals = {
            k: v
            for block in self.parsed.get("locals", [])
            for k, v in block.items()
            if k not in META
        }
        unknown = set(inputs) - set(self.variables)
        if unknown:
            raise KeyError(f"{name}: inputs without a variable: {sorted(unknown)}")

    # --- lookups ---------------------------------------------------------------------

    def _raw(self, kind: str, type_: str, name: str) -> dict[str, Any]:
        for block in self.parsed.get(kind, []):
            if type_ in block and name in block[type_]:
                found: dict[str, Any] = block[type_][name]
                return found
        raise KeyError(f"{self.name}: no {kind} {type_}.{name}")

    def resource(self, type_: str, name: str = "this") -> dict[str, Any]:
        """The resource's arguments and blocks, resolved (blocks stay lists of dicts)."""
        resolved: dict[str, Any] = self.resolve(self._raw("resource", type_, name))
        return resolved

    def argument(self, type_: str, name: str, key: str) -> Any:
        """One argument of a resource, resolved even where others (a `count`) cannot be."""
        return self.resolve(self._raw("resource", type_, name)[key])

    def data(self, type_: str, name: str) -> dict[str, Any]:
        resolved: dict[str, Any] = self.resolve(self._raw("data", type_, name))
        return resolved

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {
            name: self.resource(type_, name)
            for block in self.parsed.get("resource", [])
            for name in block.get(type_, {})
        }

    def var(self, name: str) -> Any:
        if name in self.inputs:
            return self.inputs[name]
        spec = self.variables[name]
        if "default" not in spec:
            raise KeyError(f"{self.name}: variable {name} has no input and no default")
        return self.resolve(_attribute(spec["default"]))

    # --- expressions -------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items() if k not in META}
        if isinstance(value, list):
            # hcl2 wraps every attribute value in a one-element list.
            if len(value) == 1 and not isinstance(value[0], dict):
                return self.resolve(value[0])
            return [self.resolve(v) for v in value]
        if isinstance(value, str):
            whole = WHOLE.match(value)
            if whole:
                return self.expression(whole.group(1))
            return PART.sub(lambda m: str(self.expression(m.group(1))), value)
        return value

    def expression(self, text: str) -> Any:
        text = text.strip()
        call = re.match(r"^toset\((.*)\)$", text)
        if call:
            return sorted(set(self.expression(call.group(1))))
        parts = text.split(".")
        if parts[0] == "var" and len(parts) == 2:
            return self.var(parts[1])
        if parts[0] == "local" and len(parts) == 2:
            return self.resolve(_attribute(self.locals[parts[1]]))
        if text in self.facts:
            return self.facts[text]
        if parts[0] == "data" and len(parts) == 4:
            body = self._raw("data", parts[1], parts[2])
            return self.resolve(body[parts[3]]) if parts[3] in body else Ref(text)
        if len(parts) == 3 and parts[0].startswith("aws_"):
            body = self._raw("resource", parts[0], parts[1])
            return self.resolve(body[parts[2]]) if parts[2] in body else Ref(text)
        return Ref(text)


def _attribute(value: Any) -> Any:
    """An attribute's value: hcl2 wraps it in a one-element list, maps included."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def block(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested blocks `name` of a resolved resource (an empty list when absent)."""
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]
