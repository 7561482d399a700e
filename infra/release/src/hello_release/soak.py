"""How long dev has run a release: prod takes only what soaked in dev with its alarms OK."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hello_release.errors import ReleaseError

if TYPE_CHECKING:
    from mypy_boto3_ecs.type_defs import ServiceTypeDef

# The one place the soak time lives: how long dev must have run a digest before prod gets it.
SOAK_MINUTES = 10


def now() -> datetime:
    return datetime.now(UTC)


def completed_at(svc: ServiceTypeDef) -> datetime:
    """When the service's one (stable) deployment completed: its last update."""
    deployments = svc.get("deployments", [])
    if not deployments or "updatedAt" not in deployments[0]:
        raise ReleaseError(f"{svc.get('serviceName')} reports no deployment time")
    return deployments[0]["updatedAt"]


def minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"
