"""The image registries: the build repository, where a SHA tag names the image the build
pushed, and the repository of an environment that runs only from its own (prod), which a
release fills by digest, untagged."""

from __future__ import annotations

import json
import urllib.request
from typing import TYPE_CHECKING, Any

from hello_release.errors import ReleaseError
from hello_release.names import REPOSITORY

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient
    from mypy_boto3_ecr.type_defs import ImageDetailTypeDef, ImageIdentifierTypeDef

# What a single-platform image's manifest can be; a manifest list names other manifests,
# which a copy would have to follow (the build pushes one amd64 image).
SINGLE_PLATFORM = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
)
# Seconds a blob download may stall before the copy gives up.
DOWNLOAD_TIMEOUT = 60


def _registry(registry_id: str | None) -> dict[str, Any]:
    return {"registryId": registry_id} if registry_id else {}


def _where(registry_id: str | None) -> str:
    return f"registry {registry_id}" if registry_id else "this account's registry"


def _no_repository(repository: str, registry_id: str | None) -> ReleaseError:
    return ReleaseError(f"ECR repository {repository} not found in {_where(registry_id)}")


def repository_uri(ecr: ECRClient, registry_id: str | None, repository: str = REPOSITORY) -> str:
    try:
        found = ecr.describe_repositories(repositoryNames=[repository], **_registry(registry_id))
    except ecr.exceptions.RepositoryNotFoundException:
        raise _no_repository(repository, registry_id) from None
    return found["repositories"][0]["repositoryUri"]


def _image(
    ecr: ECRClient, repository: str, image_id: ImageIdentifierTypeDef, registry_id: str | None
) -> ImageDetailTypeDef | None:
    """What `repository` holds under `image_id` (a tag or a digest), or None: nothing."""
    try:
        found = ecr.describe_images(
            repositoryName=repository, imageIds=[image_id], **_registry(registry_id)
        )
    except ecr.exceptions.ImageNotFoundException:
        return None
    except ecr.exceptions.RepositoryNotFoundException:
        raise _no_repository(repository, registry_id) from None
    return found["imageDetails"][0]


def find_digest(ecr: ECRClient, sha: str, registry_id: str | None) -> str | None:
    """The digest the build repository's tag `sha` names, or None when there is no such tag."""
    image = _image(ecr, REPOSITORY, {"imageTag": sha}, registry_id)
    return image["imageDigest"] if image else None


def digest(ecr: ECRClient, sha: str, registry_id: str | None) -> str:
    found = find_digest(ecr, sha, registry_id)
    if found is None:
        raise ReleaseError(
            f"no image {REPOSITORY}:{sha} in {_where(registry_id)} (publish it first)"
        )
    return found


def has_image(ecr: ECRClient, repository: str, digest: str) -> bool:
    """Whether this account's `repository` holds the image `digest`."""
    return _image(ecr, repository, {"imageDigest": digest}, None) is not None


def manifest(ecr: ECRClient, digest: str, registry_id: str | None) -> tuple[str, str]:
    """The manifest the build repository stores under `digest`, and its media type."""
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


def copy_image(ecr: ECRClient, digest: str, registry_id: str | None, repository: str) -> bool:
    """Copies the image `digest` from the build repository (in `registry_id`) into this
    account's `repository`, by digest and with no tag; False when it is there already.

    The blobs the target lacks are read through their download URLs and uploaded with the
    layer API; PutImage of the very manifest text keeps the digest.
    """
    if has_image(ecr, repository, digest):
        return False
    text, media_type = manifest(ecr, digest, registry_id)
    if media_type not in SINGLE_PLATFORM:
        raise ReleaseError(
            f"{REPOSITORY}@{digest} is a {media_type or 'manifest of no media type'}, not a"
            " single-platform image: only those are copied"
        )
    parsed = json.loads(text)
    blobs = [parsed["config"]["digest"], *(layer["digest"] for layer in parsed["layers"])]
    present = ecr.batch_check_layer_availability(repositoryName=repository, layerDigests=blobs)
    available = {
        layer.get("layerDigest")
        for layer in present.get("layers", [])
        if layer.get("layerAvailability") == "AVAILABLE"
    }
    for blob in dict.fromkeys(b for b in blobs if b not in available):
        _copy_blob(ecr, blob, registry_id, repository)
    put = ecr.put_image(
        repositoryName=repository,
        imageManifest=text,
        imageManifestMediaType=media_type,
        imageDigest=digest,
    )
    stored = put["image"].get("imageId", {}).get("imageDigest")
    if stored != digest:
        raise ReleaseError(f"ECR stored {REPOSITORY}@{digest} in {repository} as {stored}")
    return True


def _copy_blob(ecr: ECRClient, blob: str, registry_id: str | None, repository: str) -> None:
    url = ecr.get_download_url_for_layer(
        repositoryName=REPOSITORY, layerDigest=blob, **_registry(registry_id)
    )["downloadUrl"]
    upload = ecr.initiate_layer_upload(repositoryName=repository)
    upload_id, part_size = upload["uploadId"], upload["partSize"]
    sent = 0
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as download:  # noqa: S310 (ECR's URL)
        while part := download.read(part_size):
            ecr.upload_layer_part(
                repositoryName=repository,
                uploadId=upload_id,
                partFirstByte=sent,
                partLastByte=sent + len(part) - 1,
                layerPartBlob=part,
            )
            sent += len(part)
    done = ecr.complete_layer_upload(
        repositoryName=repository, uploadId=upload_id, layerDigests=[blob]
    )
    if done.get("layerDigest") != blob:
        raise ReleaseError(
            f"the blob {blob} of {REPOSITORY} arrived in {repository} as {done.get('layerDigest')}"
        )
