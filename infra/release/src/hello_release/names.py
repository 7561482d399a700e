"""What each environment's AWS resources are called.

The release tool is a package of its own, so it keeps its own copy of these facts; their
home is infra/live (the environments are its folders with an env.hcl, the names are
`resource_names` in common.hcl) and ci-roles-policies (the keys of the lock and of the
last applied commit, which only the environment's roles may write), and
infra/tests/test_release_names.py fails when they disagree.
"""

from __future__ import annotations

ENVIRONMENTS = ("dev", "prod")
SERVICE = "hello"
# The build repository: the build pushes each image there under its SHA tag; dev runs from it.
REPOSITORY = SERVICE
CONTAINER = SERVICE
# The task definition tag that records which git SHA a revision runs.
REVISION_TAG = "revision"
# The environment that runs only images whose build provenance was verified (by `nox -s
# attest-verify` in the workflows, before promote and rollback), from a repository of its
# own that only its releases fill (by digest, at promote), so nothing dev can write decides
# what it runs or keeps; rollback goes only to revisions a release registered.
PROVENANCE_CHECKED = "prod"


def lock_key(env: str) -> str:
    """The environment lock's object in the environment's state bucket (hello_release/lock.py):
    outside every unit's state, whose keys are `<env>/<unit>/...`."""
    return f"locks/{env}.lock"


def applied_key(env: str) -> str:
    """The record of the last commit applied to the environment (hello_release/applied.py),
    next to its lock."""
    return f"locks/{env}.applied"


def resource(env: str) -> str:
    """Cluster, service, task family and ALB all share this name."""
    return f"{SERVICE}-{env}"


def repository(env: str) -> str:
    """The ECR repository `env`'s tasks pull from: its own, or else the build repository."""
    return resource(env) if env == PROVENANCE_CHECKED else REPOSITORY


def short(task_definition_arn: str) -> str:
    """`arn:...:task-definition/hello-dev:7` -> `hello-dev:7`."""
    return task_definition_arn.rsplit("/", 1)[-1]
