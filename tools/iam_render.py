"""Renders the modules' `aws_iam_policy_document` data sources to IAM JSON, offline.

The AWS provider renders these documents at plan time, and no provider can be fetched
here, so this does the same: the module's evaluator (hcl_module.py) gives each argument's
value for the example environment's `Context`, and this writes the `statement`,
`condition`, `principals` and `dynamic "statement"` blocks as IAM JSON, a document's
`for_each` instance as `name["key"]`, and merges `source_policy_documents` naming other
documents of the module as the provider merges them. A value the evaluator cannot know
(an ARN only AWS knows and the context does not give, a function it does not model)
raises `Unrenderable`, so a new construct cannot slip past the linter unrendered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.hcl_module import Module, Ref

# What `source_policy_documents` may list: another document of the module, whole.
_DOCUMENT_JSON = re.compile(r"data\.aws_iam_policy_document\.(\w+)\.json")
_DOCUMENT_REFERENCE = re.compile(r"data\.aws_iam_policy_document\.(\w+)")

Policy = dict[str, Any]


class Unrenderable(ValueError):
    """An expression the evaluator cannot give a value for in this context."""


@dataclass(frozen=True)
class Context:
    """Example values for one module in one environment."""

    variables: dict[str, Any]
    # What only AWS knows, by the reference that reads it, e.g.
    # {"data.aws_region.current.region": "us-east-1", "aws_sns_topic.this.arn": "arn:..."}.
    facts: dict[str, Any] = field(default_factory=dict)


def _unknown(value: Any) -> Ref | None:
    """The first value in `value` the evaluator could not know."""
    if isinstance(value, Ref):
        return value
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return next((ref for ref in map(_unknown, value) if ref is not None), None)
    return None


class Renderer:
    def __init__(self, module: Path, context: Context) -> None:
        try:
            self.config = Module(module, context.variables, context.facts, expand_dynamic=True)
        except KeyError as error:
            raise Unrenderable(error.args[0]) from error
        self.name = module.name
        self.specs: dict[str, dict[str, Any]] = {
            name: spec
            for block in self.config.parsed.get("data", [])
            for name, spec in block.get("aws_iam_policy_document", {}).items()
        }
        self.rendered: dict[str, Policy] = {}
        self.rendering: list[str] = []

    def value(self, raw: Any, scope: dict[str, Any]) -> Any:
        """An argument's value, with `scope` binding the iterators around it."""
        try:
            value = self.config.evaluate(raw, scope)
        except KeyError as error:
            raise Unrenderable(error.args[0]) from error
        unknown = _unknown(value)
        if unknown is not None:
            raise Unrenderable(f"{self.name}: cannot evaluate {unknown!r}")
        return value

    @staticmethod
    def _iterations(name: str, items: Any, scope: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """`scope` with `<name>.key` and `<name>.value` bound to each of the items in turn."""
        pairs = items.items() if isinstance(items, dict) else enumerate(items)
        for key, value in pairs:
            yield {**scope, name: {"key": key, "value": value}}

    # --- documents -----------------------------------------------------------------

    @staticmethod
    def _statement(resolved: dict[str, Any]) -> Policy:
        statement: Policy = {}
        if resolved.get("sid"):
            statement["Sid"] = resolved["sid"]
        statement["Effect"] = resolved.get("effect", "Allow")
        for hcl_name, json_name in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if hcl_name in resolved:
                statement[json_name] = _collapse(_strings(resolved[hcl_name]))
        principals: dict[str, list[str]] = {}
        for principal in resolved.get("principals", []):
            identifiers = _strings(principal["identifiers"])
            principals.setdefault(principal["type"], []).extend(identifiers)
        if principals:
            statement["Principal"] = {kind: _collapse(ids) for kind, ids in principals.items()}
        conditions: dict[str, dict[str, list[str]]] = {}
        for condition in resolved.get("condition", []):
            values = _strings(condition["values"])
            test = conditions.setdefault(condition["test"], {})
            test.setdefault(condition["variable"], []).extend(values)
        if conditions:
            statement["Condition"] = {
                test: {variable: _collapse(values) for variable, values in keys.items()}
                for test, keys in conditions.items()
            }
        return statement

    def _statements(self, spec: dict[str, Any], scope: dict[str, Any]) -> Iterator[Policy]:
        # The evaluator writes `dynamic "statement"` blocks out after the plain statements:
        # the order IAM sees does not matter.
        body = self.value({k: spec[k] for k in ("statement", "dynamic") if k in spec}, scope)
        for resolved in body.get("statement", []):
            yield self._statement(resolved)

    def _sources(self, spec: dict[str, Any]) -> Iterator[Policy]:
        sources = spec.get("source_policy_documents", [])
        for source in sources if isinstance(sources, list) else [sources]:
            reference = _DOCUMENT_JSON.fullmatch(str(source))
            if reference is None:
                raise Unrenderable(f"{self.name}: source document {str(source)!r}")
            yield self.document(reference.group(1))

    def _merged(self, spec: dict[str, Any], scope: dict[str, Any]) -> Policy:
        """The document as the provider writes it: the statements of its source documents
        in order (a Sid may stand in one of them only), then its own, each replacing a
        source statement of the same Sid."""
        statements: list[Policy] = []
        sources_sids: set[str] = set()
        for source in self._sources(spec):
            for statement in source["Statement"]:
                sid = statement.get("Sid")
                if sid in sources_sids:
                    raise Unrenderable(f"{self.name}: duplicate Sid {sid} in sources")
                if sid:
                    sources_sids.add(sid)
                statements.append(statement)
        own_sids: set[str] = set()
        for statement in self._statements(spec, scope):
            sid = statement.get("Sid")
            if sid in own_sids:
                raise Unrenderable(f"{self.name}: duplicate Sid {sid}")
            if sid:
                own_sids.add(sid)
            replaced = [i for i, s in enumerate(statements) if sid and s.get("Sid") == sid]
            if replaced:
                statements[replaced[0]] = statement
            else:
                statements.append(statement)
        return {"Version": "2012-10-17", "Statement": statements}

    def document(self, name: str) -> Policy:
        """A document without `for_each`, rendered once however many documents use it (a
        source is rendered on its own, outside the iterators of whatever uses it)."""
        if name not in self.rendered:
            if name not in self.specs:
                raise Unrenderable(f"{self.name}: no policy document {name}")
            if name in self.rendering:
                raise Unrenderable(f"{self.name}: {name} is its own source")
            if "for_each" in self.specs[name]:
                raise Unrenderable(f"{self.name}: {name} has instances, name one")
            self.rendering.append(name)
            try:
                self.rendered[name] = self._merged(self.specs[name], {})
            finally:
                self.rendering.pop()
        return self.rendered[name]

    def documents(self) -> dict[str, Policy]:
        found: dict[str, Policy] = {}
        for name, spec in self.specs.items():
            if "for_each" not in spec:
                found[name] = self.document(name)
                continue
            instances = self.value(spec["for_each"], {})
            if not isinstance(instances, dict):
                raise Unrenderable(f"{self.name}: {name}'s for_each is not a map")
            for scope in self._iterations("each", instances, {}):
                found[f'{name}["{scope["each"]["key"]}"]'] = self._merged(spec, scope)
        return found

    def attached(self) -> set[str]:
        """The module's documents that something other than a policy document uses (a
        role, a policy, a bucket): policies of their own. The others only feed
        `source_policy_documents`, and are policies only as part of the documents they
        feed."""
        used: set[str] = set()
        for kind, blocks in self.config.parsed.items():
            for block in blocks:
                if kind == "data":
                    block = {k: v for k, v in block.items() if k != "aws_iam_policy_document"}
                # default=str writes an expression as its HCL text
                used.update(_DOCUMENT_REFERENCE.findall(json.dumps(block, default=str)))
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
    """The documents of `render` that are policies of their own (see `Renderer.attached`)."""
    renderer = Renderer(module, context)
    used = renderer.attached()
    return {
        name: policy
        for name, policy in renderer.documents().items()
        if name.partition("[")[0] in used
    }


def dumps(policy: Policy) -> str:
    return json.dumps(policy, indent=2, sort_keys=True)
