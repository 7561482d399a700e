"""The Flask application: three endpoints and JSON errors for everything else."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response as WerkzeugResponse

from hello.config import Settings
from hello.logs import configure_logging

GREETING = "Hello, World"
# Paths whose answer depends on nothing in the request, nor on the time: each is rendered
# once at startup (ConstantResponses). A view that comes to depend on either leaves this list.
CONSTANT_PATHS = ("/", "/healthz", "/version")

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    configure_logging()

    @app.get("/")
    def root() -> Response:
        return Response(GREETING, mimetype="text/plain")

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.get("/version")
    def version() -> Response:
        return jsonify(
            service=settings.service,
            version=settings.version,
            revision=settings.revision,
            environment=settings.environment,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        code = error.code or 500
        response = _error_body(code, error.name, error.description)
        # Keep headers the error carries, such as Allow on a 405.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response, code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")
        server_error = InternalServerError()
        return _error_body(500, server_error.name, server_error.description), 500

    # Last, so that the answers rendered once at startup are those of the finished app.
    app.wsgi_app = ConstantResponses(app, CONSTANT_PATHS)  # type: ignore[method-assign]
    return app


def _error_body(code: int, name: str, message: str | None) -> Response:
    return jsonify(error=name, status=code, message=message or name)


class ConstantResponses:
    """WSGI middleware: answers GET and HEAD on the given paths with the response Flask gave
    for each once, at startup, and hands every other request to Flask.

    Flask's per-request work (request and app contexts, URL adapter, response object) is
    all the service adds to a bare WSGI app, the ceiling `nox -s bench` measures it
    against, and it buys nothing for an answer that never changes. Other methods, other
    paths and errors still go through Flask, so 404s, 405s and OPTIONS are as before.
    """

    def __init__(self, app: Flask, paths: Sequence[str]) -> None:
        self.wsgi_app = app.wsgi_app
        self.answers: dict[str, tuple[str, list[tuple[str, str]], bytes]] = {}
        for path in paths:
            # Not full_dispatch_request: that would mark the app as serving and lock its setup.
            response: WerkzeugResponse
            with app.test_request_context(path):
                try:
                    response = app.finalize_request(app.dispatch_request())
                except HTTPException as error:
                    response = error.get_response()
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status}, not 200, at startup")
            self.answers[path] = (response.status, response.headers.to_wsgi_list(),
                                  response.get_data())  # fmt: skip

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        answer = self.answers.get(environ.get("PATH_INFO", ""))
        method = environ.get("REQUEST_METHOD")
        if answer is None or method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, list(headers))
        return [body] if method == "GET" else []
