from __future__ import annotations

from functools import partial

import pytest
from flask import Flask, request, request_started
from flask.testing import FlaskClient
from werkzeug.test import Client

from hello.app import CONSTANT_PATHS, ConstantResponses


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


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", CONSTANT_PATHS)
def test_constant_answers_are_what_flask_answers(app: Flask, method: str, path: str) -> None:
    served = Client(app).open(path, method=method)
    by_flask = Client(partial(Flask.wsgi_app, app)).open(path, method=method)
    assert served.status == by_flask.status == "200 OK"
    assert served.headers.to_wsgi_list() == by_flask.headers.to_wsgi_list()
    assert served.get_data() == by_flask.get_data()


def test_constant_paths_skip_flask_and_the_rest_goes_through_it(client: FlaskClient) -> None:
    handled: list[str] = []

    def record(sender: Flask, **extra: object) -> None:
        handled.append(f"{request.method} {request.path}")

    with request_started.connected_to(record, client.application):
        for path in CONSTANT_PATHS:
            assert client.get(path).status_code == 200
            assert client.head(path).status_code == 200
        assert client.post("/").status_code == 405
        assert client.options("/healthz").status_code == 200
        assert client.get("/nope").status_code == 404
    assert handled == ["POST /", "OPTIONS /healthz", "GET /nope"]


def test_a_constant_path_that_fails_at_startup_stops_startup(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="/nope answered 404 NOT FOUND"):
        ConstantResponses(app, ["/nope"])
