"""Fixtures of the tools' tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.tests.fakes import FakeSession


@pytest.fixture
def fake() -> FakeSession:
    return FakeSession()


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory first on PATH, for stand-in programs (tools.tests.fakes.program)."""
    directory = tmp_path / "bin"
    directory.mkdir()
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")
    return directory
