"""Settings read from environment variables, each with a safe default."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

SERVICE_NAME = "hello"
UNKNOWN = "unknown"


def _installed_version() -> str:
    try:
        return package_version(SERVICE_NAME)
    except PackageNotFoundError:
        return UNKNOWN


@dataclass(frozen=True)
class Settings:
    """What the service reports about itself on /version."""

    service: str = SERVICE_NAME
    version: str = UNKNOWN
    revision: str = UNKNOWN
    environment: str = "local"

    @classmethod
    def from_env(cls, environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            version=env.get("HELLO_VERSION") or _installed_version(),
            revision=env.get("HELLO_REVISION") or UNKNOWN,
            environment=env.get("HELLO_ENVIRONMENT") or "local",
        )


def available_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """CPUs this process may really use: the cgroup's CPU quota when it sets one.

    On Fargate and under `docker run --cpus`, the kernel still shows every host CPU,
    so sizing workers by CPU count alone would oversubscribe a fractional-vCPU task.
    """
    cpus = len(os.sched_getaffinity(0))
    quota = _cgroup_cpu_quota(cgroup)
    return cpus if quota is None else max(1, min(cpus, math.ceil(quota)))


def _cgroup_cpu_quota(cgroup: Path) -> float | None:
    try:
        if (cgroup / "cpu.max").exists():  # cgroup v2: "<quota> <period>" or "max <period>"
            quota, period = (cgroup / "cpu.max").read_text().split()
            return None if quota == "max" else int(quota) / int(period)
        v1 = cgroup / "cpu"  # cgroup v1: a quota of -1 means none
        quota_us = int((v1 / "cpu.cfs_quota_us").read_text())
        period_us = int((v1 / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return None if quota_us <= 0 or period_us <= 0 else quota_us / period_us
