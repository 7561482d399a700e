"""Forward only: deploy and promote refuse a SHA that is not a descendant of the running one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHA_A, SHA_B, SHA_C, Platform, Run, assert_refused, git


@pytest.fixture
def pushed(platform: Platform) -> Platform:
    for sha in (SHA_A, SHA_B, SHA_C):
        platform.push(sha)
    return platform


def test_a_descendant_is_deployed(pushed: Platform, run: Run) -> None:
    assert run.deploy("dev", SHA_A).code == 0

    assert run.deploy("dev", SHA_B).code == 0
    assert pushed.revisions("dev") == ["hello-dev:1", "hello-dev:2", "hello-dev:3"]


@pytest.mark.parametrize("older", [SHA_A, SHA_C], ids=["ancestor", "side-branch"])
def test_a_non_descendant_is_refused(pushed: Platform, run: Run, older: str) -> None:
    assert run.deploy("dev", SHA_B).code == 0

    result = run.deploy("dev", older)

    assert_refused(
        result,
        f"refusing to deploy {older} to dev: it is not a descendant of"
        f" {SHA_B}, which dev runs now; environments only move forward (use rollback to go"
        " back)",
    )
    assert pushed.revisions("dev") == ["hello-dev:1", "hello-dev:2"]


def test_promote_refuses_what_prod_has_moved_past(pushed: Platform, run: Run) -> None:
    assert run.deploy("dev", SHA_A).code == 0
    assert run.deploy("dev", SHA_B).code == 0
    pushed.scheduler.advance(minutes=10)
    assert run.promote(SHA_B).code == 0
    assert run("rollback", "--env", "dev", "--to-sha", SHA_A).code == 0
    pushed.scheduler.advance(minutes=10)

    result = run.promote(SHA_A)

    assert result.code == 1
    assert f"refusing to promote {SHA_A} to prod: it is not a descendant of {SHA_B}" in result.err
    assert pushed.service("prod")["taskDefinition"].endswith("hello-prod:2")


def test_a_shallow_checkout_is_told_to_fetch_history(
    pushed: Platform, run: Run, history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run.deploy("dev", SHA_A).code == 0
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", f"file://{history}", "shallow")
    monkeypatch.setenv("HELLO_REPO_DIR", str(shallow))

    result = run.deploy("dev", SHA_B)

    assert_refused(
        result,
        f"the commit dev runs, {SHA_A}, is not in the git checkout at"
        f" {shallow}: fetch full history (git fetch --unshallow; actions/checkout with"
        " fetch-depth: 0)",
    )
    assert pushed.revisions("dev") == ["hello-dev:1", "hello-dev:2"]


def test_repo_dir_option_and_unknown_new_sha(pushed: Platform, run: Run, tmp_path: Path) -> None:
    assert run.deploy("dev", SHA_A).code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")

    result = run.deploy("dev", SHA_B, "--repo-dir", str(empty))

    assert result.code == 1
    assert f"the commit dev runs, {SHA_A}, is not in the git checkout at {empty}" in result.err


def test_git_not_installed(
    pushed: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run.deploy("dev", SHA_A).code == 0
    monkeypatch.setenv("PATH", str(tmp_path))

    result = run.deploy("dev", SHA_B)

    assert_refused(result, "the git command is not installed")
