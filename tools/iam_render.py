"""Renders the modules' `aws_iam_policy_document` data sources to IAM JSON, offline.

The AWS provider renders these documents at plan time, and no provider can be fetched
here, so this does the same for the subset of HCL the documents use: string
interpolation of `var.*`, `local.*` and `data.*` references, lists and objects,
`flag ? [..] : [..]` with literal lists, `statement`, `condition`, `principals` and
`dynamic "statement"` blocks (`statement.value.<attribute>` included), a document's
`for_each` over a map (the instance `name["key"]`, with `each.key` and `each.value`), and
`source_policy_documents` naming other documents of the module, merged as the provider
merges them. A module-level value that is more (another conditional, a function call) is
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

from tools.iam_policy import attribute, blocks

_INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")
_REFERENCE = re.compile(r"^(var|local|data|statement|each)\.[\w.\[\]-]+$")
# What `source_policy_documents` may list: another document of the module, whole.
_DOCUMENT_JSON = re.compile(r"data\.aws_iam_policy_document\.(\w+)\.json")
_DOCUMENT_REFERENCE = re.compile(r"data\.aws_iam_policy_document\.(\w+)")

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
        self.specs: dict[str, dict[str, Any]] = {}
        for body in self.parsed:
            for data in blocks(body.get("data", [])):
                for document in blocks(data.get("aws_iam_policy_document", {})):
                    self.specs.update(document)
        self.scope: dict[str, Any] = {}
        self.rendered: dict[str, Policy] = {}
        self.rendering: list[str] = []

    # --- expressions ---------------------------------------------------------------

    def value(self, raw: Any) -> Any:
        """A parsed HCL value: strings are interpolated, lists and objects element-wise."""
        if isinstance(raw, list):
            return [self.value(item) for item in raw]
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items() if not k.startswith("__")}
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
        scoped = self._scoped(text)
        if scoped is not None:
            return scoped[0]
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

    def _scoped(self, text: str) -> tuple[Any] | None:
        """An iterator's value (`each.value`, `statement.key`), or an attribute of it
        (`statement.value.sid`); None when the text names no iterator in scope."""
        for name, value in self.scope.items():
            if text != name and not text.startswith(f"{name}."):
                continue
            for attribute_name in text[len(name) :].split(".")[1:]:
                if not isinstance(value, dict) or attribute_name not in value:
                    raise Unrenderable(f"{self.module.name}: {text!r} has no {attribute_name}")
                value = value[attribute_name]
            return (value,)
        return None

    def _iterations(self, name: str, items: Any) -> Iterator[None]:
        """Binds `<name>.key` and `<name>.value` to each of the (evaluated) items in turn."""
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        outer = self.scope
        try:
            for key, value in pairs:
                self.scope = {**outer, f"{name}.key": key, f"{name}.value": value}
                yield
        finally:
            self.scope = outer

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
        for principal in blocks(block.get("principals", [])):
            kind = self.value(attribute(principal, "type"))
            identifiers = _strings(self.value(attribute(principal, "identifiers")))
            principals.setdefault(kind, []).extend(identifiers)
        if principals:
            statement["Principal"] = {kind: _collapse(ids) for kind, ids in principals.items()}
        conditions: dict[str, dict[str, list[str]]] = {}
        for condition in blocks(block.get("condition", [])):
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
        for block in blocks(body.get("statement", [])):
            yield self._statement(block)
        for dynamic in blocks(body.get("dynamic", [])):
            for name, spec in dynamic.items():
                if name != "statement":
                    continue
                items = self.value(attribute(spec, "for_each"))
                for _ in self._iterations("statement", items):
                    for content in blocks(spec.get("content", [])):
                        yield self._statement(content)

    def _sources(self, spec: dict[str, Any]) -> Iterator[Policy]:
        for source in _strings(attribute(spec, "source_policy_documents", [])):
            whole = _whole_expression(source)
            reference = _DOCUMENT_JSON.fullmatch(whole or "")
            if reference is None:
                raise Unrenderable(f"{self.module.name}: source document {source!r}")
            yield self.document(reference.group(1))

    def _merged(self, spec: dict[str, Any]) -> Policy:
        """The document as the provider writes it: the statements of its source documents
        in order (a Sid may stand in one of them only), then its own, each replacing a
        source statement of the same Sid."""
        statements: list[Policy] = []
        sources_sids: set[str] = set()
        for source in self._sources(spec):
            for statement in source["Statement"]:
                sid = statement.get("Sid")
                if sid in sources_sids:
                    raise Unrenderable(f"{self.module.name}: duplicate Sid {sid} in sources")
                if sid:
                    sources_sids.add(sid)
                statements.append(statement)
        own_sids: set[str] = set()
        for statement in self._statements(spec):
            sid = statement.get("Sid")
            if sid in own_sids:
                raise Unrenderable(f"{self.module.name}: duplicate Sid {sid}")
            if sid:
                own_sids.add(sid)
            replaced = [i for i, s in enumerate(statements) if sid and s.get("Sid") == sid]
            if replaced:
                statements[replaced[0]] = statement
            else:
                statements.append(statement)
        return {"Version": "2012-10-17", "Statement": statements}

    def document(self, name: str) -> Policy:
        """A document without `for_each`, rendered once however many documents use it."""
        if name not in self.rendered:
            if name not in self.specs:
                raise Unrenderable(f"{self.module.name}: no policy document {name}")
            if name in self.rendering:
                raise Unrenderable(f"{self.module.name}: {name} is its own source")
            if "for_each" in self.specs[name]:
                raise Unrenderable(f"{self.module.name}: {name} has instances, name one")
            # A source is rendered on its own, outside the iterators of whatever uses it.
            outer, self.scope = self.scope, {}
            self.rendering.append(name)
            try:
                self.rendered[name] = self._merged(self.specs[name])
            finally:
                self.rendering.pop()
                self.scope = outer
        return self.rendered[name]

    def documents(self) -> dict[str, Policy]:
        found: dict[str, Policy] = {}
        for name, spec in self.specs.items():
            if "for_each" not in spec:
                found[name] = self.document(name)
                continue
            instances = self.value(attribute(spec, "for_each"))
            if not isinstance(instances, dict):
                raise Unrenderable(f"{self.module.name}: {name}'s for_each is not a map")
            for _ in self._iterations("each", instances):
                found[f'{name}["{self.scope["each.key"]}"]'] = self._merged(spec)
        return found


def attached(module: Path) -> set[str]:
    """The module's documents that something other than a policy document uses (a role, a
    policy, a bucket): policies of their own. The others only feed
    `source_policy_documents`, and are policies only as part of the documents they feed."""
    used: set[str] = set()
    for body in _module(module):
        for kind, values in body.items():
            for block in blocks(values):
                if kind == "data":
                    block = {k: v for k, v in block.items() if k != "aws_iam_policy_document"}
                used.update(_DOCUMENT_REFERENCE.findall(json.dumps(block)))
    return used


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
    """Every policy document of a module, as the provider would render it (an instance of a
    document with `for_each` as `name["key"]`)."""
    return Renderer(module, context).documents()


def policies(module: Path, context: Context) -> dict[str, Policy]:
    """The documents of `render` that are policies of their own (see `attached`)."""
    used = attached(module)
    return {
        name: policy
        for name, policy in render(module, context).items()
        if name.partition("[")[0] in used
    }


def dumps(policy: Policy) -> str:
    return json.dumps(policy, indent=2, sort_keys=True)
