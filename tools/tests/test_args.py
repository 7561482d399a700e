"""Sessions' flags: argparse over posargs, bad input ends the session with the usage."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tools.args import (
    SESSION_FLAGS,
    SessionArgs,
    absolute_path,
    git_commit,
    github_repository,
    image_digest,
    image_repository,
    session_args,
)
from tools.project import noxfile_sessions
from tools.tests.fakes import FakeSession, SessionError

DIGEST = "sha256:" + "ab" * 32
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def parse(name: str, *posargs: str) -> argparse.Namespace:
    return session_args(FakeSession(name=name, posargs=list(posargs)).session).parse()


@pytest.mark.parametrize(("posargs", "given"), [([], False), (["--fix"], True)])
def test_a_switch_is_given_or_not(posargs: list[str], given: bool) -> None:
    assert parse("lint", *posargs).fix is given


@pytest.mark.parametrize("posargs", [["--fi"], ["--fix", "extra"], ["--fix=yes"]])
def test_a_switch_refuses_anything_else_and_shows_the_usage(posargs: list[str]) -> None:
    with pytest.raises(SessionError, match=r"; usage: nox -s lint -- \[--fix\]$"):
        parse("lint", *posargs)


def test_every_session_with_flags_is_in_the_noxfile() -> None:
    assert set(SESSION_FLAGS) <= set(noxfile_sessions())


def test_a_session_without_flags_has_no_parser() -> None:
    with pytest.raises(LookupError, match="names no flags for the session tests"):
        parse("tests")


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


def test_the_rest_goes_on_in_order() -> None:
    args = parse("infra", "-k", "alb", "--fix", "-x")
    assert args.fix is True
    assert args.rest == ["-k", "alb", "-x"]


def test_environment_args(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = parse("plan", "prod")
    assert (args.environment, args.plan_dir) == ("prod", None)
    assert parse("apply", "dev", "--plan-dir", "plans").plan_dir == tmp_path / "plans"


@pytest.mark.parametrize(
    ("posargs", "message"),
    [
        (["staging"], "invalid choice: 'staging'"),
        ([], "the following arguments are required: dev|prod"),
        (["prod", "dev"], "unrecognized arguments: dev"),
        (["prod", "--plan"], "unrecognized arguments: --plan"),
    ],
)
def test_environment_args_refuse_bad_input(posargs: list[str], message: str) -> None:
    with pytest.raises(SessionError) as raised:
        parse("apply", *posargs)
    assert message in str(raised.value)
    assert str(raised.value).endswith("; usage: nox -s apply -- [--plan-dir DIR] dev|prod")


def test_attest_verify_args(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/hello")
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello"
    args = parse("attest-verify", "--image", image, "--digest", DIGEST, "--sha", COMMIT)
    assert (args.image, args.digest, args.sha, args.repo) == (image, DIGEST, COMMIT, "acme/hello")
    with pytest.raises(SessionError, match="the following arguments are required: --sha"):
        parse("attest-verify", "--image", image, "--digest", DIGEST)


def test_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert absolute_path("plans") == tmp_path / "plans"


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
