"""Pushes a locally built image to ECR under its SHA tag and reports the registry's digest."""

from __future__ import annotations

import base64
import subprocess
from typing import TYPE_CHECKING

from hello_release import ecr
from hello_release.errors import Changes, ReleaseError
from hello_release.names import REPOSITORY

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def docker(*args: str, stdin: str | None = None, capture: bool = False) -> str:
    """Runs the docker client, its output shown as it goes unless `capture`d and returned;
    a non-zero exit is an error."""
    try:
        result = subprocess.run(
            ["docker", *args],
            input=stdin,
            text=True,
            check=False,
            stdout=subprocess.PIPE if capture else None,
        )
    except FileNotFoundError:
        raise ReleaseError("the docker command is not installed") from None
    if result.returncode != 0:
        raise ReleaseError(f"`docker {' '.join(args)}` failed (exit {result.returncode})")
    return (result.stdout or "").strip()


def publish(
    client: ECRClient,
    image: str,
    sha: str,
    registry_id: str | None,
    changes: Changes,
    archive: str | None = None,
) -> str:
    """Returns the digest ECR holds for `hello:<sha>`, pushing `image` unless the tag exists;
    `image` is first loaded from `archive` (`docker image save` output) when one is given.

    An existing tag is accepted only when it holds this very image (its manifest's config
    digest is the local image ID): whoever pushed the tag first must not choose what runs.
    """
    if archive is not None:
        docker("image", "load", "--input", archive)
    local_id = docker("image", "inspect", "--format", "{{.Id}}", image, capture=True)
    existing = ecr.find_digest(client, sha, registry_id)
    if existing:
        pushed = ecr.config_digest(client, existing, registry_id)
        if pushed != local_id:
            raise ReleaseError(
                f"refusing to publish: {REPOSITORY}:{sha} is already in ECR as {existing}"
                f" holding another image (config {pushed}) than {image} ({local_id})"
            )
        # Tags are immutable: a re-run of the same build finds its own image there.
        print(f"{REPOSITORY}:{sha} is already in ECR as {existing}; not pushing", flush=True)
        return existing
    uri = ecr.repository_uri(client, registry_id)
    token = client.get_authorization_token(
        **({"registryIds": [registry_id]} if registry_id else {})
    )
    auth = token["authorizationData"][0]
    user, _, password = base64.b64decode(auth["authorizationToken"]).decode().partition(":")
    docker("login", "--username", user, "--password-stdin", auth["proxyEndpoint"], stdin=password)
    target = f"{uri}:{sha}"
    docker("tag", image, target)
    changes.record(f"tagged {image} as {target} locally", pending=f"did not push {target}")
    docker("push", target)
    changes.record(f"pushed {target}")
    return ecr.digest(client, sha, registry_id)
