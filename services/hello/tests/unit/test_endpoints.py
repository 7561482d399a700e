from __future__ import annotations

import pytest
from flask.testing import FlaskClient


def test_root_says_hello_world(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Hello, World"
    assert response.mimetype == "text/plain"


def test_healthz_is_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_version_reports_identity(client: FlaskClient, revision: str) -> None:
    response = client.get("/version")
    assert response.status_code == 200
    assert response.get_json() == {
        "service": "hello",
        "version": "1.2.3",
        "revision": revision,
        "environment": "test",
    }


@pytest.mark.parametrize("path", ["/", "/healthz", "/version"])
def test_head_is_answered_without_body(client: FlaskClient, path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.get_data() == b""


@pytest.mark.parametrize(
    "path", ["/nope", "/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/healthz/extra", "/\x00"]
)
def test_unknown_paths_get_json_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    body = response.get_json()
    assert body["status"] == 404
    assert body["error"] == "Not Found"
    assert body["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/healthz", "/version"])
def test_wrong_methods_get_json_405(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method, data=b"\xff\xfe garbage")
    assert response.status_code == 405
    assert response.get_json()["error"] == "Method Not Allowed"
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_json_500_without_details(client: FlaskClient) -> None:
    app = client.application

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"] == "Internal Server Error"
    assert "secret" not in response.get_data(as_text=True)


def test_query_strings_and_odd_headers_do_not_break_root(client: FlaskClient) -> None:
    response = client.get(
        "/?a=%ff%fe&b=" + "x" * 2000,
        headers={"X-Forwarded-For": "not-an-ip", "Accept": "\x7f"},
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Hello, World"
