from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest

from hello.config import Settings, available_cpus


def test_settings_come_from_environment() -> None:
    settings = Settings.from_env(
        {"HELLO_VERSION": "9.9.9", "HELLO_REVISION": "abc", "HELLO_ENVIRONMENT": "dev"}
    )
    assert settings == Settings(version="9.9.9", revision="abc", environment="dev")


def test_settings_defaults_are_safe() -> None:
    settings = Settings.from_env({})
    assert settings.revision == "unknown"
    assert settings.environment == "local"
    assert settings.service == "hello"
    assert settings.version == version("hello")


def test_empty_values_fall_back_to_defaults() -> None:
    settings = Settings.from_env({"HELLO_REVISION": "", "HELLO_ENVIRONMENT": ""})
    assert settings.revision == "unknown"
    assert settings.environment == "local"


HOST_CPUS = len(os.sched_getaffinity(0))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("50000 100000", 1), ("100000 100000", 1), ("150000 100000", min(2, HOST_CPUS))],
)
def test_cpus_follow_a_cgroup_v2_quota(tmp_path: Path, cpu_max: str, expected: int) -> None:
    write(tmp_path / "cpu.max", cpu_max)
    assert available_cpus(tmp_path) == expected


def test_cpus_follow_a_cgroup_v1_quota(tmp_path: Path) -> None:
    write(tmp_path / "cpu" / "cpu.cfs_quota_us", "25000")
    write(tmp_path / "cpu" / "cpu.cfs_period_us", "100000")
    assert available_cpus(tmp_path) == 1


@pytest.mark.parametrize(
    "files",
    [
        {"cpu.max": "max 100000"},
        {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"},
        {"cpu.max": "garbage"},
        {},
    ],
)
def test_no_quota_means_every_cpu(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    assert available_cpus(tmp_path) == HOST_CPUS
