"""The service's image: hello:<git sha> for linux/amd64, on the public base image or, where
no registry answers, on a local stand-in made from Debian with debootstrap."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.project import BUILD, ROOT, SERVICE, git, git_sha

if TYPE_CHECKING:
    import nox

IMAGE_NAME = "hello"
PLATFORM = "linux/amd64"
DOCKERFILE = SERVICE / "Dockerfile"
REQUIREMENTS = SERVICE / "requirements.txt"
EXPORT_REQUIREMENTS = [
    "uv", "export", "--frozen", "--package=hello", "--no-dev", "--no-emit-workspace",
    "--format=requirements-txt",
]  # fmt: skip


@dataclass(frozen=True)
class BuiltImage:
    tag: str
    image_id: str
    revision: str


def check_requirements_export(session: nox.Session) -> None:
    """The image's hashed requirements must be exactly what uv.lock exports."""
    exported = session.run(*EXPORT_REQUIREMENTS, "--no-header", external=True, silent=True)

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("#")]

    if body(str(exported)) != body(REQUIREMENTS.read_text()):
        session.error(f"{REQUIREMENTS.relative_to(ROOT)} is stale: run `nox -s lock`")


def default_base_image(dockerfile: Path = DOCKERFILE) -> str:
    """The BASE_IMAGE default named in the Dockerfile: its one source."""
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", dockerfile.read_text(), re.MULTILINE)
    if not match:
        raise RuntimeError(f"{dockerfile} has no 'ARG BASE_IMAGE=<image>' line")
    return match.group(1)


def docker_env() -> dict[str, str]:
    """Uses the classic builder where the docker client has no buildx plugin."""
    buildx = subprocess.run(["docker", "buildx", "version"], capture_output=True, check=False)
    return {} if buildx.returncode == 0 else {"DOCKER_BUILDKIT": "0"}


def docker_ok(*args: str) -> bool:
    return subprocess.run(["docker", *args], capture_output=True, check=False).returncode == 0


def base_image(session: nox.Session) -> str:
    """The public base if it is here or can be pulled, else a local stand-in built from Debian."""
    base = default_base_image()
    if docker_ok("image", "inspect", base):
        return base
    session.log(f"pulling {base} ...")
    if docker_ok("pull", "--platform", PLATFORM, base):
        return base
    standin = standin_tag(base)
    session.warn(
        f"{base} cannot be pulled (no registry reachable); building on {standin}, a local "
        "stand-in made from Debian packages with debootstrap, not the public image"
    )
    if not docker_ok("image", "inspect", standin):
        build_standin(session, base, standin)
    return standin


def standin_tag(base: str) -> str:
    return f"local-standin/{base.replace('/', '-')}"


def build_standin(session: nox.Session, base: str, tag: str) -> None:
    suite = base.rsplit("-", 1)[-1]  # python:3.13-slim-trixie -> trixie
    if not shutil.which("debootstrap"):
        session.error("debootstrap is missing: `apt-get install debootstrap` (needed offline)")
    mirror = debian_mirror()
    session.log(f"debootstrap {suite} from {mirror} (about 35 s) ...")
    with tempfile.TemporaryDirectory(prefix="standin-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        session.run(
            "debootstrap", "--variant=minbase",
            "--include=python3,python3-venv,ca-certificates",
            suite, str(rootfs), mirror,
            external=True, silent=True,
        )  # fmt: skip
        # The host's extra CA certificates, so pip inside builds trusts the host's TLS proxy.
        host_cas = Path("/usr/local/share/ca-certificates")
        if host_cas.is_dir():
            shutil.copytree(host_cas, rootfs / host_cas.relative_to("/"), dirs_exist_ok=True)
        session.run("chroot", str(rootfs), "update-ca-certificates", external=True, silent=True)
        (rootfs / "usr/local/bin/python").symlink_to("/usr/bin/python3")
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for entry in (rootfs / cache).glob("*"):
                if entry.is_file():
                    entry.unlink()
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(
            ["docker", "import", "--platform", PLATFORM, "--change", 'CMD ["python3"]', "-", tag],
            stdin=tar.stdout, check=True, capture_output=True,
        )  # fmt: skip
        if tar.wait() != 0:
            session.error("could not pack the stand-in root filesystem")
    session.log(f"built local stand-in base {tag}")


def debian_mirror(apt: Path = Path("/etc/apt")) -> str:
    """The Debian mirror this machine's own apt sources name."""
    sources = [*sorted(apt.glob("sources.list.d/*")), apt / "sources.list"]
    for source in sources:
        if not source.is_file():
            continue
        for line in source.read_text().splitlines():
            words = line.split()
            if line.startswith("URIs:") and "security" not in line:
                return words[1]
            if words[:1] == ["deb"] and "security" not in line:
                return next(word for word in words[1:] if "://" in word)
    return "http://deb.debian.org/debian"


def build_image(session: nox.Session, *, allow_dirty: bool, save: Path | None = None) -> BuiltImage:
    """Builds hello:<git sha> for linux/amd64 and records it in build/image.json; with `save`,
    also writes the image to that file (`docker image save`), for a job that loads it."""
    if not shutil.which("docker") or not docker_ok("info"):
        session.error("no Docker engine answers: start one (see README) and try again")
    try:
        sha = git_sha()
    except subprocess.CalledProcessError:
        session.error("not a git checkout: the image tag is the commit SHA")
    dirty = bool(git("status", "--porcelain"))
    if dirty and not allow_dirty:
        session.error("uncommitted changes: commit them, or pass --allow-dirty for a local image")
    revision = f"{sha}-dirty" if dirty else sha
    tag = f"{IMAGE_NAME}:{revision}"
    session.run(
        "docker", "build",
        "--platform", PLATFORM,
        "--build-arg", f"BASE_IMAGE={base_image(session)}",
        "--build-arg", f"REVISION={revision}",
        "--build-arg", f"VERSION={service_version()}",
        "--build-arg", f"SOURCE={source_url()}",
        "--tag", tag,
        str(SERVICE),
        external=True, env=docker_env(),
    )  # fmt: skip
    image_id = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Id}}", tag],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    built = BuiltImage(tag=tag, image_id=image_id, revision=revision)
    BUILD.mkdir(exist_ok=True)
    (BUILD / "image.json").write_text(json.dumps(asdict(built), indent=2) + "\n")
    session.log(f"image:  {tag}")
    session.log(f"digest: {image_id} (the image id; `nox -s publish` prints the registry digest)")
    if save is not None:
        save.parent.mkdir(parents=True, exist_ok=True)
        session.run("docker", "image", "save", "--output", str(save), tag, external=True)
        session.log(f"saved:  {save}")
    return built


def service_version() -> str:
    with (SERVICE / "pyproject.toml").open("rb") as file:
        version: str = tomllib.load(file)["project"]["version"]
    return version


def source_url() -> str:
    if os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{os.environ['GITHUB_REPOSITORY']}"
    try:
        return git("remote", "get-url", "origin")
    except subprocess.CalledProcessError:
        return "unknown"
