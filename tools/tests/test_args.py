"""Sessions' flags: argparse over posargs, bad input ends the session with the usage."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tools.args import (
    SessionArgs,
    directory,
    flag,
    git_commit,
    github_repository,
    image_digest,
    image_repository,
)
from tools.tests.fakes import FakeSession, SessionError

DIGEST = "sha256:" + "ab" * 32
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(("posargs", "given"), [([], False), (["--fix"], True)])
def test_flag_is_given_or_not(posargs: list[str], given: bool) -> None:
    assert flag(FakeSession(posargs=posargs).session, "--fix") is given


@pytest.mark.parametrize("posargs", [["--fi"], ["--fix", "extra"], ["--fix=yes"]])
def test_flag_refuses_anything_else_and_shows_the_usage(posargs: list[str]) -> None:
    fake = FakeSession(name="lint", posargs=posargs)
    with pytest.raises(SessionError, match=r"; usage: nox -s lint -- \[--fix\]$"):
        flag(fake.session, "--fix")


def test_a_missing_required_flag_is_named() -> None:
    parser = SessionArgs(FakeSession(name="attest-verify", posargs=["--image", "r/x"]).session)
    parser.add_argument("--image", required=True)
    parser.add_argument("--sha", required=True, type=git_commit, metavar="SHA")
    with pytest.raises(SessionError) as raised:
        parser.parse()
    assert str(raised.value) == (
        "the following arguments are required: --sha; "
        "usage: nox -s attest-verify -- --image IMAGE --sha SHA"
    )


def test_a_bad_value_says_what_it_should_be() -> None:
    parser = SessionArgs(FakeSession(posargs=["--sha", "abc"]).session)
    parser.add_argument("--sha", type=git_commit)
    with pytest.raises(SessionError, match="'abc' is not a full 40-character git SHA"):
        parser.parse()


def test_parse_known_leaves_the_rest_in_order() -> None:
    parser = SessionArgs(FakeSession(posargs=["-k", "alb", "--fix", "-x"]).session)
    parser.add_argument("--fix", action="store_true")
    args, rest = parser.parse_known()
    assert args.fix is True
    assert rest == ["-k", "alb", "-x"]


def test_directory_is_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert directory("plans") == tmp_path / "plans"


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (image_digest, DIGEST, ["sha256:12", "ab" * 32, DIGEST.upper()]),
        (git_commit, COMMIT, [COMMIT[:7], COMMIT + "0", "main"]),
        (github_repository, "acme/hello-platform", ["acme", "not a repo", "a/b/c"]),
        (
            image_repository,
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello",
            ["hello", "registry/hello:tag", f"registry/hello@{DIGEST}"],
        ),
    ],
)
def test_argument_types(check: Callable[[str], str], good: str, bad: list[str]) -> None:
    assert check(good) == good
    for value in bad:
        with pytest.raises(argparse.ArgumentTypeError, match=f"^{re.escape(repr(value))} is not "):
            check(value)
