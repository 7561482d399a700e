"""publish: ECR login and push arguments, the digest reported, and the immutable-tag re-run.

The docker client is replaced by a recorder that, on push, stores the image in moto's ECR the
way the registry would; the real `docker push` to ECR runs in the deploy workflow.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest

from hello_release import publish
from hello_release.errors import ReleaseError

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused


def image_id(sha: str) -> str:
    """The config digest `Platform.push(sha)` stores: the local image ID of that build."""
    return "sha256:" + hashlib.sha256(sha.encode()).hexdigest()


class Docker:
    """The local engine holds one image, built from `built` (SHA_A unless told)."""

    def __init__(self, platform: Platform, fail: str | None = None, built: str = SHA_A) -> None:
        self.platform = platform
        self.fail = fail
        self.built = built
        self.calls: list[tuple[tuple[str, ...], str | None]] = []
        self.digest = ""

    def __call__(self, *args: str, stdin: str | None = None, capture: bool = False) -> str:
        self.calls.append((args, stdin))
        if args[0] == self.fail:
            raise ReleaseError(f"`docker {' '.join(args)}` failed (exit 1)")
        if args[0] == "push":
            self.digest = self.platform.push(self.built)
        return image_id(self.built) if args[:2] == ("image", "inspect") else ""


def test_logs_in_tags_pushes_and_reports_the_digest(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    docker = Docker(platform)
    monkeypatch.setattr(publish, "docker", docker)
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    assert result.code == 0, result.err
    registry = platform.repository_uri.split("/")[0]
    token = platform.ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    password = base64.b64decode(token).decode().split(":", 1)[1]
    target = f"{platform.repository_uri}:{SHA_A}"
    assert docker.calls == [
        (("image", "inspect", "--format", "{{.Id}}", "hello:local"), None),
        (("login", "--username", "AWS", "--password-stdin", f"https://{registry}"), password),
        (("tag", "hello:local", target), None),
        (("push", target), None),
    ]
    assert result.out.splitlines()[-1] == f"published {SHA_A} as {docker.digest}"
    assert outputs.read_text() == (
        f"sha={SHA_A}\ndigest={docker.digest}\nrepository={platform.repository_uri}\n"
    )


def test_an_archive_is_loaded_before_the_image_is_pushed(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    docker = Docker(platform)
    monkeypatch.setattr(publish, "docker", docker)

    archive = "build/image.tar"
    result = run("publish", "--archive", archive, "--image", "hello:local", "--sha", SHA_A)

    assert result.code == 0, result.err
    target = f"{platform.repository_uri}:{SHA_A}"
    commands = [args[:2] for args, _ in docker.calls]
    assert commands == [("image", "load"), ("image", "inspect"), ("login", "--username"),
                        ("tag", "hello:local"), ("push", target)]  # fmt: skip
    assert docker.calls[0] == (("image", "load", "--input", archive), None)


def test_an_archive_that_does_not_load_changes_nothing(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    docker = Docker(platform, fail="image")
    monkeypatch.setattr(publish, "docker", docker)

    result = run("publish", "--archive", "missing.tar", "--image", "hello:local", "--sha", SHA_A)

    assert_refused(result, "`docker image load --input missing.tar` failed (exit 1)")
    assert len(docker.calls) == 1
    assert platform.ecr.describe_images(repositoryName="hello")["imageDetails"] == []


def test_an_existing_tag_is_kept_not_pushed(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = platform.push(SHA_A)
    docker = Docker(platform)
    monkeypatch.setattr(publish, "docker", docker)

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    assert result.code == 0, result.err
    assert docker.calls == [(("image", "inspect", "--format", "{{.Id}}", "hello:local"), None)]
    assert f"hello:{SHA_A} is already in ECR as {digest}; not pushing" in result.out
    assert result.out.splitlines()[-1] == f"published {SHA_A} as {digest}"


def test_a_tag_holding_another_image_is_refused(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Someone pushed other content under the SHA tag before this build could.
    squatted = platform.push(SHA_A, content=SHA_B)
    docker = Docker(platform)
    monkeypatch.setattr(publish, "docker", docker)
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    assert_refused(
        result,
        f"refusing to publish: hello:{SHA_A} is already in ECR as"
        f" {squatted} holding another image (config {image_id(SHA_B)}) than hello:local"
        f" ({image_id(SHA_A)})",
    )
    assert [args[0] for args, _ in docker.calls] == ["image"]
    assert not outputs.exists()
    assert [
        i["imageDigest"]
        for i in platform.ecr.describe_images(repositoryName="hello")["imageDetails"]
    ] == [squatted]


def test_a_manifest_list_under_the_tag_is_refused(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.ecr.put_image(
        repositoryName="hello",
        imageTag=SHA_A,
        imageManifest='{"schemaVersion": 2, "manifests": []}',
        imageManifestMediaType="application/vnd.oci.image.index.v1+json",
    )
    monkeypatch.setattr(publish, "docker", Docker(platform))

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    assert result.code == 1
    assert "holding another image (config none (a manifest list))" in result.err


def test_a_failed_push_says_what_was_done(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(publish, "docker", Docker(platform, fail="push"))

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    target = f"{platform.repository_uri}:{SHA_A}"
    assert result.code == 1
    assert result.err == (
        f"hello-release publish: `docker push {target}` failed (exit 1);"
        f" tagged hello:local as {target} locally but did not push {target}\n"
    )


def _path_with_docker(tmp_path: Path, script: str | None) -> str:
    if script is not None:
        docker = tmp_path / "docker"
        docker.write_text(f"#!/bin/sh\n{script}\n")
        docker.chmod(docker.stat().st_mode | stat.S_IEXEC)
    return str(tmp_path)


def test_missing_local_image(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", _path_with_docker(tmp_path, 'echo "No such image: $5" >&2; exit 1'))

    result = run("publish", "--image", "hello:nope", "--sha", SHA_A)

    assert result.code == 1
    assert result.err.endswith(
        "hello-release publish: `docker image inspect --format {{.Id}} hello:nope` failed"
        " (exit 1); nothing was changed\n"
    )


def test_docker_not_installed(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", _path_with_docker(tmp_path, None))
    assert os.environ["PATH"] == str(tmp_path)

    result = run("publish", "--image", "hello:local", "--sha", SHA_A)

    assert_refused(result, "the docker command is not installed")
