"""promote: prod gets exactly the digest dev runs healthy, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused


def test_promotes_the_digest_dev_runs(
    platform: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = platform.push(SHA_A)
    assert run.deploy("dev", SHA_A).code == 0
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    platform.scheduler.advance(minutes=10)

    result = run.promote(SHA_A)

    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == [
        f"dev runs {digest} stable on hello-dev:2 for 10.2 min of a 10 min soak;"
        " deployment alarms OK (none)",
        f"promoting {SHA_A} ({digest}) to prod after a 10 min soak in dev",
    ]
    prod, tags = platform.revision("hello-prod:2")
    assert prod["containerDefinitions"][0]["image"] == f"{platform.prod_repository_uri}@{digest}"
    assert prod["containerDefinitions"][0]["environment"] == [
        {"name": "HELLO_ENV", "value": "prod"}
    ]
    assert tags["revision"] == SHA_A
    assert platform.service("prod")["taskDefinition"] == prod["taskDefinitionArn"]
    assert outputs.read_text() == f"sha={SHA_A}\ndigest={digest}\ntask_definition=hello-prod:2\n"


def test_refuses_when_dev_runs_another_digest(platform: Platform, run: Run) -> None:
    digest_a, digest_b = platform.push(SHA_A), platform.push(SHA_B)
    assert run.deploy("dev", SHA_A).code == 0

    result = run.promote(SHA_B)

    assert_refused(
        result,
        f"refusing to promote {SHA_B} ({digest_b}): dev runs {SHA_A}"
        f" ({digest_a}) in hello-dev:2; deploy {SHA_B} to dev first",
    )
    platform.assert_untouched("prod")


def test_refuses_when_dev_runs_an_unpinned_image(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)

    result = run.promote(SHA_A)

    assert result.code == 1
    assert (
        f"refusing to promote {SHA_A} ({digest}): dev runs an untagged revision"
        f" ({platform.repository_uri}:bootstrap) in hello-dev:1" in result.err
    )
    platform.assert_untouched("prod")


def test_refuses_while_dev_is_mid_rollout(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "stuck"
    assert run.deploy("dev", SHA_A, "--timeout", "10").code == 1

    result = run.promote(SHA_A)

    assert_refused(
        result,
        "refusing to promote: dev is mid-rollout or not running"
        " (2/2 running; hello-dev:2 PRIMARY IN_PROGRESS 0/2 running;"
        " hello-dev:1 ACTIVE COMPLETED 2/2 running)",
    )
    platform.assert_untouched("prod")


def test_reads_dev_through_the_dev_role(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.push(SHA_A)
    assert run.deploy("dev", SHA_A).code == 0
    # moto hands out credentials for the role's account; here that is the same account.
    monkeypatch.setenv("HELLO_DEV_ROLE_ARN", "arn:aws:iam::123456789012:role/hello-dev-reader")
    platform.scheduler.advance(minutes=10)

    result = run.promote(SHA_A)

    assert result.code == 0, result.err
    assert platform.service("prod")["taskDefinition"].endswith("hello-prod:2")


def test_dev_role_in_another_account_sees_no_dev_service(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)

    result = run.promote(SHA_A, "--dev-role-arn", "arn:aws:iam::210987654321:role/reader")

    assert_refused(result, "ECS cluster hello-dev not found")
