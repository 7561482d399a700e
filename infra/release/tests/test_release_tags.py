"""After a stable rollout the digest is tagged `<env>-<sha>` in ECR (what retention keeps)."""

from __future__ import annotations

from .conftest import SHA_A, SHA_B, Platform, Run


def _tags(platform: Platform, digest: str) -> list[str]:
    found = platform.ecr.describe_images(repositoryName="hello", imageIds=[{"imageDigest": digest}])
    return sorted(found["imageDetails"][0]["imageTags"])


def _deploy(run: Run, sha: str) -> str:
    result = run.deploy("dev", sha)
    assert result.code == 0, result.err
    return result.out


def test_deploy_and_promote_tag_the_digest(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)

    out = _deploy(run, SHA_A)

    assert f"tagged {digest} as hello:dev-{SHA_A}" in out
    assert _tags(platform, digest) == [SHA_A, f"dev-{SHA_A}"]
    platform.scheduler.advance(minutes=10)
    result = run("promote", "--sha", SHA_A, "--digest", digest)
    assert result.code == 0, result.err
    assert _tags(platform, digest) == [SHA_A, f"dev-{SHA_A}", f"prod-{SHA_A}"]


def test_a_redeploy_finds_the_tag_in_place(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    _deploy(run, SHA_A)

    out = _deploy(run, SHA_A)

    assert f"hello:dev-{SHA_A} already points at {digest}" in out
    assert _tags(platform, digest) == [SHA_A, f"dev-{SHA_A}"]


def test_rollback_tags_its_target(platform: Platform, run: Run) -> None:
    digest_a, digest_b = platform.push(SHA_A), platform.push(SHA_B)
    _deploy(run, SHA_A)
    _deploy(run, SHA_B)
    platform.ecr.batch_delete_image(repositoryName="hello", imageIds=[{"imageTag": f"dev-{SHA_A}"}])

    result = run("rollback", "--env", "dev", "--to-sha", SHA_A)

    assert result.code == 0, result.err
    assert _tags(platform, digest_a) == [SHA_A, f"dev-{SHA_A}"]
    assert _tags(platform, digest_b) == [SHA_B, f"dev-{SHA_B}"]


def test_rollback_to_an_unpinned_revision_tags_nothing(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    _deploy(run, SHA_A)

    result = run("rollback", "--env", "dev", "--to-revision", "1")

    assert result.code == 0, result.err
    assert "not tagging in ECR: hello-dev:1 has no SHA tag or no pinned digest" in result.out
    assert _tags(platform, digest) == [SHA_A, f"dev-{SHA_A}"]


def test_a_failed_rollout_is_not_tagged(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    platform.scheduler.outcome = "circuit-breaker"

    assert run("deploy", "--env", "dev", "--sha", SHA_A, "--digest", digest).code == 1

    assert _tags(platform, digest) == [SHA_A]


def test_an_env_tag_on_another_image_is_reported(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    other = platform.push(f"dev-{SHA_A}", content=SHA_B)

    result = run("deploy", "--env", "dev", "--sha", SHA_A, "--digest", digest)

    assert result.code == 1
    assert result.err.endswith(
        f"hello:dev-{SHA_A} already holds {other}, not {digest};"
        " registered hello-dev:2, updated service hello-dev to hello-dev:2\n"
    )
