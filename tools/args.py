"""The one way sessions read flags from their posargs: argparse, ending the session on bad
input with argparse's message and the session's usage (a non-zero exit, nothing run)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
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


def matching(pattern: str, what: str) -> Callable[[str], str]:
    """An argument type that takes a value only when all of it matches `pattern`."""
    whole = re.compile(pattern)

    def check(value: str) -> str:
        if not whole.fullmatch(value):
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}")
        return value

    return check


image_digest = matching(r"sha256:[0-9a-f]{64}", "an image digest (sha256:<64 hex>)")
git_commit = matching(r"[0-9a-f]{40}", "a full 40-character git SHA")
github_repository = matching(r"[\w.-]+/[\w.-]+", "OWNER/NAME")
image_repository = matching(
    r"[\w.-]+(:\d+)?/[\w./-]+", "REGISTRY/REPOSITORY (without a tag or digest)"
)
