"""The one way sessions read flags from their posargs: argparse, ending the session on bad
input with argparse's message and the session's usage (a non-zero exit, nothing run).

SESSION_FLAGS is the one place that says which flags a session takes: the noxfile parses
with it (`session_args(session).parse()`), and tools/tests/test_documented_commands.py
checks every documented `nox -s` command with it."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tools.project import ENVIRONMENTS

if TYPE_CHECKING:
    import nox


class SessionArgs(argparse.ArgumentParser):
    """`SessionArgs(session)`, then `add_argument` as usual, then `parse()`. With `rest_to`,
    the arguments the flags do not name go on, in order, to that tool as `args.rest`."""

    def __init__(self, session: nox.Session, rest_to: str | None = None) -> None:
        super().__init__(prog=f"nox -s {session.name} --", add_help=False, allow_abbrev=False)
        self.session = session
        self.rest_to = rest_to

    def error(self, message: str) -> NoReturn:
        usage = " ".join(self.format_usage().split())
        self.session.error(f"{message}; {usage}")

    def parse(self) -> argparse.Namespace:
        if self.rest_to is None:
            return self.parse_args(self.session.posargs)
        args, rest = self.parse_known_args(self.session.posargs)
        args.rest = rest
        return args


# Argument types: each returns the value, or says what it should have been.


def absolute_path(value: str) -> Path:
    """A file or directory named on the command line, made absolute (sessions may chdir)."""
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


# The flags of each session that reads them ------------------------------------------------


def switch(name: str) -> Callable[[nox.Session], SessionArgs]:
    """Flags of a session whose one flag is on or off (`args.<name>`)."""

    def flags(session: nox.Session) -> SessionArgs:
        parser = SessionArgs(session)
        parser.add_argument(name, action="store_true")
        return parser

    return flags


def _image(session: nox.Session) -> SessionArgs:
    parser = SessionArgs(session)
    parser.add_argument("--allow-dirty", action="store_true")
    parser.add_argument("--save", type=absolute_path, metavar="FILE")
    return parser


def _infra(session: nox.Session) -> SessionArgs:
    parser = SessionArgs(session, rest_to="pytest")
    parser.add_argument("--fix", action="store_true")
    return parser


def _environment(session: nox.Session) -> SessionArgs:
    """`<env> [--plan-dir DIR]`, the arguments of the plan and apply sessions."""
    parser = SessionArgs(session)
    parser.add_argument("environment", choices=ENVIRONMENTS,
                        metavar="|".join(ENVIRONMENTS))  # fmt: skip
    parser.add_argument("--plan-dir", type=absolute_path, metavar="DIR")
    return parser


def _attest_verify(session: nox.Session) -> SessionArgs:
    parser = SessionArgs(session)
    parser.add_argument("--image", required=True, type=image_repository,
                        metavar="REGISTRY/REPOSITORY")  # fmt: skip
    parser.add_argument("--digest", required=True, type=image_digest, metavar="sha256:...")
    parser.add_argument("--sha", required=True, type=git_commit, metavar="SHA")
    parser.add_argument("--repo", type=github_repository, metavar="OWNER/NAME",
                        default=os.environ.get("GITHUB_REPOSITORY"))  # fmt: skip
    return parser


# Sessions not named here hand their posargs on unread: to pytest (tests, smoke, workflows),
# uv (lock), bench.py (bench) or hello-release (the release sessions), which check them.
SESSION_FLAGS: dict[str, Callable[[nox.Session], SessionArgs]] = {
    "lint": switch("--fix"),
    "image": _image,
    "infra": _infra,
    "plan": _environment,
    "apply": _environment,
    "attest-verify": _attest_verify,
}


def session_args(session: nox.Session) -> SessionArgs:
    """The parser of the session's flags, from SESSION_FLAGS."""
    if session.name not in SESSION_FLAGS:
        raise LookupError(f"SESSION_FLAGS names no flags for the session {session.name}")
    return SESSION_FLAGS[session.name](session)
