"""Bad input: one line on stderr and exit 2 before anything is contacted; runtime failures 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from hello_release.errors import Changes

from .conftest import SHA_A, Platform, Run, assert_refused, digest_of

COMMANDS_WITH_SHA = [
    ["deploy", "--env", "dev", "--sha"],
    ["verify", "--url", "http://localhost", "--sha"],
    ["promote", "--sha"],
    ["rollback", "--env", "dev", "--to-sha"],
    ["publish", "--image", "hello:local", "--sha"],
]


@pytest.mark.parametrize("command", COMMANDS_WITH_SHA, ids=lambda c: c[0])
@pytest.mark.parametrize("sha", [SHA_A[:7], SHA_A.upper(), SHA_A + "0", "g" * 40, ""])
def test_malformed_sha(run: Run, command: list[str], sha: str) -> None:
    result = run(*command, sha)

    assert result.code == 2
    assert result.err == (
        f"hello-release {command[0]}: error: argument {command[-1]}: {sha!r} is not a full git"
        f" commit SHA (40 lowercase hex characters) (see hello-release {command[0]} --help)\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["deploy", "--sha", SHA_A, "--digest", digest_of(SHA_A), "--env"],
        ["status", "--env"],
        ["rollback", "--to-revision", "1", "--env"],
        ["verify", "--sha", SHA_A, "--env"],
    ],
    ids=lambda c: c[0],
)
def test_unknown_environment(run: Run, command: list[str]) -> None:
    result = run(*command, "staging")

    assert result.code == 2
    assert "argument --env: invalid choice: 'staging' (choose from" in result.err
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rollback", "--env", "dev"], "one of the arguments --to-revision --to-sha is required"),
        (["rollback", "--env", "dev", "--to-revision", "0"], "'0' is not a revision number"),
        (["deploy", "--env", "dev", "--sha", SHA_A, "--timeout", "soon"], "'soon' is not a"),
        (["deploy", "--env", "dev", "--sha", SHA_A, "--timeout", "-1"], "'-1' is not a number"),
        (["promote", "--sha", SHA_A, "--registry-id", "dev"], "'dev' is not a 12-digit AWS"),
        (["promote", "--sha", SHA_A, "--dev-role-arn", "dev"], "'dev' is not an IAM role ARN"),
        (["verify", "--sha", SHA_A], "one of the arguments --url --env is required"),
        (["verify", "--sha", SHA_A, "--url", "notaurl"], "'notaurl' is not a base URL (http"),
        (["verify", "--sha", SHA_A, "--url", "ftp://host"], "'ftp://host' is not a base URL"),
        (["verify", "--sha", SHA_A, "--url", "http://"], "'http://' is not a base URL"),
        (["verify", "--sha", SHA_A, "--url", "http://h:x"], "'http://h:x' is not a base URL"),
        (["verify", "--sha", SHA_A, "--url", "http://h?a=1"], "it has a query or fragment"),
        (["status"], "the following arguments are required: --env"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_other_usage_errors(run: Run, argv: list[str], message: str) -> None:
    result = run(*argv)

    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1


def test_no_credentials(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    result = run.deploy("dev", SHA_A)

    assert_refused(result, "no AWS credentials found (profile, AWS_* variables or role)")


def test_no_region(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    # What the AWS CLI v2 and Terraform read, but boto3 does not: no region for the tool.
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))

    result = run("status", "--env", "dev")

    assert_refused(
        result,
        "no AWS region configured (set AWS_DEFAULT_REGION or the profile's region;"
        " boto3 does not read AWS_REGION)",
    )


def test_service_not_found(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.ecs.update_service(cluster="hello-prod", service="hello-prod", desiredCount=0)
    platform.ecs.delete_service(cluster="hello-prod", service="hello-prod")

    result = run.deploy("prod", SHA_A)

    assert_refused(result, "ECS service hello-prod not found in cluster hello-prod")
    platform.assert_untouched("prod")


def test_cluster_not_found(run: Run) -> None:
    with mock_aws():  # an account (or region) without the platform
        result = run("status", "--env", "prod")

    assert_refused(result, "ECS cluster hello-prod not found")


def test_repository_missing(platform: Platform, run: Run) -> None:
    platform.ecr.delete_repository(repositoryName="hello", force=True)

    result = run.deploy("dev", SHA_A)

    assert_refused(result, "ECR repository hello not found in this account's registry")


def test_change_summary_names_the_step_not_taken() -> None:
    changes = Changes()
    assert changes.summary() == "nothing was changed"
    changes.record("registered hello-dev:7", pending="did not update service hello-dev")
    assert changes.summary() == "registered hello-dev:7 but did not update service hello-dev"
    changes.record("updated service hello-dev to hello-dev:7")
    assert changes.summary() == "registered hello-dev:7, updated service hello-dev to hello-dev:7"


def test_latest_revision_without_the_hello_container(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.ecs.register_task_definition(
        family="hello-dev", containerDefinitions=[{"name": "web", "image": "web", "memory": 64}]
    )

    result = run.deploy("dev", SHA_A)

    assert_refused(result, "task definition hello-dev:2 has no container named hello")
    assert platform.revisions("dev") == ["hello-dev:1", "hello-dev:2"]


def test_credentials_aws_rejects(platform: Platform, run: Run) -> None:
    role = "arn:aws:iam::123456789012:role/hello-dev-reader"

    result = set_initial_no_auth_action_count(0)(run.promote)(SHA_A, "--dev-role-arn", role)

    assert_refused(
        result,
        "AWS AssumeRole failed: InvalidClientTokenId: The security token"
        " included in the request is invalid.",
    )


def test_aws_unreachable(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")

    result = run("status", "--env", "dev")

    assert_refused(
        result, 'AWS call failed: Could not connect to the endpoint URL: "http://127.0.0.1:9/"'
    )


def test_installed_command_exits_with_the_code() -> None:
    script = Path(sys.executable).with_name("hello-release")

    bad = subprocess.run([script, "status", "--env", "qa"], capture_output=True, text=True)

    assert bad.returncode == 2
    assert bad.stderr.startswith("hello-release status: error: argument --env: invalid choice")
    assert bad.stdout == ""
