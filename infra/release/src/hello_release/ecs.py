"""Reading and changing the ECS service and its task definition revisions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hello_release.errors import ReleaseError
from hello_release.names import CONTAINER, REVISION_TAG, resource, short

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_ecs.type_defs import DeploymentTypeDef, ServiceTypeDef, TaskDefinitionTypeDef


@dataclass(frozen=True)
class Revision:
    """One task definition revision with its tags."""

    definition: TaskDefinitionTypeDef
    tags: dict[str, str]

    @property
    def name(self) -> str:
        return short(self.definition.get("taskDefinitionArn", ""))

    @property
    def arn(self) -> str:
        return self.definition.get("taskDefinitionArn", "")

    @property
    def sha(self) -> str | None:
        return self.tags.get(REVISION_TAG)

    @property
    def image(self) -> str:
        for container in self.definition.get("containerDefinitions", []):
            if container.get("name") == CONTAINER:
                return container.get("image", "")
        raise ReleaseError(f"task definition {self.name} has no container named {CONTAINER}")

    @property
    def digest(self) -> str | None:
        """The image digest when the image is pinned as `repo@sha256:...`."""
        _, at, pinned = self.image.partition("@")
        return pinned if at else None


def service(ecs: ECSClient, env: str) -> ServiceTypeDef:
    name = resource(env)
    try:
        found = ecs.describe_services(cluster=name, services=[name])
    except ecs.exceptions.ClusterNotFoundException:
        raise ReleaseError(f"ECS cluster {name} not found") from None
    services = [s for s in found["services"] if s.get("status") == "ACTIVE"]
    if not services:
        raise ReleaseError(f"ECS service {name} not found in cluster {name}")
    return services[0]


def revision(ecs: ECSClient, task_definition: str) -> Revision:
    """A revision by ARN, `family:revision`, or family (its latest ACTIVE revision)."""
    try:
        found = ecs.describe_task_definition(taskDefinition=task_definition, include=["TAGS"])
    except ecs.exceptions.ClientException:
        raise ReleaseError(f"task definition {task_definition} not found") from None
    tags = {tag.get("key", ""): tag.get("value", "") for tag in found.get("tags", [])}
    return Revision(found["taskDefinition"], tags)


def revisions_newest_first(ecs: ECSClient, env: str) -> list[str]:
    """ARNs of the family's ACTIVE revisions, newest first."""
    family = resource(env)
    arns: list[str] = []
    for page in ecs.get_paginator("list_task_definitions").paginate(
        familyPrefix=family, status="ACTIVE"
    ):
        arns += [arn for arn in page["taskDefinitionArns"] if short(arn).split(":")[0] == family]
    return sorted(arns, key=lambda arn: int(arn.rsplit(":", 1)[1]), reverse=True)


def register_with_image(ecs: ECSClient, base: Revision, image: str, sha: str) -> Revision:
    """Registers a copy of `base` that differs only in the container image and the SHA tag."""
    # The fields register_task_definition accepts, from botocore's model of the API.
    shape = ecs.meta.service_model.operation_model("RegisterTaskDefinition").input_shape
    accepted = shape.members if shape else {}
    fields: dict[str, Any] = {k: v for k, v in base.definition.items() if k in accepted}
    fields["containerDefinitions"] = [
        {**container, "image": image} if container.get("name") == CONTAINER else container
        for container in base.definition.get("containerDefinitions", [])
    ]
    tags = {**base.tags, REVISION_TAG: sha}
    fields["tags"] = [{"key": key, "value": value} for key, value in tags.items()]
    registered = ecs.register_task_definition(**fields)
    return Revision(registered["taskDefinition"], tags)


def update(ecs: ECSClient, env: str, task_definition_arn: str) -> None:
    name = resource(env)
    ecs.update_service(cluster=name, service=name, taskDefinition=task_definition_arn)


def describe_deployment(deployment: DeploymentTypeDef) -> str:
    return (
        f"{short(deployment.get('taskDefinition', '?'))} {deployment.get('status', '?')} "
        f"{deployment.get('rolloutState', '-')} "
        f"{deployment.get('runningCount', 0)}/{deployment.get('desiredCount', 0)} running"
    )


def is_stable(svc: ServiceTypeDef) -> bool:
    """One deployment, rolled out, with every desired task running."""
    deployments = svc.get("deployments", [])
    if len(deployments) != 1:
        return False
    return (
        deployments[0].get("rolloutState", "COMPLETED") == "COMPLETED"
        and svc.get("runningCount") == svc.get("desiredCount")
        and deployments[0].get("taskDefinition") == svc.get("taskDefinition")
    )
