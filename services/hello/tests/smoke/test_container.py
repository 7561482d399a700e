"""The built image, running as a container the way ECS runs it."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import docker

GRACEFUL_TIMEOUT_S = 20  # gunicorn.conf.py; ECS's stopTimeout (30 s) is above it


def test_root_says_hello_world(hello_url: str) -> None:
    response = requests.get(hello_url, timeout=5)
    assert response.status_code == 200
    assert response.text == "Hello, World"


def test_healthz(hello_url: str) -> None:
    response = requests.get(f"{hello_url}/healthz", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_version_reports_the_revision_the_image_was_built_from(
    hello_url: str, expected_revision: str
) -> None:
    body = requests.get(f"{hello_url}/version", timeout=5).json()
    assert body["service"] == "hello"
    assert body["revision"] == expected_revision
    assert body["environment"] == "smoke"
    assert body["version"] != "unknown"


def test_image_is_amd64_and_labelled(image: str, expected_revision: str) -> None:
    config = json.loads(docker("image", "inspect", image))[0]
    assert config["Architecture"] == "amd64"
    labels = config["Config"]["Labels"]
    assert labels["org.opencontainers.image.revision"] == expected_revision
    assert labels["org.opencontainers.image.version"] not in ("", "unknown")
    assert labels["org.opencontainers.image.source"]


def test_runs_as_non_root_numeric_user(
    hello_url: str, container_id: Callable[[str], str], image: str
) -> None:
    assert json.loads(docker("image", "inspect", image))[0]["Config"]["User"] == "10001:10001"
    container = container_id("hello")
    # The uid of PID 1 itself, as the kernel sees it.
    status = docker("exec", container, "cat", "/proc/1/status")
    uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    assert uid_line.split()[1:] == ["10001"] * 4
    # Exec form: gunicorn itself is PID 1 (no shell in between to swallow SIGTERM).
    command = docker("exec", container, "cat", "/proc/1/cmdline").split("\0")
    assert command[1].endswith("/gunicorn")


def test_serves_from_a_read_only_root_filesystem(
    hello_url: str, container_id: Callable[[str], str]
) -> None:
    container = container_id("hello")
    assert docker("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", container) == "true"
    write = subprocess.run(
        ["docker", "exec", container, "python", "-c", "open('/app/x', 'w')"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert write.returncode != 0
    assert "Read-only file system" in write.stderr
    assert requests.get(hello_url, timeout=5).status_code == 200


def raw_request(url: str, payload: bytes) -> bytes:
    """Sends bytes as they are (no HTTP library would send these) and returns the reply."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(payload)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


HOSTILE_REQUESTS = {
    "unknown method": b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "malformed method": b"GE T / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "oversized request line": b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "oversized header": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
    "too many headers": b"GET / HTTP/1.1\r\nHost: x\r\n"
    + b"".join(b"X-H%d: v\r\n" % i for i in range(200))
    + b"\r\n",
    "garbage bytes": b"\x00\xff\xfe\x16\x03\x01\x02\x00garbage\r\n\r\n",
    "path traversal": b"GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "encoded traversal": b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n"
    b"Connection: close\r\n\r\n",
    "bad content length": b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
}


@pytest.mark.parametrize("payload", HOSTILE_REQUESTS.values(), ids=HOSTILE_REQUESTS.keys())
def test_hostile_requests_get_a_4xx_and_service_keeps_serving(
    hello_url: str, payload: bytes
) -> None:
    reply = raw_request(hello_url, payload)
    assert 400 <= status_of(reply) < 500, reply[:200]
    assert b"root:" not in reply
    assert requests.get(f"{hello_url}/healthz", timeout=5).status_code == 200


def test_app_level_errors_have_json_bodies(hello_url: str) -> None:
    for method, path, code in [("GET", "/nope", 404), ("DELETE", "/", 405)]:
        response = requests.request(method, f"{hello_url}{path}", timeout=5)
        assert response.status_code == code
        assert response.json()["status"] == code


def test_sigterm_lets_the_in_flight_request_finish(
    slow_url: str, container_id: Callable[[str], str]
) -> None:
    container = container_id("slow")
    result: dict[str, requests.Response] = {}
    request = threading.Thread(
        target=lambda: result.update(response=requests.get(f"{slow_url}/slow", timeout=30))
    )
    request.start()
    time.sleep(1)  # the request is now being served
    docker("kill", "--signal", "SIGTERM", container)
    signalled = time.monotonic()
    exit_code = docker("wait", container)  # returns as soon as the container exits
    stopped_after = time.monotonic() - signalled
    request.join(timeout=5)

    assert result["response"].status_code == 200
    assert result["response"].text == "finished"
    assert exit_code == "0"
    # Not a speed target: past this bound ECS would SIGKILL the task mid-request.
    assert stopped_after < GRACEFUL_TIMEOUT_S
