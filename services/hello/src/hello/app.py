"""The Flask application: three endpoints and JSON errors for everything else."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from hello.config import Settings
from hello.logs import configure_logging

GREETING = "Hello, World"

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

    return app


def _error_body(code: int, name: str, message: str | None) -> Response:
    return jsonify(error=name, status=code, message=message or name)
