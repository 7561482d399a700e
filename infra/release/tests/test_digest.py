"""--digest: deploy and promote act only when ECR's tag resolves to the digest the build pushed."""

from __future__ import annotations

import pytest

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused, digest_of

# The commands that take --digest, each with the environment it changes.
CHANGES = [(["deploy", "--env", "dev"], "dev"), (["promote"], "prod")]
COMMANDS = [command for command, _ in CHANGES]


@pytest.mark.parametrize("command", COMMANDS, ids=str)
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


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_digest_is_required(run: Run, command: list[str]) -> None:
    result = run(*command, "--sha", SHA_A)

    assert result.code == 2
    assert "the following arguments are required: --digest" in result.err


@pytest.mark.parametrize(("command", "target"), CHANGES, ids=str)
def test_refuses_a_tag_resolving_to_another_digest(
    platform: Platform, run: Run, command: list[str], target: str
) -> None:
    pushed = platform.push(SHA_A, content=SHA_B)

    result = run(*command, "--sha", SHA_A, "--digest", digest_of(SHA_A))

    assert_refused(
        result,
        f"refusing to {command[0]} {SHA_A}: ECR resolves hello:{SHA_A} to"
        f" {pushed}, not to the built {digest_of(SHA_A)}",
    )
    platform.assert_untouched(target)
