"""The image build: base image choice, the offline stand-in, the tag and its record."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools import image_build
from tools.tests.fakes import FakeSession, SessionError, program

SHA = "0123456789abcdef0123456789abcdef01234567"


def docker(bin_dir: Path, *, buildx: bool = True, images: str = "", pull: bool = False) -> None:
    """A docker that answers `info`, has buildx or not, knows the images named in `images`
    (space-separated) and can pull or not; `image inspect --format` prints an image id."""
    program(
        bin_dir,
        "docker",
        f"""
case "$1 $2" in
  "info "*) exit 0 ;;
  "buildx version") exit {0 if buildx else 1} ;;
  "pull "*) exit {0 if pull else 1} ;;
  "image inspect")
    [ "$3" = --format ] && echo sha256:feed && exit 0
    for known in {images}; do [ "$known" = "$3" ] && exit 0; done
    exit 1 ;;
esac
exit 2""",
    )


def test_the_base_image_is_the_dockerfile_default(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("ARG BASE_IMAGE=python:3.13-slim-trixie\nFROM ${BASE_IMAGE}\n")
    assert image_build.default_base_image(dockerfile) == "python:3.13-slim-trixie"
    dockerfile.write_text("FROM python:3.13-slim-trixie\n")
    with pytest.raises(RuntimeError, match="has no 'ARG BASE_IMAGE=<image>' line"):
        image_build.default_base_image(dockerfile)


def test_the_service_dockerfile_names_its_base() -> None:
    assert image_build.default_base_image().startswith("python:")


@pytest.mark.parametrize(("buildx", "env"), [(True, {}), (False, {"DOCKER_BUILDKIT": "0"})])
def test_classic_builder_without_buildx(bin_dir: Path, buildx: bool, env: dict[str, str]) -> None:
    docker(bin_dir, buildx=buildx)
    assert image_build.docker_env() == env


def test_a_base_image_already_here_is_used(bin_dir: Path) -> None:
    base = image_build.default_base_image()
    docker(bin_dir, images=base)
    fake = FakeSession()
    assert image_build.base_image(fake.session) == base
    assert fake.warnings == []


def test_without_a_registry_the_stand_in_is_used_and_said(bin_dir: Path) -> None:
    base = image_build.default_base_image()
    standin = image_build.standin_tag(base)
    docker(bin_dir, images=standin)
    fake = FakeSession()
    assert image_build.base_image(fake.session) == standin
    (warning,) = fake.warnings
    assert f"{base} cannot be pulled" in warning
    assert "not the public image" in warning


def test_a_base_image_that_can_be_pulled_is_used(bin_dir: Path) -> None:
    docker(bin_dir, pull=True)
    fake = FakeSession()
    assert image_build.base_image(fake.session) == image_build.default_base_image()
    assert fake.logs == [f"pulling {image_build.default_base_image()} ..."]


def test_a_missing_stand_in_is_built_first(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docker(bin_dir)
    built: list[tuple[str, str]] = []
    monkeypatch.setattr(
        image_build, "build_standin", lambda _s, base, tag: built.append((base, tag))
    )
    standin = image_build.base_image(FakeSession().session)
    assert built == [(image_build.default_base_image(), standin)]


def test_stand_in_tags_say_what_they_are() -> None:
    assert image_build.standin_tag("library/python:3.13-slim-trixie") == (
        "local-standin/library-python:3.13-slim-trixie"
    )


def test_the_stand_in_needs_debootstrap(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(SessionError, match="debootstrap is missing"):
        image_build.build_standin(FakeSession().session, "python:3.13-slim-trixie", "x")


def test_the_debian_mirror_comes_from_apt_sources(tmp_path: Path) -> None:
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    assert image_build.debian_mirror(apt) == "http://deb.debian.org/debian"
    (apt / "sources.list").write_text(
        "deb http://security.example/debian-security trixie-security main\n"
        "deb [arch=amd64] http://one-line.example/debian trixie main\n"
    )
    assert image_build.debian_mirror(apt) == "http://one-line.example/debian"
    (apt / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://security.example/debian-security\n\n"
        "Types: deb\nURIs: http://deb822.example/debian\nSuites: trixie\n"
    )
    assert image_build.debian_mirror(apt) == "http://deb822.example/debian"


@pytest.fixture
def checkout(bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A docker that knows the base image, a build/ in tmp_path, and a commit whose
    `git status --porcelain` the test sets."""
    docker(bin_dir, buildx=False, images=image_build.default_base_image())
    monkeypatch.setattr(image_build, "BUILD", tmp_path / "build")
    monkeypatch.setattr(image_build, "git_sha", lambda: SHA)
    state = {"status": ""}
    monkeypatch.setattr(image_build, "git", lambda *args: state["status"])
    return state


def test_builds_the_commit_and_records_it(checkout: dict[str, str], tmp_path: Path) -> None:
    fake = FakeSession()
    built = image_build.build_image(fake.session, allow_dirty=False)
    assert built == image_build.BuiltImage(f"hello:{SHA}", "sha256:feed", SHA)
    (build,) = fake.runs
    assert build.args[:4] == ("docker", "build", "--platform", "linux/amd64")
    assert f"REVISION={SHA}" in build.args
    assert f"BASE_IMAGE={image_build.default_base_image()}" in build.args
    assert f"VERSION={image_build.service_version()}" in build.args
    assert build.kwargs["env"] == {"DOCKER_BUILDKIT": "0"}
    recorded = json.loads((tmp_path / "build" / "image.json").read_text())
    assert recorded == {"tag": f"hello:{SHA}", "image_id": "sha256:feed", "revision": SHA}


def test_a_dirty_tree_needs_allow_dirty(checkout: dict[str, str]) -> None:
    checkout["status"] = " M noxfile.py"
    fake = FakeSession()
    with pytest.raises(SessionError, match="uncommitted changes"):
        image_build.build_image(fake.session, allow_dirty=False)
    assert fake.runs == []
    built = image_build.build_image(fake.session, allow_dirty=True)
    assert built.tag == f"hello:{SHA}-dirty"


def test_the_tag_needs_a_commit(checkout: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_checkout() -> str:
        raise subprocess.CalledProcessError(128, "git")

    monkeypatch.setattr(image_build, "git_sha", no_checkout)
    with pytest.raises(SessionError, match="not a git checkout"):
        image_build.build_image(FakeSession().session, allow_dirty=True)


def test_no_docker_engine_is_an_error(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program(bin_dir, "docker", "exit 1")
    with pytest.raises(SessionError, match="no Docker engine answers"):
        image_build.build_image(FakeSession().session, allow_dirty=True)


def test_source_url_names_the_github_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/hello-platform")
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    assert image_build.source_url() == "https://github.com/acme/hello-platform"


def test_requirements_must_match_the_lock_export() -> None:
    current = image_build.REQUIREMENTS.read_text()
    fake = FakeSession(output="# exported without a header\n" + current)
    image_build.check_requirements_export(fake.session)
    assert fake.commands() == [(*image_build.EXPORT_REQUIREMENTS, "--no-header")]
    fake.output = current.replace("==", "===", 1)
    with pytest.raises(SessionError, match=r"services/hello/requirements.txt is stale"):
        image_build.check_requirements_export(fake.session)


def test_save_writes_the_image_for_the_job_that_pushes_it(
    checkout: dict[str, str], tmp_path: Path
) -> None:
    fake = FakeSession()
    archive = tmp_path / "out" / "image.tar"
    image_build.build_image(fake.session, allow_dirty=False, save=archive)
    build, save = fake.runs
    assert build.args[:2] == ("docker", "build")
    assert save.args == ("docker", "image", "save", "--output", str(archive), f"hello:{SHA}")
    assert archive.parent.is_dir()


def test_without_save_nothing_is_written(checkout: dict[str, str]) -> None:
    fake = FakeSession()
    image_build.build_image(fake.session, allow_dirty=False)
    assert [run.args[1] for run in fake.runs] == ["build"]
