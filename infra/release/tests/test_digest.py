"""--digest: deploy and promote act only when ECR's tag resolves to the digest the build pushed."""

from __future__ import annotations

import pytest

from .conftest import SHA_A, SHA_B, Platform, Run, digest_of


@pytest.mark.parametrize("command", [["deploy", "--env", "dev"], ["promote"]], ids=str)
@pytest.mark.parametrize(
    "value", ["", "sha256:abc", digest_of(SHA_A).upper(), digest_of(SHA_A)[7:], "md5:" + "0" * 64]
)
def test_malformed_digest(run: Run, command: list[str], value: str) -> None:
    result = run(*command, "--sha", SHA_A, "--digest", value)

    assert result.code == 2
    assert result.err == (
        f"hello-release {command[0]}: error: argument --digest: {value!r} is not an image digest"
        f" (sha256: and 64 lowercase hex characters) (see hello-release {command[0]} --help)\n"
    )


@pytest.mark.parametrize("command", [["deploy", "--env", "dev"], ["promote"]], ids=str)
def test_digest_is_required(run: Run, command: list[str]) -> None:
    result = run(*command, "--sha", SHA_A)

    assert result.code == 2
    assert "the following arguments are required: --digest" in result.err


def test_deploy_refuses_a_tag_resolving_to_another_digest(platform: Platform, run: Run) -> None:
    pushed = platform.push(SHA_A, content=SHA_B)

    result = run("deploy", "--env", "dev", "--sha", SHA_A, "--digest", digest_of(SHA_A))

    assert result.code == 1
    assert result.err == (
        f"hello-release deploy: refusing to deploy {SHA_A}: ECR resolves hello:{SHA_A} to"
        f" {pushed}, not to the built {digest_of(SHA_A)}; nothing was changed\n"
    )
    assert platform.revisions("dev") == ["hello-dev:1"]
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:1")


def test_promote_refuses_a_tag_resolving_to_another_digest(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    assert run("deploy", "--env", "dev", "--sha", SHA_A, "--digest", digest).code == 0

    result = run("promote", "--sha", SHA_A, "--digest", digest_of(SHA_B))

    assert result.code == 1
    assert result.err == (
        f"hello-release promote: refusing to promote {SHA_A}: ECR resolves hello:{SHA_A} to"
        f" {digest}, not to the built {digest_of(SHA_B)}; nothing was changed\n"
    )
    assert platform.revisions("prod") == ["hello-prod:1"]
