"""Prod runs from a repository of its own, which only its releases fill: by digest, with no
tag, copied from the build repository at promote. No release writes an image tag anywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from .conftest import SHA_A, SHA_B, Platform, Run, assert_refused, digest_of, upload_blob


def _build_tags(platform: Platform) -> list[str]:
    images = platform.ecr.describe_images(repositoryName="hello")["imageDetails"]
    return sorted(tag for image in images for tag in image.get("imageTags", []))


def _to_prod(platform: Platform, run: Run, sha: str) -> str:
    platform.push(sha)
    assert run.deploy("dev", sha).code == 0
    platform.scheduler.advance(minutes=10)
    result = run.promote(sha)
    assert result.code == 0, result.err
    return result.out


def test_promote_copies_the_image_into_prod_by_digest_untagged(
    platform: Platform, run: Run
) -> None:
    out = _to_prod(platform, run, SHA_A)

    digest = digest_of(SHA_A)
    assert f"copied hello@{digest} into hello-prod" in out
    # The very manifest, so the very digest, and no tag in either repository.
    assert platform.prod_images() == {digest: platform.manifests[digest]}
    assert platform.prod_tags() == []
    assert _build_tags(platform) == [SHA_A]
    prod, _ = platform.revision("hello-prod:2")
    assert prod["containerDefinitions"][0]["image"] == f"{platform.prod_repository_uri}@{digest}"


def test_dev_runs_from_the_build_repository_and_tags_nothing(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)

    assert run.deploy("dev", SHA_A).code == 0

    dev, _ = platform.revision("hello-dev:2")
    assert (
        dev["containerDefinitions"][0]["image"] == f"{platform.repository_uri}@{digest_of(SHA_A)}"
    )
    assert _build_tags(platform) == [SHA_A]
    assert platform.prod_images() == {}


def test_a_digest_prod_holds_is_not_copied_again(platform: Platform, run: Run) -> None:
    _to_prod(platform, run, SHA_A)
    platform.downloads.served.clear()

    result = run("copy-image", "--env", "prod", "--sha", SHA_A, "--digest", digest_of(SHA_A))

    assert result.code == 0, result.err
    assert f"hello-prod holds {digest_of(SHA_A)} already" in result.out
    assert platform.downloads.served == []


def test_only_the_blobs_prod_lacks_are_downloaded(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    layer = json.loads(platform.manifests[digest])["layers"][0]["digest"]
    upload_blob(platform.ecr, "hello-prod", SHA_A.encode())

    result = run("copy-image", "--env", "prod", "--sha", SHA_A, "--digest", digest)

    assert result.code == 0, result.err
    assert layer not in platform.downloads.served
    assert list(platform.prod_images()) == [digest]


def test_a_blob_larger_than_a_part_arrives_whole(
    platform: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto asks for 10 MiB parts: this blob takes two.
    big = bytes(range(256)) * (10 * 4096 + 1)
    digest = platform.push_blobs(SHA_A, [big])
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run("copy-image", "--env", "prod", "--sha", SHA_A, "--digest", digest)

    assert result.code == 0, result.err
    layer = "sha256:" + hashlib.sha256(big).hexdigest()
    found = platform.ecr.batch_check_layer_availability(
        repositoryName="hello-prod", layerDigests=[layer]
    )["layers"]
    assert [(f["layerDigest"], f["layerSize"]) for f in found] == [(layer, len(big))]
    image = f"{platform.prod_repository_uri}@{digest}"
    assert outputs.read_text() == f"sha={SHA_A}\ndigest={digest}\nimage={image}\n"


def test_a_blob_that_arrives_changed_is_refused(platform: Platform, run: Run) -> None:
    digest = platform.push(SHA_A)
    layer = json.loads(platform.manifests[digest])["layers"][0]["digest"]
    platform.downloads.blobs[layer] = b"not the blob the manifest names"

    result = run("copy-image", "--env", "prod", "--sha", SHA_A, "--digest", digest)

    assert result.code == 1
    assert f"the blob {layer} of hello arrived in hello-prod as sha256:" in result.err
    assert platform.prod_images() == {}


def test_a_manifest_list_is_refused(platform: Platform, run: Run) -> None:
    index = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [],
    }
    pushed = platform.ecr.put_image(
        repositoryName="hello", imageManifest=json.dumps(index), imageTag=SHA_A
    )
    digest = pushed["image"]["imageId"]["imageDigest"]

    result = run("copy-image", "--env", "prod", "--sha", SHA_A, "--digest", digest)

    assert_refused(
        result,
        f"hello@{digest} is a application/vnd.oci.image.index.v1+json, not a single-platform"
        " image: only those are copied",
    )
    assert platform.prod_images() == {}


def test_copy_image_refuses_a_digest_the_tag_does_not_name(platform: Platform, run: Run) -> None:
    digest_a = platform.push(SHA_A)
    platform.push(SHA_B)

    result = run("copy-image", "--env", "prod", "--sha", SHA_B, "--digest", digest_a)

    assert_refused(
        result,
        f"refusing to copy-image {SHA_B}: ECR resolves hello:{SHA_B} to {digest_of(SHA_B)},"
        f" not to the built {digest_a}",
    )
    assert platform.prod_images() == {}


def test_copy_image_has_no_target_in_dev(platform: Platform, run: Run) -> None:
    result = run("copy-image", "--env", "dev", "--sha", SHA_A, "--digest", digest_of(SHA_A))

    assert result.code == 2
    assert "invalid choice: 'dev'" in result.err
