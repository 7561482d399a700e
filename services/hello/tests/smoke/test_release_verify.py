"""The release tool's `verify` against the real container, as the pipeline runs it."""

from __future__ import annotations

import re
import subprocess

import pytest

OTHER_SHA = "f" * 40


def verify(url: str, sha: str, timeout: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["hello-release", "verify", "--url", url, "--sha", sha,
         "--timeout", timeout, "--poll-interval", "0.5"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_verify_accepts_the_revision_the_container_reports(
    hello_url: str, expected_revision: str
) -> None:
    if not re.fullmatch(r"[0-9a-f]{40}", expected_revision):
        pytest.skip(f"image built from a dirty tree ({expected_revision}); CI builds clean ones")
    result = verify(hello_url, expected_revision, timeout="10")
    assert result.returncode == 0, result.stderr
    assert f"reports {expected_revision}" in result.stdout


def test_verify_rejects_another_revision_and_shows_the_last_answer(
    hello_url: str, expected_revision: str
) -> None:
    result = verify(hello_url, OTHER_SHA, timeout="2")
    assert result.returncode == 1
    assert f"did not report {OTHER_SHA}" in result.stderr
    assert expected_revision in result.stderr
