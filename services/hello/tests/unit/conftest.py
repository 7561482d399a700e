from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hello import create_app
from hello.config import Settings

REVISION = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def revision() -> str:
    return REVISION


@pytest.fixture
def app(revision: str) -> Flask:
    return create_app(Settings(version="1.2.3", revision=revision, environment="test"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
