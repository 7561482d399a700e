"""The ceiling `nox -s bench` measures the service against: a bare WSGI callable.

Served by the product image with its gunicorn configuration (workers, JSON access log),
it answers `/` with the same status, headers and body as the service, so the gap between
the two is what the service's own code costs per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"Hello, World"
HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
