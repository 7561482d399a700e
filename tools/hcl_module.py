"""A module's resources with the values a unit's inputs give them, read without a provider.

`tofu plan` needs the AWS provider, which is not available offline, so the infra checks
evaluate the expressions the modules use themselves: references (`var.x` from the unit's
rendered inputs, else the variable's default; `local.x`; `<type>.<name>.<attribute>` of a
resource or data source when the attribute is written in the module), string templates,
conditionals, operators, `for` expressions and a few functions. The expressions come
from bc-python-hcl2's parser (the one checkov uses): its own transformer turns them back
into text, so `Expressions` below keeps them as trees instead. What only AWS knows (an
ARN, an ID), and what this evaluator does not model, stays a `Ref` naming it, so a test
can still see what points where.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from hcl2.parser import Hcl2  # bc-python-hcl2, installed with checkov
from hcl2.transformer import DictTransformer, Heredoc
from lark.exceptions import LarkError

from tools.rendered import MODULES

WHOLE = re.compile(r"^\$\{([^{}]*)\}$")
PART = re.compile(r"\$\{([^{}]*)\}")
META = ("__start_line__", "__end_line__")


class Ref(str):
    """An attribute only known after apply, e.g. `aws_kms_key.this.arn`, or an expression
    the evaluator does not model."""


# --- expression trees ------------------------------------------------------------------


class Expr:
    """An HCL expression, evaluated by Module.evaluate."""


@dataclass(frozen=True)
class Index:
    key: Any

    def __str__(self) -> str:
        return f"[{_text(self.key)}]"


@dataclass(frozen=True)
class Traversal(Expr):
    """`var.x`, `aws_lb.this.arn`, `each.value`, `local.m[0].name`, `f(x).y`."""

    root: str | Expr
    steps: tuple[str | Index, ...] = ()

    def __str__(self) -> str:
        return str(self.root) + "".join(
            str(step) if isinstance(step, Index) else f".{step}" for step in self.steps
        )


@dataclass(frozen=True)
class Group(Expr):
    """A parenthesised expression: operators do not reach into it."""

    inner: Any

    def __str__(self) -> str:
        return f"({_text(self.inner)})"


@dataclass(frozen=True)
class Operation(Expr):
    """`operand op operand op ...`, flat, so evaluation applies HCL's precedence."""

    items: tuple[Any, ...]

    def __str__(self) -> str:
        return " ".join(_text(item) for item in self.items)


@dataclass(frozen=True)
class Unary(Expr):
    op: str
    operand: Any

    def __str__(self) -> str:
        return f"{self.op}{_text(self.operand)}"


@dataclass(frozen=True)
class Conditional(Expr):
    condition: Any
    yes: Any
    no: Any

    def __str__(self) -> str:
        return f"{_text(self.condition)} ? {_text(self.yes)} : {_text(self.no)}"


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Any, ...]

    def __str__(self) -> str:
        return f"{self.name}({', '.join(_text(arg) for arg in self.args)})"


@dataclass(frozen=True)
class For(Expr):
    """`[for k, v in c : value if cond]`, or `{for k, v in c : key => value}` with a key."""

    names: tuple[str, ...]
    collection: Any
    key: Any
    value: Any
    condition: Any = None

    def __str__(self) -> str:
        body = _text(self.value)
        if self.key is not None:
            body = f"{_text(self.key)} => {body}"
        return f"for {', '.join(self.names)} in {_text(self.collection)} : {body}"


@dataclass(frozen=True)
class Opaque(Expr):
    """Syntax the evaluator does not model (splats, provider functions): a Ref."""

    text: str

    def __str__(self) -> str:
        return self.text


def _text(value: Any) -> str:
    if isinstance(value, str) and not isinstance(value, Expr):
        return f'"{value}"'
    return str(value)


# HCL's binary operators, loosest first; those of one level apply left to right.
PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
              "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}  # fmt: skip
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "||": lambda a, b: a or b, "&&": lambda a, b: a and b,
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt,
    "<=": operator.le, ">=": operator.ge, "+": operator.add, "-": operator.sub,
    "*": operator.mul, "/": operator.truediv, "%": operator.mod,
}  # fmt: skip
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "toset": lambda items: sorted(set(items)),  # sorted, so tests compare plain lists
    "jsonencode": lambda value: value,  # the structure it encodes, for tests to read
    "merge": lambda *maps: {k: v for m in maps for k, v in m.items()},
    "concat": lambda *lists: [item for items in lists for item in items],
    "length": len,
    "keys": sorted,
    "contains": lambda items, value: value in items,
    "compact": lambda items: [item for item in items if item not in ("", None)],
    "distinct": lambda items: list(dict.fromkeys(items)),
    "split": lambda separator, text: text.split(separator),
}


class _Attribute(dict[str, Any]):
    """`name = value` in a body, told apart from a block."""


# Any for mypy: the overrides below return trees where DictTransformer's return text.
_Transformer: Any = DictTransformer


class Expressions(_Transformer):  # type: ignore[misc]
    """bc-python-hcl2's transformer, with expressions kept as trees instead of text, and
    attribute values as they are (its own wraps each in a one-item list, so a list of one
    could not be told from its item)."""

    def attribute(self, args: list[Any]) -> _Attribute:
        return _Attribute(super().attribute(args))

    def body(self, args: list[Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for entry in self.strip_new_line_tokens(args):
            for key, value in entry.items():
                if isinstance(entry, _Attribute):
                    result[key] = value
                else:  # blocks: a list per type, as the blocks may repeat
                    result.setdefault(key, []).append(value)
        return result

    def to_string_dollar(self, value: Any) -> Any:
        # Expressions here are trees, so a quoted string is a string literal even when its
        # interpolations hold quotes (`"${split(":", arn)[4]}"`), which the library would
        # take for an expression and wrap in another `${...}`.
        literal = isinstance(value, str) and not isinstance(value, Heredoc) and len(value) >= 2
        if literal and value.startswith('"') and value.endswith('"'):
            return value[1:-1]
        return super().to_string_dollar(value)

    def _value(self, value: Any) -> Any:
        """A child as the rest of the tree holds it: quoted strings without their quotes."""
        return self.to_string_dollar(value) if isinstance(value, str) else value

    def expr_term(self, args: list[Any]) -> Any:
        args = self.strip_new_line_tokens(args)
        if isinstance(args[0], Operation | Conditional):
            return Group(args[0])  # only parentheses make an operation a term
        if type(args[0]) is str:  # an identifier (string literals are lark Tokens)
            if args[0] in ("true", "false", "null"):
                return {"true": True, "false": False, "null": None}[args[0]]
            return Traversal(args[0])  # a bare identifier
        return super().expr_term(args)

    def get_attr(self, args: list[Any]) -> str:
        return str(args[0])

    def index(self, args: list[Any]) -> Index:
        return Index(self._value(self.strip_new_line_tokens(args)[0]))

    def _step(self, args: list[Any]) -> Traversal:
        base, step = args
        if isinstance(base, Traversal):
            return Traversal(base.root, (*base.steps, step))
        return Traversal(base, (step,))

    get_attr_expr_term = _step
    index_expr_term = _step

    def attr_splat_expr_term(self, args: list[Any]) -> Opaque:
        return Opaque(f"{args[0]}{args[1]}")

    full_splat_expr_term = attr_splat_expr_term

    def provider_function_call(self, args: list[Any]) -> Opaque:
        return Opaque(str(super().provider_function_call(args)))

    def function_call(self, args: list[Any]) -> Call:
        args = self.strip_new_line_tokens(args)
        arguments = [arg for arg in args[1] if arg != "..."] if len(args) > 1 else []
        return Call(str(args[0]), tuple(self._value(arg) for arg in arguments))

    def conditional(self, args: list[Any]) -> Conditional:
        condition, yes, no = (self._value(arg) for arg in self.strip_new_line_tokens(args))
        return Conditional(condition, yes, no)

    def binary_term(self, args: list[Any]) -> tuple[str, Any]:
        op, operand = self.strip_new_line_tokens(args)
        return str(op), self._value(operand)

    def binary_op(self, args: list[Any]) -> Operation | Conditional:
        # The grammar nests to the right (`a < b && c` parses as `a < (b && c)`, and
        # `a == b ? x : y` as `a == (b ? x : y)`): flatten, so evaluation can apply
        # precedence, and lift a trailing conditional above the operators.
        left, (op, right) = self.strip_new_line_tokens(args)
        left = self._value(left)
        if isinstance(right, Conditional):
            return Conditional(self.binary_op([left, (op, right.condition)]), right.yes, right.no)
        rest = right.items if isinstance(right, Operation) else (right,)
        return Operation((left, op, *rest))

    def unary_op(self, args: list[Any]) -> Unary:
        return Unary(str(args[0]), self._value(args[1]))

    def for_intro(self, args: list[Any]) -> tuple[tuple[str, ...], Any]:
        args = self.strip_new_line_tokens(args)
        position = args.index("in")
        names = tuple(str(arg) for arg in args[1:position] if arg != ",")
        return names, self._value(args[position + 1])

    def for_cond(self, args: list[Any]) -> tuple[str, Any]:
        return "if", self._value(self.strip_new_line_tokens(args)[1])

    def for_tuple_expr(self, args: list[Any]) -> For:
        (names, collection), value, *rest = self.strip_new_line_tokens(args)[1:-1]
        condition = rest[0][1] if rest else None
        return For(names, collection, None, self._value(value), condition)

    def for_object_expr(self, args: list[Any]) -> For:
        (names, collection), key, _, value, *rest = self.strip_new_line_tokens(args)[1:-1]
        conditions = [item[1] for item in rest if isinstance(item, tuple)]
        return For(names, collection, self._value(key), self._value(value), *conditions[:1])


def parse(text: str) -> dict[str, list[Any]]:
    tree = Hcl2.lark_parser.parse(text + "\n")
    parsed: dict[str, list[Any]] = Expressions().transform(tree)
    return parsed


@cache
def parse_expression(text: str) -> Any:
    """The expression inside a template's `${...}`; an Opaque one if it does not parse."""
    try:
        return parse(f"value = {text}")["value"]
    except LarkError:
        return Opaque(text)


# --- a module, evaluated ------------------------------------------------------------------


class Module:
    def __init__(
        self,
        module: str | Path,
        inputs: dict[str, Any],
        facts: dict[str, Any] | None = None,
        *,
        expand_dynamic: bool = False,
    ) -> None:
        """`module`: a module of infra/modules by name, or a module's directory.
        `facts`: values AWS supplies, e.g. {"data.aws_region.current.region": "us-east-1"}.
        `expand_dynamic`: write each `dynamic` block whose `for_each` is known out as the
        blocks it makes, as the provider sees them (by default they stay as written)."""
        directory = MODULES / module if isinstance(module, str) else module
        self.name = directory.name
        self.inputs = inputs
        self.expand_dynamic = expand_dynamic
        self.facts = {"path.module": str(directory), **(facts or {})}
        self.parsed: dict[str, list[Any]] = {}
        for path in sorted(directory.glob("*.tf")):
            for key, value in parse(Path(path).read_text()).items():
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
            raise KeyError(f"{self.name}: inputs without a variable: {sorted(unknown)}")

    # --- lookups ---------------------------------------------------------------------

    def _raw(self, kind: str, type_: str, name: str) -> dict[str, Any]:
        for block in self.parsed.get(kind, []):
            if type_ in block and name in block[type_]:
                found: dict[str, Any] = block[type_][name]
                return found
        raise KeyError(f"{self.name}: no {kind} {type_}.{name}")

    def resource(self, type_: str, name: str = "this") -> dict[str, Any]:
        """The resource's arguments and blocks, resolved (blocks stay lists of dicts)."""
        resolved: dict[str, Any] = self.evaluate(self._raw("resource", type_, name))
        return resolved

    def argument(self, type_: str, name: str, key: str) -> Any:
        """One argument of a resource, resolved even where others (a `count`) cannot be."""
        return self.evaluate(self._raw("resource", type_, name)[key])

    def data(self, type_: str, name: str) -> dict[str, Any]:
        resolved: dict[str, Any] = self.evaluate(self._raw("data", type_, name))
        return resolved

    def instances(self, type_: str, name: str = "this") -> dict[Any, dict[str, Any]]:
        """A `count` resource once per index, resolved with `count.index` bound; a
        `for_each` one once per key, with `each.key` and `each.value` bound (a `for_each`
        over another resource of the module goes over its instances)."""
        body = self._raw("resource", type_, name)
        if "count" in body:
            count = self.evaluate(body["count"])
            if not isinstance(count, int):
                raise ValueError(f"{self.name}: {type_}.{name}: count {count} is not known")
            return {
                index: self.evaluate(body, {"count": {"index": index}}) for index in range(count)
            }
        for_each = self.evaluate(body["for_each"])
        if isinstance(for_each, Ref):
            other = for_each.split(".")
            if len(other) != 2 or not self._is_resource_type(other[0]):
                raise ValueError(f"{self.name}: {type_}.{name}: for_each {for_each} is not known")
            for_each = self.instances(*other)
        # A set's keys are its elements.
        pairs = for_each.items() if isinstance(for_each, dict) else ((v, v) for v in for_each)
        return {
            key: self.evaluate(body, {"each": {"key": key, "value": value}}) for key, value in pairs
        }

    def data_sources(self, type_: str) -> list[str]:
        """The names of the module's data sources of a type."""
        return [name for block in self.parsed.get("data", []) for name in block.get(type_, {})]

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {
            name: self.resource(type_, name)
            for block in self.parsed.get("resource", [])
            for name in block.get(type_, {})
        }

    def references(self, kind: str, type_: str, name: str) -> set[str]:
        """What a resource or data source refers to: `type.name` of the module's resources,
        `data.type.name` of its data sources (what it depends on, whatever the values)."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            match value:
                case Traversal(root=str() as root, steps=(str() as first, *rest)):
                    if root == "data" and rest:
                        found.add(f"data.{first}.{rest[0]}")
                    elif self._is_resource_type(root):
                        found.add(f"{root}.{first}")
                    walk(value.steps)
                case str():
                    for match in PART.finditer(value):
                        walk(parse_expression(match.group(1)))
                case dict():
                    for item in value.values():
                        walk(item)
                case list() | tuple():
                    for item in value:
                        walk(item)
                case Expr():
                    for field in fields(value):  # type: ignore[arg-type]
                        walk(getattr(value, field.name))

        walk(self._raw(kind, type_, name))
        return found

    def _is_resource_type(self, type_: str) -> bool:
        return any(type_ in block for block in self.parsed.get("resource", []))

    def local(self, name: str) -> Any:
        return self.evaluate(self.locals[name])

    def output(self, name: str) -> Any:
        for block in self.parsed.get("output", []):
            if name in block:
                return self.evaluate(block[name]["value"])
        raise KeyError(f"{self.name}: no output {name}")

    def var(self, name: str) -> Any:
        spec = self.variables[name]
        if name in self.inputs:
            value = self.inputs[name]
        elif "default" in spec:
            value = self.evaluate(spec["default"])
        else:
            raise KeyError(f"{self.name}: variable {name} has no input and no default")
        return _converted(value, spec.get("type"))

    # --- values ------------------------------------------------------------------------

    def evaluate(self, value: Any, scope: dict[str, Any] | None = None) -> Any:
        """An expression's value; `scope` binds the names of enclosing `for` expressions."""
        scope = scope or {}
        match value:
            case Expr():
                return self._expression(value, scope)
            case Ref():
                return value
            case str():
                return self._template(value, scope)
            case dict() if self.expand_dynamic and "dynamic" in value:
                return self._expanded(value, scope)
            case dict():
                return {k: self.evaluate(v, scope) for k, v in value.items() if k not in META}
            case list():
                return [self.evaluate(v, scope) for v in value]
        return value

    def _expanded(self, body: dict[str, Any], scope: dict[str, Any]) -> dict[str, Any]:
        """A body with its `dynamic` blocks written out as the blocks they make (the
        content once per element of `for_each`, its iterator bound); one whose `for_each`
        is not known stays a `dynamic` block."""
        result: dict[str, Any] = self.evaluate(
            {k: v for k, v in body.items() if k != "dynamic"}, scope
        )
        for entry in body["dynamic"]:
            for name, spec in entry.items():
                for_each = self.evaluate(spec["for_each"], scope)
                if isinstance(for_each, Ref):
                    result.setdefault("dynamic", []).append({name: self.evaluate(spec, scope)})
                    continue
                iterator = str(spec.get("iterator", name))
                pairs = for_each.items() if isinstance(for_each, dict) else enumerate(for_each)
                for key, value in pairs:
                    bound = {**scope, iterator: {"key": key, "value": value}}
                    made = [self.evaluate(content, bound) for content in spec["content"]]
                    result.setdefault(name, []).extend(made)
        return result

    def _template(self, text: str, scope: dict[str, Any]) -> Any:
        whole = WHOLE.match(text)
        if whole:
            return self.evaluate(parse_expression(whole.group(1)), scope)
        parts = [self.evaluate(parse_expression(m.group(1)), scope) for m in PART.finditer(text)]
        if any(isinstance(part, Ref) for part in parts):
            return Ref(text)
        values = iter(parts)
        return PART.sub(lambda _: _interpolated(next(values)), text)

    def _expression(self, expr: Expr, scope: dict[str, Any]) -> Any:
        def known(*values: Any) -> bool:
            return not any(isinstance(v, Ref) for v in values)

        match expr:
            case Traversal():
                return self._traversal(expr, scope)
            case Group(inner):
                return self.evaluate(inner, scope)
            case Conditional(condition, yes, no):
                chosen = self.evaluate(condition, scope)
                if not isinstance(chosen, bool):
                    return Ref(str(expr))
                return self.evaluate(yes if chosen else no, scope)
            case Unary(op, operand):
                value = self.evaluate(operand, scope)
                if not known(value):
                    return Ref(str(expr))
                return (not value) if op == "!" else -value
            case Operation(items):
                values = [
                    item if i % 2 else self.evaluate(item, scope) for i, item in enumerate(items)
                ]
                return _apply(values) if known(*values[::2]) else Ref(str(expr))
            case Call(name, args):
                values = [self.evaluate(arg, scope) for arg in args]
                if not known(*values):
                    return Ref(str(expr))
                if name == "templatefile":
                    path, variables = values
                    text = Path(path).read_text()
                    return Ref(str(expr)) if "%{" in text else self._template(text, variables)
                return FUNCTIONS[name](*values) if name in FUNCTIONS else Ref(str(expr))
            case For():
                return self._for(expr, scope)
        return Ref(str(expr))

    def _traversal(self, expr: Traversal, scope: dict[str, Any]) -> Any:
        text, root, steps = str(expr), expr.root, list(expr.steps)
        if text in self.facts:
            return self.facts[text]
        if isinstance(root, Expr):
            value = self.evaluate(root, scope)
        elif root in scope:
            value = scope[root]
        elif root == "var" and steps:
            value = self.var(str(steps.pop(0)))
        elif root == "local" and steps:
            value = self.local(str(steps.pop(0)))
        elif root == "data" and len(steps) >= 3 and isinstance(steps[2], str):
            body = self._raw("data", str(steps[0]), str(steps[1]))
            return self.evaluate(body[steps[2]]) if steps[2] in body else Ref(text)
        elif steps and self._is_resource_type(root):
            body = self._raw("resource", root, str(steps[0]))
            attribute = next((s for s in steps[1:] if isinstance(s, str)), None)
            return self.evaluate(body[attribute]) if attribute in body else Ref(text)
        else:
            return Ref(text)  # each.value, count.index, path.module, ...
        for step in steps:
            key = self.evaluate(step.key, scope) if isinstance(step, Index) else step
            if isinstance(value, Ref) or isinstance(key, Ref):
                return Ref(text)
            if isinstance(value, dict) and key not in value:
                raise KeyError(f"{self.name}: {text} has no {key}")
            value = value[key]
        return value

    def _for(self, expr: For, scope: dict[str, Any]) -> Any:
        collection = self.evaluate(expr.collection, scope)
        if isinstance(collection, Ref):
            return Ref(str(expr))
        pairs = collection.items() if isinstance(collection, dict) else enumerate(collection)
        results = []
        for key, value in pairs:
            bound = (key, value) if len(expr.names) == 2 else (value,)
            names = dict(zip(expr.names, bound, strict=True))
            inner = {**scope, **names}
            if expr.condition is None or self.evaluate(expr.condition, inner) is True:
                results.append(
                    (self.evaluate(expr.key, inner) if expr.key is not None else None,
                     self.evaluate(expr.value, inner))
                )  # fmt: skip
        if expr.key is None:
            return [value for _, value in results]
        return dict(results)


def _interpolated(value: Any) -> str:
    """A value as a template writes it: HCL spells booleans in lower case."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _converted(value: Any, type_: Any) -> Any:
    """A variable's value as OpenTofu converts it to the variable's type: an object gets
    the attributes its type makes `optional` (null, or the default given), collections
    convert each element; anything else stays as it is."""
    match type_:
        case Call("optional", (inner, *default)):
            return _converted(default[0] if value is None and default else value, inner)
        case Call("map", (element,)) if isinstance(value, dict):
            return {key: _converted(item, element) for key, item in value.items()}
        case Call("list" | "set", (element,)) if isinstance(value, list):
            return [_converted(item, element) for item in value]
        case Call("object", (dict() as attributes,)) if isinstance(value, dict):
            converted = dict(value)
            for name, attribute in attributes.items():
                if name in value or (isinstance(attribute, Call) and attribute.name == "optional"):
                    converted[name] = _converted(value.get(name), attribute)
            return converted
    return value


def _apply(items: list[Any]) -> Any:
    """`operand op operand ...` with HCL's precedence (operator-precedence parsing)."""
    operands, pending = [items[0]], list[str]()
    for op, operand in zip(items[1::2], items[2::2], strict=True):
        while pending and PRECEDENCE[pending[-1]] >= PRECEDENCE[op]:
            right, left = operands.pop(), operands.pop()
            operands.append(OPERATORS[pending.pop()](left, right))
        pending.append(op)
        operands.append(operand)
    while pending:
        right, left = operands.pop(), operands.pop()
        operands.append(OPERATORS[pending.pop()](left, right))
    return operands[0]


def block(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested blocks `name` of a resolved resource (an empty list when absent)."""
    found = body.get(name, [])
    return found if isinstance(found, list) else [found]
