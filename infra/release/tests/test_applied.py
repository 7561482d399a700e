"""Applies move forward only, on moto's S3 and real git checkouts: an apply job checks its
HEAD against the commit last applied to the environment and records HEAD once it applied,
so a re-run of an older run is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.core import set_initial_no_auth_action_count

from .conftest import (
    GITHUB_SERVER,
    SHA_A,
    SHA_B,
    SHA_C,
    STATE_BUCKET,
    Run,
    assert_refused,
    git,
)

pytestmark = pytest.mark.usefixtures("outside_actions")
BUCKET = STATE_BUCKET
KEY = "locks/dev.applied"
WORKFLOW = "example-org/hello-platform/.github/workflows/infra.yml@refs/heads/main"

# Checks out a commit of the `history` repository: the commit a run applies.
Checkout = Callable[[str], None]
Job = Callable[[str], None]


@pytest.fixture
def checkout(history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checkout:
    """A clone of `history` the tool reads as its checkout (HELLO_REPO_DIR)."""
    clone = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--no-checkout", f"file://{history}", str(clone))
    git(clone, "fetch", "-q", "origin", "side")
    monkeypatch.setenv("HELLO_REPO_DIR", str(clone))

    def to(sha: str) -> None:
        git(clone, "checkout", "-q", "--detach", sha)

    return to


@pytest.fixture
def job(monkeypatch: pytest.MonkeyPatch) -> Job:
    """Sets what GitHub Actions sets for a run of infra.yml's apply-dev."""

    def running(run_id: str) -> None:
        values = {
            **GITHUB_SERVER,
            "GITHUB_RUN_ID": run_id,
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_WORKFLOW_REF": WORKFLOW,
            "GITHUB_JOB": "apply-dev",
            "GITHUB_ACTOR": "alice",
            "HELLO_STATE_BUCKET": BUCKET,
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return running


def applies(run: Run, job: Job, checkout: Checkout, run_id: str, sha: str) -> None:
    """A run of apply-dev for `sha` that gets through: check, (apply), record."""
    job(run_id)
    checkout(sha)
    checked = run("apply-check", "--env", "dev")
    assert checked.code == 0, checked.err
    recorded = run("apply-record", "--env", "dev")
    assert recorded.code == 0, recorded.err


def last_applied(s3: Any, key: str = KEY) -> dict[str, str]:
    record: dict[str, str] = json.loads(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    return record


def test_the_first_apply_goes_and_says_so_then_records_its_commit(
    s3: Any, run: Run, job: Job, checkout: Checkout
) -> None:
    job("101")
    checkout(SHA_B)

    checked = run("apply-check", "--env", "dev")

    assert checked.code == 0, checked.err
    assert f"no commit is recorded as applied to dev (s3://{BUCKET}/{KEY}): its first" in (
        checked.out
    )
    assert run("apply-record", "--env", "dev").code == 0
    record = last_applied(s3)
    assert {key: record[key] for key in ("environment", "sha", "run_id", "job", "run_url")} == {
        "environment": "dev",
        "sha": SHA_B,
        "run_id": "101",
        "job": "apply-dev",
        "run_url": "https://github.com/example-org/hello/actions/runs/101",
    }
    assert record["applied_at"].endswith("+00:00")


@pytest.mark.parametrize("newer", [SHA_A, SHA_B, SHA_C], ids=["same", "child", "side-branch"])
def test_the_same_commit_or_a_descendant_may_be_applied(
    s3: Any, run: Run, job: Job, checkout: Checkout, newer: str
) -> None:
    applies(run, job, checkout, "101", SHA_A)
    job("102")
    checkout(newer)

    checked = run("apply-check", "--env", "dev")

    assert checked.code == 0, checked.err
    assert f"last applied to dev: {SHA_A}, by run 101 (attempt 1) of {WORKFLOW}" in checked.out


@pytest.mark.parametrize("older", [SHA_A, SHA_C], ids=["rerun-of-an-older-run", "side-branch"])
def test_a_commit_that_does_not_descend_from_the_last_applied_is_refused(
    s3: Any, run: Run, job: Job, checkout: Checkout, older: str
) -> None:
    applies(run, job, checkout, "101", SHA_A)
    applies(run, job, checkout, "102", SHA_B)
    before = last_applied(s3)
    # A writer re-runs run 101, which checks out SHA_A again (or a run of a side branch).
    job("101")
    checkout(older)

    result = run("apply-check", "--env", "dev")

    assert_refused(
        result,
        f"refusing to apply {older} to dev: it is not a descendant of {SHA_B}, the commit last"
        " applied to dev; environments only move forward (to undo a change, revert it on main;"
        " docs/runbooks/stale-lock.md#applies-move-forward-only)",
    )
    assert last_applied(s3) == before


def test_each_environment_has_its_own_record(
    s3: Any, run: Run, job: Job, checkout: Checkout
) -> None:
    applies(run, job, checkout, "101", SHA_B)
    checkout(SHA_A)

    assert run("apply-check", "--env", "prod").code == 0
    assert run("apply-record", "--env", "prod").code == 0
    assert last_applied(s3, "locks/prod.applied")["sha"] == SHA_A
    assert last_applied(s3)["sha"] == SHA_B


def test_a_record_without_a_commit_is_refused(
    s3: Any, run: Run, job: Job, checkout: Checkout
) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b'{"sha": "main"}')
    job("102")
    checkout(SHA_B)

    result = run("apply-check", "--env", "dev")

    assert result.code == 1
    assert f's3://{BUCKET}/{KEY} records no commit (it holds \'{{"sha": "main"}}\')' in (result.err)
    assert "nox -s apply-record" in result.err


def test_a_record_of_a_commit_the_checkout_lacks_asks_for_history(
    s3: Any, run: Run, job: Job, checkout: Checkout, history: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    applies(run, job, checkout, "101", SHA_A)
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "main", f"file://{history}", "shallow")
    monkeypatch.setenv("HELLO_REPO_DIR", str(shallow))

    result = run("apply-check", "--env", "dev")

    assert result.code == 1
    assert f"the commit last applied to dev, {SHA_A}, is not in the git checkout at" in result.err


def test_a_directory_that_is_not_a_checkout_is_refused(
    s3: Any, run: Run, job: Job, tmp_path: Path
) -> None:
    job("101")

    result = run("apply-check", "--env", "dev", "--repo-dir", str(tmp_path))

    assert_refused(result, f"{tmp_path} is not a git checkout with a commit checked out")


# The three IAM calls that make the role's credentials go unchecked; every call after them
# is authorized against its policy.
@set_initial_no_auth_action_count(3)
def test_a_role_that_may_not_list_the_record_is_refused_not_taken_for_a_first_apply(
    s3: Any, run: Run, job: Job, checkout: Checkout, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam = boto3.client("iam")
    iam.create_user(UserName="infra")
    may_write_the_record = {
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": f"arn:aws:s3:::{BUCKET}/{KEY}",
    }
    iam.put_user_policy(
        UserName="infra",
        PolicyName="lock",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [may_write_the_record]}),
    )
    key = iam.create_access_key(UserName="infra")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    job("101")
    checkout(SHA_B)

    result = run("apply-check", "--env", "dev")

    assert result.code == 1
    assert "AWS ListObjectsV2 failed: AccessDenied" in result.err
    assert "first apply" not in result.out


@pytest.mark.parametrize(
    "argv",
    [
        ("apply-check", "--env", "dev"),
        ("apply-record", "--env", "dev", "--state-bucket", BUCKET),
        ("apply-check", "--env", "staging", "--state-bucket", BUCKET),
    ],
    ids=["no-bucket", "no-run", "unknown-env"],
)
def test_missing_or_bad_arguments_exit_2(s3: Any, run: Run, argv: tuple[str, ...]) -> None:
    assert run(*argv).code == 2
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)
