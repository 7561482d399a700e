"""The one way sessions read flags from their posargs: argparse, ending the session on bad
input with argparse's message and the session's usage (a non-zero exit, nothing run)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import nox


class SessionArgs(argparse.ArgumentParser):
    """`SessionArgs(session)`, then `add_argument` as usual, then `parse()`."""

    def __init__(self, session: nox.Session) -> None:
        super().__init__(prog=f"nox -s {session.name} --", add_help=False, allow_abbrev=False)
        self.session = session

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        self.session.error(f"{message}; {usage}")

    def parse(self) -> argparse.Namespace:
        return self.parse_args(self.session.posargs)

    def parse_known(self) -> tuple[argparse.Namespace, list[str]]:
        """The flags this parser knows, and the rest in order (for a tool the session runs)."""
        return self.parse_known_args(self.session.posargs)


def flag(session: nox.Session, name: str) -> bool:
    """Whether the session's one on/off flag was given; any other argument is an error."""
    parser = SessionArgs(session)
    parser.add_argument(name, action="store_true", dest="given")
    given: bool = parser.parse().given
    return given


# Argument types: each returns the value, or says what it should have been.


def directory(value: str) -> Path:
    """A directory named on the command line, made absolute (sessions may chdir)."""
    return Path(value).resolve()


def image_digest(value: str) -> str:
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an image digest (sha256:<64 hex>)")
    return value


def git_commit(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a full 40-character git SHA")
    return value


def github_repository(value: str) -> str:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not OWNER/NAME")
    return value


def image_repository(value: str) -> str:
    if not re.fullmatch(r"[\w.-]+(:\d+)?/[\w./-]+", value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not REGISTRY/REPOSITORY (without a tag or digest)"
        )
    return value
