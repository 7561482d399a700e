"""The image registry: which digest a SHA tag points at, and where the repository lives."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hello_release.errors import ReleaseError
from hello_release.names import REPOSITORY

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def _registry(registry_id: str | None) -> dict[str, Any]:
    return {"registryId": registry_id} if registry_id else {}


def _where(registry_id: str | None) -> str:
    return f"registry {registry_id}" if registry_id else "this account's registry"


def repository_uri(ecr: ECRClient, registry_id: str | None) -> str:
    found = ecr.describe_repositories(repositoryNames=[REPOSITORY], **_registry(registry_id))
    return found["repositories"][0]["repositoryUri"]


def find_digest(ecr: ECRClient, sha: str, registry_id: str | None) -> str | None:
    """The digest tagged `sha`, or None when there is no such tag."""
    try:
        found = ecr.describe_images(
            repositoryName=REPOSITORY, imageIds=[{"imageTag": sha}], **_registry(registry_id)
        )
    except ecr.exceptions.ImageNotFoundException:
        return None
    except ecr.exceptions.RepositoryNotFoundException:
        raise ReleaseError(
            f"ECR repository {REPOSITORY} not found in {_where(registry_id)}"
        ) from None
    return found["imageDetails"][0]["imageDigest"]


def digest(ecr: ECRClient, sha: str, registry_id: str | None) -> str:
    found = find_digest(ecr, sha, registry_id)
    if found is None:
        raise ReleaseError(
            f"no image {REPOSITORY}:{sha} in {_where(registry_id)} (publish it first)"
        )
    return found


def manifest(ecr: ECRClient, digest: str, registry_id: str | None) -> tuple[str, str]:
    """The manifest stored under `digest` and its media type."""
    found = ecr.batch_get_image(
        repositoryName=REPOSITORY, imageIds=[{"imageDigest": digest}], **_registry(registry_id)
    )["images"]
    if not found:
        raise ReleaseError(f"no image {REPOSITORY}@{digest} in {_where(registry_id)}")
    image = found[0]
    text = image.get("imageManifest", "{}")
    return text, image.get("imageManifestMediaType") or json.loads(text).get("mediaType", "")


def config_digest(ecr: ECRClient, digest: str, registry_id: str | None) -> str:
    """The image config digest of a single-platform manifest (what `docker image inspect`
    calls the image ID); a manifest list has none and never matches a local image."""
    text, _ = manifest(ecr, digest, registry_id)
    config = json.loads(text).get("config", {})
    return str(config.get("digest", "none (a manifest list)"))


def add_tag(ecr: ECRClient, digest: str, tag: str, registry_id: str | None) -> bool:
    """Tags the image `digest` also as `tag` (PutImage of its own manifest); False when the tag
    already points there. A tag on another image is an error: tags are immutable."""
    existing = find_digest(ecr, tag, registry_id)
    if existing == digest:
        return False
    if existing is not None:
        raise ReleaseError(f"{REPOSITORY}:{tag} already holds {existing}, not {digest}")
    text, media_type = manifest(ecr, digest, registry_id)
    ecr.put_image(
        repositoryName=REPOSITORY,
        imageManifest=text,
        imageManifestMediaType=media_type,
        imageTag=tag,
        imageDigest=digest,
        **_registry(registry_id),
    )
    return True
