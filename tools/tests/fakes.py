"""Stand-ins for the tools' tests: a session that records what it is asked, and programs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn, cast

if TYPE_CHECKING:
    import nox


class SessionError(Exception):
    """What `session.error` raises: the session ends there, with this message."""


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    kwargs: dict[str, Any]


@dataclass
class FakeSession:
    """The part of nox.Session the tools use; `run` records the command and runs nothing."""

    name: str = "fake"
    posargs: list[str] = field(default_factory=list)
    bin: str = "/nonexistent/bin"
    output: str = ""
    runs: list[Run] = field(default_factory=list)
    installs: list[Run] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    directories: list[Path] = field(default_factory=list)
    virtualenv: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(location="/venv"))

    @property
    def session(self) -> nox.Session:
        """This fake, typed as what the tools take."""
        return cast("nox.Session", self)

    def run(self, *args: str, **kwargs: Any) -> str:
        self.runs.append(Run(tuple(str(arg) for arg in args), kwargs))
        return self.output

    def run_install(self, *args: str, **kwargs: Any) -> None:
        self.installs.append(Run(args, kwargs))

    def log(self, message: str) -> None:
        self.logs.append(message)

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def error(self, message: str) -> NoReturn:
        raise SessionError(message)

    @contextlib.contextmanager
    def chdir(self, directory: Path) -> Iterator[None]:
        self.directories.append(directory)
        yield

    def commands(self) -> list[tuple[str, ...]]:
        return [run.args for run in self.runs]


def program(directory: Path, name: str, script: str) -> Path:
    """A stand-in program: a shell script."""
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return path
