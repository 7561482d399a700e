from __future__ import annotations

import io
import json
import logging
import sys
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from gunicorn.config import Config
from gunicorn.glogging import Logger

from hello.logs import GUNICORN_LOGCONFIG, AccessLogger, JsonFormatter

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793"


def access_record(atoms: dict[str, str]) -> logging.LogRecord:
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", None, None)
    record.args = atoms  # gunicorn passes its atoms dict as the record's args
    return record


def test_access_record_becomes_http_fields() -> None:
    atoms = {
        "h": "10.0.0.1",
        "m": "GET",
        "U": "/version",
        "q": "",
        "H": "HTTP/1.1",
        "s": "200",
        "B": "87",
        "M": "3",
        "a": "curl/8",
        "f": "-",
        "{x-amzn-trace-id}i": TRACE,
    }
    entry = json.loads(JsonFormatter().format(access_record(atoms)))
    assert entry["message"] == "request"
    assert entry["logger"] == "gunicorn.access"
    assert entry["method"] == "GET"
    assert entry["path"] == "/version"
    assert entry["status"] == 200
    assert entry["bytes"] == 87
    assert entry["duration_ms"] == 3
    assert entry["trace_id"] == TRACE
    assert "query" not in entry
    assert "referer" not in entry


def test_access_record_keeps_unparsable_numbers_as_text() -> None:
    entry = json.loads(JsonFormatter().format(access_record({"s": "200", "B": "lots"})))
    assert entry["status"] == 200
    assert entry["bytes"] == "lots"
    assert "trace_id" not in entry


def test_plain_record_with_exception() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.LogRecord(
            "hello", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed x"
    assert entry["level"] == "ERROR"
    assert "ValueError: bad" in entry["exception"]


def test_app_errors_are_logged_as_json_with_trace_id(client: FlaskClient) -> None:
    app = client.application
    # pytest adds capture handlers of its own; ours is the plain stream handler.
    handlers = logging.getLogger("hello").handlers
    handler = next(h for h in handlers if type(h) is logging.StreamHandler)
    output = io.StringIO()
    handler.setStream(output)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaput")

    client.get("/boom", headers={"X-Amzn-Trace-Id": TRACE})
    lines = [json.loads(line) for line in output.getvalue().splitlines() if line]
    error = next(line for line in lines if line["message"] == "unhandled error")
    assert error["trace_id"] == TRACE
    assert "RuntimeError: kaput" in error["exception"]


def test_gunicorn_accepts_the_log_config_and_logs_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = Config()
    config.set("logconfig_dict", GUNICORN_LOGCONFIG)
    config.set("accesslog", "-")
    logger = Logger(config)  # raises if gunicorn cannot apply the config
    logger.error("worker %s booted", 7)
    entry = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert entry == entry | {"logger": "gunicorn.error", "message": "worker 7 booted"}


class _Response:
    status = "404 NOT FOUND"
    sent = 61
    headers = (("Content-Type", "application/json"), ("Content-Length", "61"))


class _Request:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = [(name.upper(), value) for name, value in headers.items()]


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "curl/8", "Referer": "https://example.com/", "X-Amzn-Trace-Id": TRACE},
        {},
    ],
    ids=["every-header", "no-header"],
)
def test_the_access_logger_writes_the_line_gunicorns_own_logger_writes(
    capsys: pytest.CaptureFixture[str], headers: dict[str, str]
) -> None:
    config = Config()
    config.set("logconfig_dict", GUNICORN_LOGCONFIG)
    config.set("accesslog", "-")
    environ = {
        "REMOTE_ADDR": "10.0.1.7",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/missing?x=1",
        "PATH_INFO": "/missing",
        "QUERY_STRING": "x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    lines = []
    for logger_class in (Logger, AccessLogger):
        logger_class(config).access(
            _Response(), _Request(headers), environ, timedelta(seconds=1, microseconds=2500)
        )
        lines.append(json.loads(capsys.readouterr().out.splitlines()[-1]))
    own, ours = ({k: v for k, v in line.items() if k != "time"} for line in lines)
    assert ours == own
    assert ours["duration_ms"] == 1002
    assert ("trace_id" in ours) == bool(headers)
