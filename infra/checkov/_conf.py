"""Reading checkov's resource configuration: every attribute is a one-item list, and a
`dynamic` block's `content` stands for the block it writes."""

from __future__ import annotations

from typing import Any


def value(conf: dict[str, Any], key: str) -> Any:
    found = conf.get(key)
    return found[0] if isinstance(found, list) and len(found) == 1 else found


def blocks(conf: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The nested `name` blocks, static or written by a `dynamic "name"` block."""
    found = [block for block in conf.get(name) or [] if isinstance(block, dict)]
    for dynamic in conf.get("dynamic") or []:
        if isinstance(dynamic, dict) and name in dynamic:
            found += dynamic[name].get("content") or []
    return found
