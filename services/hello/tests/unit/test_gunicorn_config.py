"""The gunicorn config file is code too: its environment handling is tested here."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

CONFIG = Path(__file__).parents[2] / "gunicorn.conf.py"


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(monkeypatch)
    assert config["bind"] == "0.0.0.0:8000"
    assert config["wsgi_app"] == "hello.wsgi:app"
    assert config["worker_tmp_dir"] == "/dev/shm"
    assert config["control_socket_disable"] is True
    assert config["workers"] >= 2
    assert config["threads"] == 1  # sync workers: gunicorn only switches to gthread above 1
    assert "worker_class" not in config
    # ECS waits 30 s (stopTimeout) before SIGKILL; draining must finish first.
    assert config["graceful_timeout"] < 30
    assert config["limit_request_line"] <= 4094


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load(monkeypatch, PORT="9000", WEB_CONCURRENCY="3", GUNICORN_THREADS="8")
    assert config["bind"] == "0.0.0.0:9000"
    assert (config["workers"], config["threads"]) == (3, 8)


@pytest.mark.parametrize("value", ["many", "0", "-1", "1.5"])
def test_bad_numbers_stop_startup_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be"):
        load(monkeypatch, WEB_CONCURRENCY=value)
