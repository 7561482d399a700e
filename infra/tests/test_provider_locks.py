"""Every unit commits a lock file pinning each provider its assembled configuration requires
(read by the real `tofu providers`), all units at one version with one set of checksums."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tools.go_tools import built
from tools.project import ENVIRONMENTS
from tools.provider_locks import LOCK_FILE, assemble, problems, read, required
from tools.rendered import LIVE, load, units

AWS = "registry.opentofu.org/hashicorp/aws"
GITHUB = "registry.opentofu.org/integrations/github"
Units = dict[str, tuple[Path, dict[str, str]]]


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Units:
    """Each unit's committed lock file and what its assembled configuration requires."""
    tofu, work = built("opentofu"), tmp_path_factory.mktemp("assembled")
    found: Units = {}
    for env in ENVIRONMENTS:
        for unit in units(env):
            directory = LIVE / env / unit
            copy = assemble(load(env, unit), directory, work / env / unit, lock=False)
            found[f"{env}/{unit}"] = (directory / LOCK_FILE, required(tofu, copy))
    return found


def test_every_unit_locks_what_it_requires_at_the_pinned_version(locked: Units) -> None:
    assert problems(locked) == []


def test_requirements_come_from_the_assembled_unit(locked: Units) -> None:
    # The module's own requirement, and aws from the provider block root.hcl generates
    # (github-repo's module requires only github).
    assert set(locked["dev/alb"][1]) == {AWS}
    assert locked["prod/github-repo"][1] == {GITHUB: ">= 6.0.0, < 7.0.0", AWS: ""}


def test_the_locks_hold_checksums_for_every_supported_platform(locked: Units) -> None:
    # A full lock lists the zip checksum (zh:) of every platform the provider ships and
    # the unpacked-package checksum (h1:) of each platform it was locked for.
    for lock, _ in locked.values():
        for address, entry in read(lock).items():
            kinds = [hash_.split(":")[0] for hash_ in entry.hashes]
            assert kinds.count("zh") >= 3, (lock, address)
            assert list(entry.hashes) == sorted(entry.hashes), (lock, address)


def copy_of(locked: Units, tmp_path: Path, unit: str) -> tuple[Units, Path]:
    """The units with `unit`'s lock replaced by a copy under tmp_path, to break it."""
    lock, requirements = locked[unit]
    copy = tmp_path / LOCK_FILE
    shutil.copy(lock, copy)
    return {**locked, unit: (copy, requirements)}, copy


def test_a_missing_lock_fails(locked: Units, tmp_path: Path) -> None:
    broken, copy = copy_of(locked, tmp_path, "dev/alb")
    copy.unlink()
    assert problems(broken) == [f"dev/alb: no {LOCK_FILE}, so init would pick any provider release"]


def test_a_lock_at_another_version_fails(locked: Units, tmp_path: Path) -> None:
    broken, copy = copy_of(locked, tmp_path, "prod/network")
    version = read(copy)[AWS].version
    copy.write_text(copy.read_text().replace(f'"{version}"', '"6.99.0"'))
    (found,) = problems(broken)
    assert found.startswith(f"{AWS}: the units pin it differently: ")
    assert "6.99.0 (29 checksums) in prod/network" in found


def test_a_lock_missing_a_required_provider_fails(locked: Units, tmp_path: Path) -> None:
    lock, requirements = locked["prod/github-repo"]
    aws_only = locked["prod/alb"][0]
    assert problems({"prod/github-repo": (aws_only, requirements)}) == [
        f"prod/github-repo: {LOCK_FILE} does not lock {GITHUB}",
        f"prod/github-repo: {AWS} constraints '>= 6.0.0, < 7.0.0' in the lock, '' in the "
        "configuration",
    ]
    assert problems({"prod/github-repo": (lock, requirements)}) == []
