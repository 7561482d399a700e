"""rollback: back to a revision by number or by the SHA it was tagged with; in prod only to
a revision a release registered (pinned by digest, tagged with its SHA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused, digest_of


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


# --- prod: only to what a release registered -------------------------------------------


def _promote(platform: Platform, run: Run, *shas: str) -> None:
    """Releases each SHA to prod the way the pipeline does: dev first, then promote."""
    for sha in shas:
        platform.push(sha)
        assert run.deploy("dev", sha).code == 0
        platform.scheduler.advance(minutes=10)
        assert run.promote(sha).code == 0


def _register(platform: Platform, env: str, image: str, tags: dict[str, str]) -> str:
    """A revision registered by hand (what Terraform or anyone with the deploy role can do):
    a copy of the latest one with another image and tags; returns `hello-<env>:<n>`."""
    latest, _ = platform.revision(f"hello-{env}")
    registered = platform.ecs.register_task_definition(
        family=latest["family"],
        requiresCompatibilities=latest["requiresCompatibilities"],
        networkMode=latest["networkMode"],
        cpu=latest["cpu"],
        memory=latest["memory"],
        executionRoleArn=latest["executionRoleArn"],
        containerDefinitions=[{**latest["containerDefinitions"][0], "image": image}],
        tags=[{"key": key, "value": value} for key, value in tags.items()],
    )["taskDefinition"]
    return str(registered["taskDefinitionArn"].rsplit("/", 1)[1])


def test_prod_rolls_back_to_a_released_revision(platform: Platform, run: Run) -> None:
    _promote(platform, run, SHA_A, SHA_B)

    result = run("rollback", "--env", "prod", "--to-sha", SHA_A)

    assert result.code == 0, result.err
    assert platform.service("prod")["taskDefinition"].endswith("hello-prod:2")
    assert f"rolled hello-prod back to hello-prod:2 ({SHA_A})" in result.out


def test_prod_refuses_the_revision_terraform_registered(platform: Platform, run: Run) -> None:
    # hello-prod:1 runs `initial_image`, a tag of an image no build attested.
    _promote(platform, run, SHA_A)

    result = run("rollback", "--env", "prod", "--to-revision", "1")

    assert_refused(
        result,
        "refusing to roll prod back to hello-prod:1: it has no revision=<40-character SHA> tag,"
        " so no release registered it; roll back to a revision a deploy or promote registered",
    )
    assert platform.service("prod")["taskDefinition"].endswith("hello-prod:2")


@pytest.mark.parametrize(
    ("image", "tags", "reason"),
    [
        # Pinned by digest, but no release tagged it (Terraform's initial_image by digest).
        ("{uri}@{digest}", {"managed-by": "terraform"}, "it has no revision=<40-character SHA>"),
        ("{uri}@{digest}", {"revision": "latest"}, "it has no revision=<40-character SHA>"),
        # Tagged like a release, but by a tag of the image: not what provenance checks.
        ("{uri}:{sha}", {"revision": SHA_A}, "its image {uri}:{sha} is not pinned by digest in"),
        # The same digest from another registry, or from the build repository dev can expire.
        (
            "registry.example/hello@{digest}",
            {"revision": SHA_A},
            "its image registry.example/hello@{digest} is not pinned by digest in {uri}",
        ),
        (
            "{build}@{digest}",
            {"revision": SHA_A},
            "its image {build}@{digest} is not pinned by digest in {uri}",
        ),
    ],
    ids=[
        "digest-without-tag",
        "tag-not-a-sha",
        "image-by-tag",
        "other-registry",
        "build-repository",
    ],
)
def test_prod_refuses_a_revision_no_release_registered(
    platform: Platform, run: Run, image: str, tags: dict[str, str], reason: str
) -> None:
    _promote(platform, run, SHA_A)
    values = {
        "uri": platform.prod_repository_uri,
        "build": platform.repository_uri,
        "digest": digest_of(SHA_A),
        "sha": SHA_A,
    }
    made = _register(platform, "prod", image.format(**values), tags)
    _promote(platform, run, SHA_B)
    running = platform.service("prod")["taskDefinition"]

    for command in ("rollback", "rollback-target"):
        result = run(command, "--env", "prod", "--to-revision", made.split(":")[1])

        assert result.code == 1, result.out
        assert reason.format(**values) in result.err
        assert result.err.endswith("; nothing was changed\n")
        assert platform.service("prod")["taskDefinition"] == running


def test_prod_refuses_a_release_its_repository_no_longer_holds(
    platform: Platform, run: Run
) -> None:
    _promote(platform, run, SHA_A, SHA_B)
    # What prod's lifecycle policy does to its oldest releases.
    platform.ecr.batch_delete_image(
        repositoryName="hello-prod", imageIds=[{"imageDigest": digest_of(SHA_A)}]
    )

    for command in ("rollback", "rollback-target"):
        result = run(command, "--env", "prod", "--to-sha", SHA_A)

        assert_refused(
            result,
            f"refusing to roll prod back to hello-prod:2: hello-prod no longer holds"
            f" {digest_of(SHA_A)} (its lifecycle policy keeps the newest releases only)",
        )
    assert platform.service("prod")["taskDefinition"].endswith("hello-prod:3")


def test_dev_rolls_back_to_any_active_revision(platform: Platform, run: Run) -> None:
    # Dev runs no provenance check: Terraform's revision and hand-made ones stay reachable.
    platform.push(SHA_A)
    _deploy(run, SHA_A)
    made = _register(platform, "dev", f"{platform.repository_uri}:{SHA_A}", {})

    for revision in ("1", made.split(":")[1]):
        result = run("rollback", "--env", "dev", "--to-revision", revision)

        assert result.code == 0, result.err
        assert platform.service("dev")["taskDefinition"].endswith(f"hello-dev:{revision}")


def test_rollback_target_names_the_revision_and_changes_nothing(
    platform: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _promote(platform, run, SHA_A, SHA_B)
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run("rollback-target", "--env", "prod", "--to-sha", SHA_A)

    assert result.code == 0, result.err
    digest = digest_of(SHA_A)
    assert result.out == f"hello-prod:2 runs {SHA_A} ({digest})\n"
    assert outputs.read_text() == (
        f"revision=2\nsha={SHA_A}\ndigest={digest}\nrepository={platform.prod_repository_uri}\n"
        "task_definition=hello-prod:2\n"
    )
    assert platform.service("prod")["taskDefinition"].endswith("hello-prod:3")


def test_rollback_target_in_dev_names_an_unpinned_revision(
    platform: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run("rollback-target", "--env", "dev", "--to-revision", "1")

    assert result.code == 0, result.err
    assert result.out == (
        f"hello-dev:1 runs no tagged SHA (not pinned: {platform.repository_uri}:bootstrap)\n"
    )
    assert (
        outputs.read_text()
        == "revision=1\nsha=\ndigest=\nrepository=\ntask_definition=hello-dev:1\n"
    )
