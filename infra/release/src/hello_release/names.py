"""The naming contract (docs/DESIGN.md): what each environment's AWS resources are called."""

from __future__ import annotations

import re

ENVIRONMENTS = ("dev", "prod")
REPOSITORY = "hello"
CONTAINER = "hello"
# The task definition tag that records which git SHA a revision runs.
REVISION_TAG = "revision"

_SHA = re.compile(r"[0-9a-f]{40}")


def resource(env: str) -> str:
    """Cluster, service, task family and ALB all share this name."""
    return f"hello-{env}"


def is_sha(value: str) -> bool:
    return _SHA.fullmatch(value) is not None


def short(task_definition_arn: str) -> str:
    """`arn:...:task-definition/hello-dev:7` -> `hello-dev:7`."""
    return task_definition_arn.rsplit("/", 1)[-1]
