"""status: what an environment runs, as a table."""

from __future__ import annotations

from .conftest import SHA_A, Platform, Run


def _table(out: str) -> dict[str, str]:
    rows = [line.split("  ", 1) for line in out.splitlines() if not line.startswith(" ")]
    return {key.strip(): value.strip() for key, value in rows}


def test_after_a_deploy(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    assert run.deploy("dev", SHA_A).code == 0

    result = run("status", "--env", "dev")

    assert result.code == 0
    assert _table(result.out) == {
        "env": "dev",
        "service": "hello-dev",
        "sha": SHA_A,
        "digest": digest,
        "task definition": "hello-dev:2",
        "rollout": "COMPLETED",
        "running/desired": "2/2",
        "deployments": "1",
    }
    assert "  deployment     hello-dev:2 PRIMARY COMPLETED 2/2 running" in result.out


def test_during_a_rollout(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "stuck"
    run.deploy("dev", SHA_A, "--timeout", "10")

    table = _table(run("status", "--env", "dev").out)

    assert table["rollout"] == "IN_PROGRESS"
    assert table["deployments"] == "2"
    # The old revision's tasks keep serving until the new ones are healthy.
    assert table["running/desired"] == "2/2"
    assert (
        "  deployment     hello-dev:2 PRIMARY IN_PROGRESS 0/2 running"
        in run("status", "--env", "dev").out
    )


def test_before_any_release(platform: Platform, run: Run) -> None:
    table = _table(run("status", "--env", "prod").out)

    assert table["sha"] == "(untagged)"
    assert table["digest"] == f"(not pinned: {platform.prod_repository_uri}:bootstrap)"
    assert table["task definition"] == "hello-prod:1"
