"""rollback: back to a revision by number or by the SHA it was tagged with."""

from __future__ import annotations

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused


def _deploy(run: Run, *shas: str) -> None:
    for sha in shas:
        assert run.deploy("dev", sha).code == 0


def test_to_revision(platform: Platform, run: Run) -> None:
    platform.push(SHA_A), platform.push(SHA_B)
    _deploy(run, SHA_A, SHA_B)

    result = run("rollback", "--env", "dev", "--to-revision", "2")

    assert result.code == 0, result.err
    assert "rolling hello-dev back from hello-dev:3 to hello-dev:2" in result.out
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:2")
    assert platform.service("dev")["deployments"][0]["rolloutState"] == "COMPLETED"
    assert platform.revisions("dev") == ["hello-dev:1", "hello-dev:2", "hello-dev:3"]


def test_to_sha_takes_the_newest_revision_tagged_with_it(platform: Platform, run: Run) -> None:
    platform.push(SHA_A), platform.push(SHA_B)
    _deploy(run, SHA_A, SHA_B)
    assert run("rollback", "--env", "dev", "--to-sha", SHA_A).code == 0
    # Deploying the SHA an environment runs is allowed: it registers another revision.
    _deploy(run, SHA_A, SHA_B)

    result = run("rollback", "--env", "dev", "--to-sha", SHA_A)

    assert result.code == 0, result.err
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:4")
    assert f"rolled hello-dev back to hello-dev:4 ({SHA_A})" in result.out


def test_to_unknown_sha_changes_nothing(platform: Platform, run: Run) -> None:
    result = run("rollback", "--env", "dev", "--to-sha", SHA_B)

    assert_refused(result, f"no ACTIVE revision of hello-dev is tagged revision={SHA_B}")


def test_to_missing_revision_changes_nothing(platform: Platform, run: Run) -> None:
    result = run("rollback", "--env", "dev", "--to-revision", "9")

    assert_refused(result, "task definition hello-dev:9 not found")


def test_to_deregistered_revision_is_refused(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    _deploy(run, SHA_A)
    platform.ecs.deregister_task_definition(taskDefinition="hello-dev:1")

    result = run("rollback", "--env", "dev", "--to-revision", "1")

    assert result.code == 1
    assert "hello-dev:1 is deregistered (INACTIVE); ECS cannot deploy it" in result.err
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:2")


def test_rolled_back_rollback_says_so(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    _deploy(run, SHA_A)
    platform.scheduler.outcome = "circuit-breaker"

    result = run("rollback", "--env", "dev", "--to-revision", "1")

    assert result.code == 1
    assert result.err.endswith(
        "hello-dev:1 was rolled back by the deployment circuit breaker (ECS deployment circuit"
        " breaker: tasks failed to start.); hello-dev runs hello-dev:2 again;"
        " updated service hello-dev to hello-dev:1\n"
    )
