"""Settings read from environment variables, each with a safe default."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

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
