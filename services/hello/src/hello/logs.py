"""JSON logs on stdout, one object per line, for both the app and gunicorn."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from gunicorn import glogging

TRACE_HEADER = "X-Amzn-Trace-Id"
TRACE_ATOM = "{x-amzn-trace-id}i"

# gunicorn access-log atoms worth keeping, by the name they get in the log line.
_ACCESS_FIELDS = {
    "remote_addr": "h",
    "method": "m",
    "path": "U",
    "query": "q",
    "protocol": "H",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "user_agent": "a",
    "referer": "f",
}


class JsonFormatter(logging.Formatter):
    """Formats any record as one JSON object; gunicorn access records get HTTP fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry["message"] = "request"
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
        trace_id = getattr(record, "trace_id", None)
        if trace_id:
            entry["trace_id"] = trace_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, atom in _ACCESS_FIELDS.items():
        value = atoms.get(atom)
        if value not in (None, "-", ""):
            fields[name] = value
    for number in ("status", "bytes", "duration_ms"):
        if number in fields:
            with contextlib.suppress(TypeError, ValueError):
                fields[number] = int(fields[number])
    trace_id = atoms.get(TRACE_ATOM)
    if trace_id not in (None, "-", ""):
        fields["trace_id"] = trace_id
    return fields


# Where each atom the access line keeps comes from in the WSGI environ (the rest are the
# response's status, byte count and duration).
_ENVIRON_ATOMS = {
    "h": "REMOTE_ADDR",
    "m": "REQUEST_METHOD",
    "U": "PATH_INFO",
    "q": "QUERY_STRING",
    "H": "SERVER_PROTOCOL",
    "a": "HTTP_USER_AGENT",
    "f": "HTTP_REFERER",
    TRACE_ATOM: "HTTP_" + TRACE_HEADER.upper().replace("-", "_"),
}


class AccessLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's logger with only the access atoms the JSON line keeps: gunicorn's own
    `atoms()` also formats a timestamp and copies every request and response header on
    every request, a third of what an access line costs."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        status = resp.status
        atoms = {atom: environ.get(key) for atom, key in _ENVIRON_ATOMS.items()}
        atoms["r"] = f"{atoms['m']} {environ.get('RAW_URI')} {atoms['H']}"
        atoms["s"] = status.split(None, 1)[0] if isinstance(status, str) else status
        atoms["B"] = getattr(resp, "sent", None)
        atoms["M"] = request_time.seconds * 1000 + request_time.microseconds // 1000
        return atoms


class RequestTraceFilter(logging.Filter):
    """Adds the ALB trace id of the current request to app log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.trace_id = request.headers.get(TRACE_HEADER)
        return True


def configure_logging() -> None:
    """Sends the package's logs (Flask's app logger included) to stdout as JSON."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestTraceFilter())
    package_logger = logging.getLogger("hello")
    package_logger.handlers[:] = [handler]
    package_logger.setLevel(logging.INFO)
    package_logger.propagate = False


GUNICORN_LOGCONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hello.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
