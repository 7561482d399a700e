"""The pinned Go tools: found on PATH, found in the cache, or built from the module proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import go_tools
from tools.project import pinned_versions
from tools.tests.fakes import FakeSession, SessionError, program

TERRAGRUNT = pinned_versions()["terragrunt"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(go_tools, "TOOLS_CACHE", tmp_path / "cache")
    return tmp_path / "cache"


@pytest.fixture
def only_bin_dir(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holds the stand-ins and nothing else (no real go, tofu, ...)."""
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def test_the_one_on_path_at_the_pinned_version(only_bin_dir: Path, cache: Path) -> None:
    on_path = program(only_bin_dir, "terragrunt", f'echo "terragrunt version v{TERRAGRUNT}"')
    assert go_tools.tool(FakeSession().session, "terragrunt") == str(on_path)


def test_another_version_on_path_is_passed_over_for_the_cache(
    only_bin_dir: Path, cache: Path
) -> None:
    program(only_bin_dir, "terragrunt", 'echo "terragrunt version v0.0.1"')
    (cache / "terragrunt" / TERRAGRUNT / "bin").mkdir(parents=True)
    cached = program(cache / "terragrunt" / TERRAGRUNT / "bin", "terragrunt", "exit 0")
    assert go_tools.tool(FakeSession().session, "terragrunt") == str(cached)


def test_a_tool_that_cannot_say_its_version_is_passed_over(only_bin_dir: Path, cache: Path) -> None:
    program(only_bin_dir, "terragrunt", "exit 1")
    with pytest.raises(SessionError, match="is not on PATH"):
        go_tools.tool(FakeSession().session, "terragrunt")


def test_without_go_there_is_nothing_to_build_with(only_bin_dir: Path, cache: Path) -> None:
    with pytest.raises(SessionError, match=f"terragrunt {TERRAGRUNT} is not on PATH and Go"):
        go_tools.tool(FakeSession().session, "terragrunt")


def test_builds_the_pinned_module_from_the_proxy(only_bin_dir: Path, cache: Path) -> None:
    program(
        only_bin_dir, "go",
        '[ "$1 $2 $3" = "mod download -json" ] || exit 9\n'
        f'[ "$4" = "github.com/gruntwork-io/terragrunt@v{TERRAGRUNT}" ] || exit 8\n'
        'echo \'{"Dir": "/modcache/terragrunt"}\'',
    )  # fmt: skip
    fake = FakeSession()
    binary = go_tools.tool(fake.session, "terragrunt")
    assert binary == str(cache / "terragrunt" / TERRAGRUNT / "bin" / "terragrunt")
    (build,) = fake.runs
    assert build.args == (
        "go", "build", "-C", "/modcache/terragrunt", "-trimpath",
        f"-ldflags=-X github.com/gruntwork-io/go-commons/version.Version=v{TERRAGRUNT}",
        "-o", binary, ".",
    )  # fmt: skip
    assert build.kwargs["env"] == {"GOFLAGS": "-mod=readonly"}


def test_says_what_the_proxy_answered_when_it_refuses(only_bin_dir: Path, cache: Path) -> None:
    program(only_bin_dir, "go", 'echo "410 Gone: not found" >&2; exit 1')
    fake = FakeSession()
    with pytest.raises(SessionError, match=r"proxy refused .*terragrunt@v.*410 Gone: not found"):
        go_tools.tool(fake.session, "terragrunt")
    assert fake.runs == []


def test_built_names_the_session_that_builds_it(only_bin_dir: Path, cache: Path) -> None:
    with pytest.raises(LookupError, match=f"terragrunt {TERRAGRUNT} is missing: `nox -s infra`"):
        go_tools.built("terragrunt")


def test_built_finds_what_the_session_built(only_bin_dir: Path, cache: Path) -> None:
    (cache / "terragrunt" / TERRAGRUNT / "bin").mkdir(parents=True)
    cached = program(cache / "terragrunt" / TERRAGRUNT / "bin", "terragrunt", "exit 0")
    assert go_tools.built("terragrunt") == str(cached)
