"""Renders the modules' `aws_iam_policy_document` data sources to IAM JSON, offline.

The AWS provider renders these documents at plan time, and no provider can be fetched
here, so this does the same for the subset of HCL the documents use: string
interpolation of `var.*`, `local.*` and `data.*` references, lists, `flag ? [..] : [..]`
with literal lists, `statement`, `condition`, `principals` and `dynamic "statement"`
blocks. A module-level value that is more (another conditional, a function call) is
taken from the example environment's `Context` (`locals`, `expressions`); an expression
neither covers raises `Unrenderable`, so a new construct cannot slip past the linter
unrendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from infra.tests.iam_policy import attribute

_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_REFERENCE = re.compile(r"^(var|local|data|statement|each)\.[\w.\[\]-]+$")

_OPTIONAL_LIST = re.compile(r"([\w.]+) == None \? \[\] : \['\$\{([\w.]+)\}'\]")
# `flag ? [...] : [...]` with literal lists, e.g. a dynamic block's for_each.
_SWITCH = re.compile(r"([\w.]+) \? (\[[\w\s,\"]*\]) : (\[[\w\s,\"]*\])")

Policy = dict[str, Any]


def _whole_expression(raw: str) -> str | None:
    """The expression of a string that is one `${...}` (nested ones allowed), else None."""
    if not raw.startswith("${") or not raw.endswith("}"):
        return None
    depth = 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and index != len(raw) - 1:
                return None
    return raw[2:-1]


class Unrenderable(ValueError):
    """An expression the renderer does not evaluate and the context does not name."""


@dataclass(frozen=True)
class Context:
    """Example values for one module in one environment."""

    variables: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    # Locals that are more than references and interpolation (conditionals, functions).
    locals: dict[str, Any] = field(default_factory=dict)
    # Other expressions, each by a fragment of its text that names it unambiguously
    # (e.g. "for id in var.pull_account_ids").
    expressions: dict[str, Any] = field(default_factory=dict)


def _module(path: Path) -> list[dict[str, Any]]:
    parsed = []
    for file in sorted(path.glob("*.tf")):
        with file.open() as handle:
            parsed.append(load_hcl(handle))
    return parsed


class Renderer:
    def __init__(self, module: Path, context: Context) -> None:
        self.module = module
        self.context = context
        self.parsed = _module(module)
        self.locals: dict[str, Any] = {}
        for body in self.parsed:
            for block in body.get("locals", []):
                for name in block:
                    if not name.startswith("__"):
                        self.locals[name] = attribute(block, name)
        self.scope: dict[str, Any] = {}

    # --- expressions ---------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """A parsed HCL value: strings are interpolated, lists element-wise."""
        if isinstance(raw, list):
            return [self.value(item) for item in raw]
        if not isinstance(raw, str):
            return raw
        whole = _whole_expression(raw)
        if whole is not None:
            return self.expression(whole)

        def substitute(match: re.Match[str]) -> str:
            result = self.expression(match.group(1))
            if not isinstance(result, str):
                raise Unrenderable(f"{raw!r}: {match.group(1)!r} is not a string")
            return result

        return _INTERPOLATION.sub(substitute, raw)

    def expression(self, text: str) -> Any:
        text = text.strip()
        named = [key for key in self.context.expressions if key in text]
        if len(named) > 1:
            raise Unrenderable(f"{self.module.name}: {text!r} matches {named}")
        if named:
            return self.context.expressions[named[0]]
        if text in self.scope:
            return self.scope[text]
        optional = _OPTIONAL_LIST.fullmatch(text)
        if optional and optional.group(1) == optional.group(2):
            # `x == null ? [] : [x]`, as the parser writes it
            value = self.expression(optional.group(1))
            return [] if value is None else [value]
        switch = _SWITCH.fullmatch(text)
        if switch:
            flag = self.expression(switch.group(1))
            if not isinstance(flag, bool):
                raise Unrenderable(f"{self.module.name}: {switch.group(1)!r} is not a bool")
            return json.loads(switch.group(2) if flag else switch.group(3))
        if not _REFERENCE.match(text):
            raise Unrenderable(f"{self.module.name}: cannot evaluate {text!r}")
        kind, _, rest = text.partition(".")
        if kind == "var":
            if rest not in self.context.variables:
                raise Unrenderable(f"{self.module.name}: no example value for var.{rest}")
            return self.context.variables[rest]
        if kind == "local":
            if rest in self.context.locals:
                return self.context.locals[rest]
            if rest not in self.locals:
                raise Unrenderable(f"{self.module.name}: no local {rest}")
            return self.value(self.locals[rest])
        if kind == "data" and text in self.context.data:
            return self.context.data[text]
        raise Unrenderable(f"{self.module.name}: no value for {text!r}")

    # --- documents -----------------------------------------------------------------

    def _statement(self, block: dict[str, Any]) -> Policy:
        statement: Policy = {}
        sid = attribute(block, "sid")
        if sid:
            statement["Sid"] = self.value(sid)
        statement["Effect"] = self.value(attribute(block, "effect", "Allow"))
        for hcl_name, json_name in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if hcl_name in block:
                statement[json_name] = _collapse(_strings(self.value(attribute(block, hcl_name))))
        principals: dict[str, list[str]] = {}
        for principal in _blocks(block.get("principals", [])):
            kind = self.value(attribute(principal, "type"))
            identifiers = _strings(self.value(attribute(principal, "identifiers")))
            principals.setdefault(kind, []).extend(identifiers)
        if principals:
            statement["Principal"] = {kind: _collapse(ids) for kind, ids in principals.items()}
        conditions: dict[str, dict[str, list[str]]] = {}
        for condition in _blocks(block.get("condition", [])):
            test = self.value(attribute(condition, "test"))
            variable = self.value(attribute(condition, "variable"))
            values = _strings(self.value(attribute(condition, "values")))
            conditions.setdefault(test, {}).setdefault(variable, []).extend(values)
        if conditions:
            statement["Condition"] = {
                test: {variable: _collapse(values) for variable, values in keys.items()}
                for test, keys in conditions.items()
            }
        return statement

    def _statements(self, body: dict[str, Any]) -> Iterator[Policy]:
        # Plain statements first, then dynamic ones: the order IAM sees does not matter.
        for block in _blocks(body.get("statement", [])):
            yield self._statement(block)
        for dynamic in _blocks(body.get("dynamic", [])):
            for name, spec in dynamic.items():
                if name != "statement":
                    continue
                items = self.value(attribute(spec, "for_each"))
                if isinstance(items, dict):
                    items = list(items.values())
                for item in items:
                    self.scope = {"statement.value": item}
                    try:
                        for content in _blocks(spec.get("content", [])):
                            yield self._statement(content)
                    finally:
                        self.scope = {}

    def documents(self) -> dict[str, Policy]:
        found: dict[str, Policy] = {}
        for body in self.parsed:
            for data in _blocks(body.get("data", [])):
                for document in _blocks(data.get("aws_iam_policy_document", {})):
                    for name, spec in document.items():
                        found[name] = {
                            "Version": "2012-10-17",
                            "Statement": list(self._statements(spec)),
                        }
        return found


def _blocks(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _blocks(item)
    elif isinstance(value, dict):
        yield value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for part in value for item in _strings(part)]
    raise Unrenderable(f"not a string or list of strings: {value!r}")


def _collapse(values: list[str]) -> str | list[str]:
    """A one-item list as the item, as the provider writes it."""
    return values[0] if len(values) == 1 else values


def render(module: Path, context: Context) -> dict[str, Policy]:
    """Every policy document of a module, as the provider would render it."""
    return Renderer(module, context).documents()


def dumps(policy: Policy) -> str:
    return json.dumps(policy, indent=2, sort_keys=True)
