"""Finds wildcard Actions and Resources in the modules' IAM policy documents.

The modules write every IAM policy as an `aws_iam_policy_document` data source, so the
HCL source is where the policies are (rendered inputs do not contain them). A `"*"`
resource is allowed only where an AWS API has no resource-level permissions, and then
the line above it must say so: `# aws-api-requires-wildcard: <which API and why>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

WILDCARD_COMMENT = "# aws-api-requires-wildcard:"
# `resources = ["*"]` in an aws_iam_policy_document, `Resource = "*"` in a jsonencode()d one.
_WILDCARD_RESOURCES = re.compile(r'^\s*(resources\s*=\s*\[\s*"\*"\s*\]|Resource\s*=\s*"\*")')


@dataclass(frozen=True)
class Statement:
    path: Path
    document: str
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    effect: str = "Allow"


def blocks(value: Any) -> Iterator[dict[str, Any]]:
    """Blocks come as lists of dicts (one per repetition)."""
    if isinstance(value, list):
        for item in value:
            yield from blocks(item)
    elif isinstance(value, dict):
        yield value


def _statements(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from blocks(body.get("statement", []))
    for dynamic in blocks(body.get("dynamic", [])):
        for name, spec in dynamic.items():
            if name == "statement":
                yield from blocks(spec.get("content", []))


def attribute(block: dict[str, Any], name: str, default: Any = None) -> Any:
    """An attribute's value: bc-python-hcl2 wraps each one in a one-item list."""
    value = block.get(name, default)
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _strings(value: Any) -> tuple[str, ...]:
    """A list attribute, or one `${...}` expression (kept as a single string)."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(item) for item in value)


def statements(path: Path) -> list[Statement]:
    with path.open() as file:
        parsed = load_hcl(file)
    found = []
    for data in blocks(parsed.get("data", [])):
        for document in blocks(data.get("aws_iam_policy_document", {})):
            for name, body in document.items():
                for statement in _statements(body):
                    found.append(
                        Statement(
                            path=path,
                            document=name,
                            sid=str(attribute(statement, "sid", "")),
                            actions=_strings(attribute(statement, "actions")),
                            resources=_strings(attribute(statement, "resources")),
                            effect=str(attribute(statement, "effect", "Allow")),
                        )
                    )
    return found


def uncommented_wildcard_resources(path: Path) -> list[str]:
    """`resources = ["*"]` lines whose previous non-blank line is not the justification."""
    problems = []
    previous = ""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if _WILDCARD_RESOURCES.match(line) and not previous.strip().startswith(WILDCARD_COMMENT):
            problems.append(f"{path}:{number}: wildcard resource without '{WILDCARD_COMMENT}'")
        if line.strip():
            previous = line
    return problems


def wildcard_actions(found: list[Statement]) -> list[str]:
    """Wildcard actions that allow: a Deny (`iam:*`, s3 over plain HTTP) only narrows."""
    return [
        f"{s.path} {s.document}/{s.sid}: wildcard action {action}"
        for s in found
        for action in s.actions
        if "*" in action and s.effect != "Deny"
    ]
