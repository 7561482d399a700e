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


def docker(*args: str, stdin: str | None = None) -> None:
    """Runs the docker client, its output shown as it goes; a non-zero exit is an error."""
    try:
        result = subprocess.run(["docker", *args], input=stdin, text=True, check=False)
    except FileNotFoundError:
        raise ReleaseError("the docker command is not installed") from None
    if result.returncode != 0:
        raise ReleaseError(f"`docker {' '.join(args)}` failed (exit {result.returncode})")


def publish(
    client: ECRClient, image: str, sha: str, registry_id: str | None, changes: Changes
) -> str:
    """Returns the digest ECR holds for `hello:<sha>`, pushing `image` unless the tag exists."""
    existing = ecr.find_digest(client, sha, registry_id)
    if existing:
        # Tags are immutable: a re-run of the same commit keeps the image built first.
        print(f"{REPOSITORY}:{sha} is already in ECR as {existing}; not pushing", flush=True)
        return existing
    uri = ecr.repository_uri(client, registry_id)
    docker("image", "inspect", "--format", "{{.Id}}", image)
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
