"""Every task a person or CI runs on hello-platform: `nox -l` lists them.

Python dependencies come from uv.lock (one dependency group per session);
the infra and workflow tools come from mise.toml, built from the Go module
proxy into a cache outside the repo when they are not already on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
import typing
from dataclasses import asdict, dataclass
from pathlib import Path

import nox

nox.needs_version = ">=2025.10"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "smoke", "infra", "workflows"]

ROOT = Path(__file__).parent
SERVICE = ROOT / "services" / "hello"
BUILD = ROOT / "build"
TOOLS_CACHE = Path(
    os.environ.get("HELLO_TOOLS_CACHE", Path.home() / ".cache" / "hello-platform" / "tools")
)

# How each tool pinned in mise.toml is built from the Go module proxy where mise is not
# used: (command, Go module, package of the command inside it, linker flags).
GO_TOOLS = {
    "opentofu": (
        "tofu", "github.com/opentofu/opentofu", "./cmd/tofu",
        "-X github.com/opentofu/opentofu/version.dev=no",
    ),
    "terragrunt": (
        "terragrunt", "github.com/gruntwork-io/terragrunt", ".",
        "-X github.com/gruntwork-io/go-commons/version.Version=v{version}",
    ),
    "tflint": ("tflint", "github.com/terraform-linters/tflint", ".", ""),
    "terraform-docs": ("terraform-docs", "github.com/terraform-docs/terraform-docs", ".", ""),
    "actionlint": ("actionlint", "github.com/rhysd/actionlint", "./cmd/actionlint", ""),
}  # fmt: skip


def install_groups(session: nox.Session, *groups: str) -> None:
    """Installs the locked dependency groups (and the workspace packages they name)."""
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-default-groups",
        *(f"--group={group}" for group in groups),
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        silent=True,
    )


def pinned_versions() -> dict[str, str]:
    with (ROOT / "mise.toml").open("rb") as file:
        tools: dict[str, str] = tomllib.load(file)["tools"]
    return tools


def tool(session: nox.Session, name: str) -> str:
    """Path to the pinned version of a Go-built tool, building it on first use.

    The tool's own module is the main module of the build, so its go.mod `replace`
    lines and its go.sum apply (OpenTofu replaces hashicorp/hcl/v2 with a fork; the
    checksum database answers 404 for some of Terragrunt's pseudo-versions).
    """
    command, module, package, ldflags = GO_TOOLS[name]
    version = pinned_versions()[name]
    on_path = shutil.which(command)
    if on_path and version in _version_output(on_path):
        return on_path
    binary = TOOLS_CACHE / name / version / "bin" / command
    if binary.exists():
        return str(binary)
    if not shutil.which("go"):
        session.error(f"{name} {version} is not on PATH and Go is missing to build it")
    session.log(f"building {name} {version} from the Go module proxy into {binary.parent}")
    found = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@v{version}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if found.returncode != 0:
        session.error(
            f"the Go module proxy refused {module}@v{version}: {found.stdout}{found.stderr}"
        )
    session.run(
        "go", "build", "-C", json.loads(found.stdout)["Dir"], "-trimpath",
        f"-ldflags={ldflags.format(version=version)}", "-o", str(binary), package,
        external=True, env={"GOFLAGS": "-mod=readonly"},
    )  # fmt: skip
    return str(binary)


def _version_output(path: str) -> str:
    for flag in ("--version", "version"):
        result = subprocess.run([path, flag], capture_output=True, text=True, check=False)
        if result.returncode == 0:
            return result.stdout + result.stderr
    return ""


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def git_sha() -> str:
    return git("rev-parse", "HEAD")


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy over all Python in the repo."""
    install_groups(session, "lint", "workflows", "infra")
    fix = "--fix" in session.posargs
    session.run("ruff", "check", *(["--fix"] if fix else []), ".")
    session.run("ruff", "format", *([] if fix else ["--check"]), ".")
    session.run("mypy", *TYPED_SOURCES)
    _check_requirements_export(session)


def _check_requirements_export(session: nox.Session) -> None:
    """The image's hashed requirements must be exactly what uv.lock exports."""
    exported = session.run(*EXPORT_REQUIREMENTS, "--no-header", external=True, silent=True)

    def body(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.startswith("#")]

    if body(str(exported)) != body(REQUIREMENTS.read_text()):
        session.error(f"{REQUIREMENTS.relative_to(ROOT)} is stale: run `nox -s lock`")


# Everything mypy checks (strict, configured in pyproject.toml).
TYPED_SOURCES = [
    "noxfile.py",
    "tools",
    "services/hello/src",
    "services/hello/gunicorn.conf.py",
    "services/hello/tests",
    "services/hello/bench",
    "infra/release/src",
    "infra/release/tests",
    "infra/tests",
    ".github/tests",
]


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests with coverage: the service, then the release tool. Posargs go to pytest."""
    install_groups(session, "tests")
    session.run(
        "pytest",
        "services/hello/tests/unit",
        "--cov=hello",
        "--cov-report=term-missing",
        "--cov-fail-under=95",
        *session.posargs,
    )
    session.run(
        "pytest",
        "infra/release/tests",
        "--cov=hello_release",
        "--cov-report=term-missing",
        "--cov-fail-under=90",
        *session.posargs,
    )


# --- the image -----------------------------------------------------------------------------

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


def default_base_image() -> str:
    """The BASE_IMAGE default named in the Dockerfile: its one source."""
    match = re.search(r"^ARG BASE_IMAGE=(\S+)$", DOCKERFILE.read_text(), re.MULTILINE)
    if not match:
        raise RuntimeError(f"{DOCKERFILE} has no 'ARG BASE_IMAGE=<image>' line")
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


def debian_mirror() -> str:
    """The Debian mirror this machine's own apt sources name."""
    sources = [*sorted(Path("/etc/apt").glob("sources.list.d/*")), Path("/etc/apt/sources.list")]
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


def build_image(session: nox.Session, *, allow_dirty: bool) -> BuiltImage:
    """Builds hello:<git sha> for linux/amd64 and records it in build/image.json."""
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
    return built


def service_version() -> str:
    with (SERVICE / "pyproject.toml").open("rb") as file:
        version: str = tomllib.load(file)["project"]["version"]
    return version


def source_url() -> str:
    if os.environ.get("GITHUB_REPOSITORY"):
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{os.environ['GITHUB_REPOSITORY']}"
    remote = subprocess.run(
        ["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True
    )
    return remote.stdout.strip() if remote.returncode == 0 else "unknown"


def image_flags(session: nox.Session) -> bool:
    """Reads the image sessions' one flag, --allow-dirty; anything else is an error."""
    unknown = [arg for arg in session.posargs if arg != "--allow-dirty"]
    if unknown:
        session.error(f"unknown arguments {unknown}; the only one is --allow-dirty")
    return "--allow-dirty" in session.posargs


@nox.session(venv_backend="none")
def image(session: nox.Session) -> None:
    """Builds the amd64 image hello:<git sha>; a dirty tree needs --allow-dirty."""
    build_image(session, allow_dirty=image_flags(session))


@nox.session
def smoke(session: nox.Session) -> None:
    """Builds the image and tests the running container with pytest-docker."""
    install_groups(session, "smoke")
    built = build_image(session, allow_dirty=True)
    session.run(
        "pytest", "services/hello/tests/smoke", *session.posargs,
        env={"HELLO_IMAGE": built.tag, "HELLO_EXPECTED_REVISION": built.revision},
    )  # fmt: skip


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Builds the image if needed and serves it on http://localhost:8000 until Ctrl-C."""
    built = build_image(session, allow_dirty=True)
    session.log("serving on http://localhost:8000 (Ctrl-C stops it)")
    session.run(
        "docker", "run", "--rm", "--name", f"{IMAGE_NAME}-serve",
        "--publish", "127.0.0.1:8000:8000", "--read-only",
        "--env", "HELLO_ENVIRONMENT=local", built.tag,
        external=True,
    )  # fmt: skip


@nox.session
def lock(session: nox.Session) -> None:
    """Re-locks Python dependencies and re-exports the image's hashed requirements."""
    session.run("uv", "lock", *session.posargs, external=True)
    session.run(*EXPORT_REQUIREMENTS, f"--output-file={REQUIREMENTS}", external=True)


@nox.session
def bench(session: nox.Session) -> None:
    """Product image vs a naive baseline: load (wrk), cold start, size, rebuild; writes JSON."""
    install_groups(session, "bench")
    if not shutil.which("wrk"):
        session.error("wrk is missing: `apt-get install wrk`")
    session.run(
        "python", str(SERVICE / "bench" / "bench.py"), "--base", base_image(session),
        "--platform", PLATFORM, "--output", str(BUILD / "bench" / "results.json"),
        *session.posargs, env=docker_env(),
    )  # fmt: skip


@nox.session
def workflows(session: nox.Session) -> None:
    """actionlint (with shellcheck), zizmor (default and auditor personas) on .github/, then
    pytest on the parsed workflows."""
    install_groups(session, "workflows")
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        session.error(
            "shellcheck is not on PATH, and actionlint needs it to check run: scripts; "
            "install it (apt-get install shellcheck, or brew install shellcheck) and rerun"
        )
    session.log(f"actionlint (shellcheck: {shellcheck}) on .github/workflows")
    session.run(tool(session, "actionlint"), f"-shellcheck={shellcheck}", external=True)
    _zizmor(session)
    session.run("pytest", ".github/tests", *session.posargs)


ZIZMOR_TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")


# zizmor's personas: its default, then the auditor's, which also reports what may be
# harmless. Both must find nothing; an accepted finding is an inline
# `# zizmor: ignore[<audit>]` comment that says why.
ZIZMOR_PERSONAS = ("regular", "auditor")


def _zizmor(session: nox.Session) -> None:
    """zizmor at each persona; its online audits run only when a GitHub token is set."""
    online = any(os.environ.get(name) for name in ZIZMOR_TOKEN_VARIABLES)
    for persona in ZIZMOR_PERSONAS:
        command = [
            str(Path(session.bin) / "zizmor"),
            *([] if online else ["--offline"]), f"--persona={persona}",
            "--strict-collection", "--verbose", "--no-progress", "--color=never", ".",
        ]  # fmt: skip
        session.log(" ".join(["zizmor", *command[1:]]))
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        # The verbose log names every audit zizmor scheduled and every one it skipped.
        ran = set(re.findall(r"scheduling ([\w-]+) on ", result.stderr))
        skipped = re.findall(
            r"skipping ([\w-]+): can't run without a GitHub API token", result.stderr
        )
        print(result.stdout, end="")
        session.log(f"zizmor ({persona}) ran {len(ran)} audits")
        if skipped:
            session.log(
                f"zizmor skipped its {len(skipped)} online audits ({', '.join(skipped)}): "
                "no GitHub token; set GH_TOKEN to run them"
            )
        if result.returncode != 0:
            print(result.stderr[-4000:], end="")
            session.error(f"zizmor --persona={persona} failed (exit {result.returncode})")


# --- infra: OpenTofu modules and Terragrunt environments -------------------------------

INFRA = ROOT / "infra"
INFRA_MODULES = INFRA / "modules"
INFRA_LIVE = INFRA / "live"
INFRA_BUILD = BUILD / "infra"
INFRA_ENVIRONMENTS = ("dev", "prod")
# The scripts in tools/ import `tools` and `infra.tests` from the repository root.
ROOT_IMPORTABLE = {"PYTHONPATH": str(ROOT)}
# What `tofu init` says when it cannot reach the provider registry (offline machines).
REGISTRY_UNREACHABLE = re.compile(
    r"registry\.opentofu\.org|Failed to query available provider packages|"
    r"could not connect|no such host|i/o timeout|connection refused",
)


def _infra_modules() -> list[Path]:
    return sorted(path.parent for path in INFRA_MODULES.glob("*/main.tf"))


def _infra_units(environment: str) -> list[Path]:
    return sorted(path.parent for path in (INFRA_LIVE / environment).glob("*/terragrunt.hcl"))


def _terragrunt_env(tofu: str) -> dict[str, str]:
    """Terragrunt runs non-interactively with the pinned tofu."""
    return {"TG_TF_PATH": tofu, "TG_NON_INTERACTIVE": "true", "TG_LOG_FORMAT": "bare"}


def _offline_env(tofu: str) -> dict[str, str]:
    """For checks that must not reach AWS: no credentials, no instance metadata lookups.

    `terragrunt render` tries to read each dependency's outputs and, when that fails,
    falls back to its mock_outputs. Without auto-init the read fails at once on the
    uninitialised S3 backend, and without credentials nothing could reach AWS anyway.
    """
    blank = {name: "" for name in os.environ if name.startswith("AWS_")}
    return {
        **_terragrunt_env(tofu),
        **blank,
        "TG_NO_AUTO_INIT": "true",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


@nox.session
def infra(session: nox.Session) -> None:
    """Offline checks of infra/: formatting, terragrunt validate and render, pytest on the
    rendered configs, the deploy-time budget, tflint, checkov and module READMEs; tofu
    validate too when the provider registry is reachable. `-- --fix` rewrites formatting
    and README tables instead of checking them."""
    install_groups(session, "infra")
    fix = "--fix" in session.posargs
    tofu = tool(session, "opentofu")
    terragrunt = tool(session, "terragrunt")
    tflint = tool(session, "tflint")
    terraform_docs = tool(session, "terraform-docs")
    INFRA_BUILD.mkdir(parents=True, exist_ok=True)
    offline = _offline_env(tofu)

    session.log("formatting: tofu fmt, terragrunt hcl fmt")
    session.run(tofu, "fmt", "-recursive", *([] if fix else ["-check", "-diff"]), str(INFRA),
                external=True)  # fmt: skip
    session.run(terragrunt, "hcl", "fmt", *([] if fix else ["--check", "--diff"]),
                "--working-dir", str(INFRA_LIVE), external=True, env=offline)  # fmt: skip

    for environment in INFRA_ENVIRONMENTS:
        session.log(f"terragrunt hcl validate (syntax, then inputs): {environment}")
        with session.chdir(INFRA_LIVE / environment):
            session.run(terragrunt, "hcl", "validate", external=True, env=offline)
            session.run(terragrunt, "hcl", "validate", "--inputs", "--strict", external=True,
                        env=offline)  # fmt: skip

    _infra_render(session, terragrunt, offline)
    pytest_args = [arg for arg in session.posargs if arg != "--fix"]
    session.run("pytest", "infra/tests", "-q", *pytest_args)
    session.log("deploy-time budget (rolling deploy, from the rendered ecs-service inputs)")
    budget = INFRA_BUILD / "deploy-budget.json"
    session.run("python", "tools/deploy_budget.py", str(budget), env=ROOT_IMPORTABLE)

    _infra_iam_lint(session)
    _infra_tflint(session, tflint)
    _infra_checkov(session)
    _infra_docs(session, terraform_docs, fix=fix)
    _infra_validate(session, tofu)


def _infra_render(session: nox.Session, terragrunt: str, env: dict[str, str]) -> None:
    """`terragrunt render --json` of every unit into build/infra/rendered/<env>/<unit>.json."""
    for environment in INFRA_ENVIRONMENTS:
        target = INFRA_BUILD / "rendered" / environment
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for unit in _infra_units(environment):
            session.log(f"terragrunt render --json: {environment}/{unit.name}")
            result = subprocess.run(
                [terragrunt, "render", "--json", "--working-dir", str(unit)],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr[-4000:], end="")
                session.error(f"terragrunt render failed in {unit.relative_to(ROOT)}")
            (target / f"{unit.name}.json").write_text(result.stdout)


def _infra_iam_lint(session: nox.Session) -> None:
    """parliament over every IAM policy the modules render (tools/iam_lint.py): zero
    findings; each accepted one is a suppression with its reason in that file."""
    session.run(
        "python", "-W", "ignore:pkg_resources is deprecated:UserWarning",
        "tools/iam_lint.py", str(INFRA_BUILD / "iam-lint.json"),
        env=ROOT_IMPORTABLE,
    )  # fmt: skip


def _infra_tflint(session: nox.Session, tflint: str) -> None:
    """tflint's bundled terraform ruleset (preset `all`, see .tflint.hcl) on every module."""
    total = 0
    for module in _infra_modules():
        result = subprocess.run(
            [tflint, f"--chdir={module}", f"--config={ROOT / '.tflint.hcl'}", "--format=json"],
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(result.stdout or "{}")
        issues, errors = report.get("issues", []), report.get("errors", [])
        for issue in issues:
            where = issue["range"]
            print(f"  {where['filename']}:{where['start']['line']}: {issue['rule']['name']}: "
                  f"{issue['message']}")  # fmt: skip
        for error in errors:
            print(f"  error: {error.get('message', error)}")
        if errors or (result.returncode != 0 and not issues):
            print(result.stderr[-2000:], end="")
            session.error(f"tflint could not lint {module.relative_to(ROOT)}")
        total += len(issues)
        session.log(f"tflint {module.name}: {len(issues)} issue(s)")
    session.log(f"tflint: {total} issue(s) in {len(_infra_modules())} modules")
    if total:
        session.error("tflint found issues")


def _infra_checkov(session: nox.Session) -> None:
    """checkov over infra/modules; every skip is inline with its reason."""
    out = INFRA_BUILD / "checkov.json"
    session.run(
        "checkov", "--directory", str(INFRA_MODULES), "--framework", "terraform",
        "--skip-download", "--compact", "--quiet",
        "--output", "cli", "--output", "json", "--output-file-path", f"console,{out}",
        success_codes=[0, 1],
    )  # fmt: skip
    summary = json.loads(out.read_text())["summary"]
    session.log(
        f"checkov: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped (inline, with reasons), "
        f"{summary['parsing_errors']} parsing errors"
    )
    if summary["failed"] or summary["parsing_errors"]:
        session.error("checkov found failures")


def _infra_docs(session: nox.Session, terraform_docs: str, *, fix: bool) -> None:
    """terraform-docs input/output tables between the README markers of each module."""
    for module in _infra_modules():
        session.run(
            terraform_docs, "markdown", "table", "--output-file", "README.md",
            "--output-mode", "inject", "--lockfile=false",
            *([] if fix else ["--output-check"]), str(module),
            external=True, silent=not fix,
        )  # fmt: skip
    state = "written" if fix else "up to date"
    session.log(f"terraform-docs: {len(_infra_modules())} module READMEs {state}")


def _infra_validate(session: nox.Session, tofu: str) -> None:
    """`tofu init -backend=false` + `tofu validate` per module, when the registry answers."""
    work = INFRA_BUILD / "validate"
    shutil.rmtree(work, ignore_errors=True)
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
           "TF_PLUGIN_CACHE_DIR": str(TOOLS_CACHE.parent / "tofu-plugins")}  # fmt: skip
    Path(env["TF_PLUGIN_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    for index, module in enumerate(_infra_modules()):
        copy = work / module.name
        shutil.copytree(module, copy)
        session.log(f"tofu init -backend=false: {module.name}")
        init = subprocess.run(
            [tofu, "init", "-backend=false", "-input=false", "-no-color"],
            cwd=copy, env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        if init.returncode != 0:
            output = init.stderr + init.stdout
            if index == 0 and REGISTRY_UNREACHABLE.search(output):
                # The first error paragraph: "Error: <title>", blank, then its explanation.
                error = output[output.find("Error:") :].split("\n\n")[:2]
                said = " ".join(" ".join(error).split())
                session.warn(
                    "skipped: provider registry unreachable, so no tofu init/validate of the "
                    f"modules (tofu init -backend=false said: {said})"
                )
                return
            print(output[-4000:], end="")
            session.error(f"tofu init failed in {module.relative_to(ROOT)}")
        with session.chdir(copy):
            session.run(tofu, "validate", "-no-color", external=True, env=env)
    session.log(f"tofu validate: {len(_infra_modules())} modules valid")


# Units an administrator applies at bootstrap (docs/bootstrap.md); the pipeline's plan and
# apply leave them out, so no CI role needs the rights they hold.
ADMIN_UNITS = ("ci-roles", "github-repo")
# The file name `terragrunt run --all plan --out-dir DIR` gives each unit's plan: DIR/<unit>/.
SAVED_PLAN = "tfplan.tfplan"
# GitHub rejects a job summary above 1 MiB; the plan is cut well below that.
SUMMARY_LIMIT = 900_000


class _ArgumentParser(argparse.ArgumentParser):
    """argparse for a session's posargs: a bad flag ends the session with a clear error."""

    def __init__(self, session: nox.Session, usage: str) -> None:
        super().__init__(usage=usage, add_help=False, allow_abbrev=False)
        self.session = session

    def error(self, message: str) -> typing.NoReturn:
        self.session.error(f"{message}; usage: {self.usage}")


def _infra_args(session: nox.Session, help_text: str) -> argparse.Namespace:
    """`<env> [--plan-dir DIR]`, the arguments of the plan and apply sessions."""
    usage = f"nox -s {session.name} -- {'|'.join(INFRA_ENVIRONMENTS)} [--plan-dir DIR]"
    parser = _ArgumentParser(session, usage)
    parser.add_argument("environment", choices=INFRA_ENVIRONMENTS)
    parser.add_argument("--plan-dir", type=Path, help=help_text)
    args = parser.parse_args(session.posargs)
    if args.plan_dir is not None:
        args.plan_dir = args.plan_dir.resolve()
    return args


def _pipeline_units(environment: str) -> list[str]:
    return [unit.name for unit in _infra_units(environment) if unit.name not in ADMIN_UNITS]


def _run_all(terragrunt: str, environment: str, plan_dir: Path | None) -> list[str]:
    """`terragrunt run --all` over the environment's units, without the admin-applied ones."""
    excluded = [arg for unit in ADMIN_UNITS for arg in ("--queue-exclude-dir", unit)]
    saved = ["--out-dir", str(plan_dir)] if plan_dir else []
    return [terragrunt, "run", "--all", "--working-dir", str(INFRA_LIVE / environment),
            *excluded, *saved]  # fmt: skip


@nox.session(venv_backend="none")
def plan(session: nox.Session) -> None:
    """`terragrunt run --all plan` in infra/live/<env>: `nox -s plan -- dev`. Read-only:
    plans run with -lock=false, so the plan roles need no write access. `--plan-dir DIR`
    saves each unit's plan under DIR for `nox -s apply -- <env> --plan-dir DIR`. In GitHub
    Actions the plan is also written to the job summary."""
    args = _infra_args(session, "save the plans here (a new or empty directory)")
    if args.plan_dir and args.plan_dir.exists() and any(args.plan_dir.iterdir()):
        session.error(f"{args.plan_dir} is not empty: saved plans go to a new or empty directory")
    tofu = tool(session, "opentofu")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    command = [
        *_run_all(tool(session, "terragrunt"), args.environment, args.plan_dir),
        "--", "plan", "-lock=false", "-input=false", *(["-no-color"] if summary else []),
    ]  # fmt: skip
    session.log(" ".join(command))
    # Streamed as it runs and kept for the summary; terragrunt's own log goes to stderr.
    lines: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env={**os.environ, **_terragrunt_env(tofu)}
    ) as process:
        for line in process.stdout or ():
            print(line, end="", flush=True)
            lines.append(line)
    if summary:
        _plan_summary(Path(summary), args.environment, args.plan_dir, "".join(lines))
    if process.returncode != 0:
        session.error(f"terragrunt run --all plan failed (exit {process.returncode})")
    if args.plan_dir:
        saved = sorted(args.plan_dir.glob(f"*/{SAVED_PLAN}"))
        session.log(f"saved {len(saved)} plans under {args.plan_dir}")


def _plan_summary(summary: Path, environment: str, plan_dir: Path | None, output: str) -> None:
    if len(output) > SUMMARY_LIMIT:
        output = output[:SUMMARY_LIMIT] + "\n... (cut here: the full plan is in the job log)\n"
    fence = "```"
    saved = " (saved: the apply job applies exactly this plan)" if plan_dir else ""
    with summary.open("a", encoding="utf-8") as file:
        file.write(f"## terragrunt plan: {environment}{saved}\n\n")
        file.write(f"Left to an administrator, not planned: {', '.join(ADMIN_UNITS)}.\n\n")
        file.write(f"{fence}text\n{output.replace(fence, '` ` `')}\n{fence}\n")


@nox.session(venv_backend="none")
def apply(session: nox.Session) -> None:
    """`terragrunt run --all apply` in infra/live/<env>: `nox -s apply -- prod`. Leaves out
    the units an administrator applies at bootstrap (ADMIN_UNITS, docs/bootstrap.md).
    `--plan-dir DIR` applies exactly the plans `nox -s plan -- <env> --plan-dir DIR` saved,
    and refuses unless DIR holds one for every unit."""
    args = _infra_args(session, "apply the plans saved here, nothing else")
    if args.plan_dir:
        _check_saved_plans(session, args.environment, args.plan_dir)
    tofu = tool(session, "opentofu")
    session.run(
        *_run_all(tool(session, "terragrunt"), args.environment, args.plan_dir),
        "--", "apply", "-input=false",
        external=True, env=_terragrunt_env(tofu),
    )  # fmt: skip


def _check_saved_plans(session: nox.Session, environment: str, plan_dir: Path) -> None:
    """A saved plan for every unit the pipeline applies, and none for any other."""
    if not plan_dir.is_dir():
        session.error(f"no saved plans: {plan_dir} is not a directory")
    expected = set(_pipeline_units(environment))
    found = {path.parent.name for path in plan_dir.glob(f"*/{SAVED_PLAN}")}
    if missing := sorted(expected - found):
        session.error(f"{plan_dir} has no saved plan for {', '.join(missing)}: nothing applied")
    if unknown := sorted(found - expected):
        session.error(
            f"{plan_dir} holds plans for units the pipeline does not apply in {environment}: "
            f"{', '.join(unknown)}; nothing applied"
        )
    session.log(f"applying the {len(found)} saved plans in {plan_dir}")


# --- provenance: the build's attestation, checked before prod runs an image -------------

# The one workflow and ref allowed to have built what prod runs.
SIGNER_WORKFLOW = ".github/workflows/deploy.yml"
SIGNER_REF = "refs/heads/main"


def _digest(value: str) -> str:
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not an image digest (sha256:<64 hex>)")
    return value


def _commit(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a full 40-character git SHA")
    return value


def _repository(value: str) -> str:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not OWNER/NAME")
    return value


def _image(value: str) -> str:
    if not re.fullmatch(r"[\w.-]+(:\d+)?/[\w./-]+", value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not REGISTRY/REPOSITORY (without a tag or digest)"
        )
    return value


@nox.session(name="attest-verify", venv_backend="none")
def attest_verify(session: nox.Session) -> None:
    """Verifies an image digest's build provenance attestation: made by this repository's
    deploy.yml on main, from commit SHA, on a GitHub-hosted runner; fails otherwise.
    `nox -s attest-verify -- --image <registry>/hello --digest sha256:... --sha <sha>`.
    Needs the GitHub CLI (logged in, or GH_TOKEN) and docker credentials for the registry."""
    parser = _ArgumentParser(
        session,
        "nox -s attest-verify -- --image REGISTRY/REPOSITORY --digest sha256:... --sha SHA "
        "[--repo OWNER/NAME]",
    )
    parser.add_argument("--image", required=True, type=_image)
    parser.add_argument("--digest", required=True, type=_digest)
    parser.add_argument("--sha", required=True, type=_commit)
    parser.add_argument("--repo", type=_repository, default=os.environ.get("GITHUB_REPOSITORY"))
    args = parser.parse_args(session.posargs)
    if not args.repo:
        session.error("name the repository that built the image: --repo OWNER/NAME")
    gh = shutil.which("gh")
    if not gh:
        session.error("the GitHub CLI (gh) is missing: install it from https://cli.github.com")
    session.run(
        gh, "attestation", "verify", f"oci://{args.image}@{args.digest}",
        "--repo", args.repo,
        "--signer-workflow", f"{args.repo}/{SIGNER_WORKFLOW}",
        "--source-ref", SIGNER_REF,
        "--source-digest", args.sha,
        "--deny-self-hosted-runners",
        external=True,
    )  # fmt: skip
    session.log(f"{args.digest}: provenance verified ({SIGNER_WORKFLOW} on {SIGNER_REF})")


# --- releases: thin wrappers over hello-release (infra/release); arguments go through posargs ---


def _hello_release(session: nox.Session, command: str) -> None:
    install_groups(session, "release")
    session.run("hello-release", command, *session.posargs)


@nox.session
def deploy(session: nox.Session) -> None:
    """Deploys an image to an environment: `nox -s deploy -- --env dev --sha <sha>`."""
    _hello_release(session, "deploy")


@nox.session
def verify(session: nox.Session) -> None:
    """Polls /version until it reports a SHA: `nox -s verify -- --env dev --sha <sha>`."""
    _hello_release(session, "verify")


@nox.session
def promote(session: nox.Session) -> None:
    """Promotes the digest dev runs healthy to prod: `nox -s promote -- --sha <sha>`."""
    _hello_release(session, "promote")


@nox.session
def rollback(session: nox.Session) -> None:
    """Rolls an environment back: `nox -s rollback -- --env prod --to-sha <sha>`."""
    _hello_release(session, "rollback")


@nox.session
def status(session: nox.Session) -> None:
    """Shows what an environment runs: `nox -s status -- --env prod`."""
    _hello_release(session, "status")


@nox.session
def publish(session: nox.Session) -> None:
    """Pushes a local image to ECR: `nox -s publish -- --image hello:<sha> --sha <sha>`."""
    _hello_release(session, "publish")
