"""Every task a person or CI runs on hello-platform: `nox -l` lists them.

Python dependencies come from uv.lock (one dependency group per session);
the infra and workflow tools come from mise.toml, built from the Go module
proxy into a cache outside the repo when they are not already on PATH.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox
from nox.command import CommandFailed

# What the sessions run lives in the tools/ package next to this file.
sys.path.insert(0, str(Path(__file__).parent))
from tools import image_build, infra_checks, workflow_checks
from tools.args import session_args
from tools.go_tools import tofu_env, tool
from tools.project import BUILD, INFRA_BUILD, SERVICE, install_groups

# 2026.7.11: CommandFailed carries the command's exit code (the release sessions pass it on).
nox.needs_version = ">=2026.7.11"
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "tests", "smoke", "infra", "workflows"]

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
    "infra/checkov",
    ".github/tests",
]
# Each unit test suite, the package it covers and the coverage it must reach.
UNIT_TESTS = [
    ("services/hello/tests/unit", "hello", 95),
    ("infra/release/tests", "hello_release", 90),
    ("tools/tests", "tools", 90),
]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy over all Python in the repo."""
    fix = session_args(session).parse().fix
    install_groups(session, "lint", "workflows", "infra")
    session.run("ruff", "check", *(["--fix"] if fix else []), ".")
    session.run("ruff", "format", *([] if fix else ["--check"]), ".")
    session.run("mypy", *TYPED_SOURCES)
    image_build.check_requirements_export(session)


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests with coverage: the service, the release tool, tools/. Posargs go to pytest."""
    install_groups(session, "tests")
    for path, package, floor in UNIT_TESTS:
        session.run(
            "pytest", path, f"--cov={package}", "--cov-report=term-missing",
            f"--cov-fail-under={floor}", *session.posargs,
        )  # fmt: skip


# --- the image -----------------------------------------------------------------------------


@nox.session(venv_backend="none")
def image(session: nox.Session) -> None:
    """Builds the amd64 image hello:<git sha>; a dirty tree needs --allow-dirty. `--save FILE`
    also writes it to FILE, for a job that pushes it without building:
    `nox -s publish -- --archive build/image.tar --image hello:<sha> --sha <sha>`."""
    args = session_args(session).parse()
    image_build.build_image(session, allow_dirty=args.allow_dirty, save=args.save)


@nox.session
def smoke(session: nox.Session) -> None:
    """Builds the image and tests the running container with pytest-docker."""
    install_groups(session, "smoke")
    built = image_build.build_image(session, allow_dirty=True)
    session.run(
        "pytest", "services/hello/tests/smoke", *session.posargs,
        env={"HELLO_IMAGE": built.tag, "HELLO_EXPECTED_REVISION": built.revision},
    )  # fmt: skip


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Builds the image if needed and serves it on http://localhost:8000 until Ctrl-C."""
    built = image_build.build_image(session, allow_dirty=True)
    session.log("serving on http://localhost:8000 (Ctrl-C stops it)")
    session.run(
        "docker", "run", "--rm", "--name", f"{image_build.IMAGE_NAME}-serve",
        "--publish", "127.0.0.1:8000:8000", "--read-only",
        "--env", "HELLO_ENVIRONMENT=local", built.tag,
        external=True,
    )  # fmt: skip


@nox.session
def lock(session: nox.Session) -> None:
    """Re-locks Python dependencies and re-exports the image's hashed requirements."""
    session.run("uv", "lock", *session.posargs, external=True)
    session.run(
        *image_build.EXPORT_REQUIREMENTS, f"--output-file={image_build.REQUIREMENTS}",
        external=True,
    )  # fmt: skip


@nox.session
def bench(session: nox.Session) -> None:
    """Product image vs a naive baseline and vs its stack's ceiling (a bare WSGI app): load
    in interleaved wrk rounds, cold start, size, rebuild; prints medians, writes JSON."""
    install_groups(session, "bench")
    if not shutil.which("wrk"):
        session.error("wrk is missing: `apt-get install wrk`")
    session.run(
        "python", str(SERVICE / "bench" / "bench.py"),
        "--base", image_build.base_image(session), "--platform", image_build.PLATFORM,
        "--output", str(BUILD / "bench" / "results.json"),
        *session.posargs, env=image_build.docker_env(),
    )  # fmt: skip


@nox.session
def workflows(session: nox.Session) -> None:
    """actionlint (with shellcheck), zizmor (default and auditor personas) on .github/, then
    pytest on the parsed workflows."""
    install_groups(session, "workflows")
    workflow_checks.actionlint(session)
    workflow_checks.zizmor(session)
    session.run("pytest", ".github/tests", *session.posargs)


# --- infra: OpenTofu modules and Terragrunt environments -------------------------------


@nox.session
def infra(session: nox.Session) -> None:
    """Offline checks of infra/: formatting, terragrunt validate and render, `tofu test` of
    the provider-free modules, pytest on the rendered configs and policies, the deploy-time budget,
    IAM lint and policy quotas, tflint, checkov and module READMEs; tofu validate too when
    the provider registry is reachable. `-- --fix` rewrites formatting
    and README tables instead of checking them."""
    args = session_args(session).parse()
    install_groups(session, "infra")
    tofu = tool(session, "opentofu")
    terragrunt = tool(session, "terragrunt")
    tflint = tool(session, "tflint")
    terraform_docs = tool(session, "terraform-docs")
    INFRA_BUILD.mkdir(parents=True, exist_ok=True)
    offline = infra_checks.offline_env(tofu)

    infra_checks.formatting(session, tofu, terragrunt, offline, fix=args.fix)
    infra_checks.hcl_validate(session, terragrunt, offline)
    infra_checks.render(session, terragrunt, offline)
    infra_checks.policy_tests(session, tofu)
    session.run("pytest", "infra/tests", "-q", *args.rest, env=tofu_env())
    infra_checks.deploy_budget(session)
    infra_checks.iam_lint(session)
    infra_checks.policy_quotas(session)
    infra_checks.tflint(session, tflint)
    infra_checks.checkov(session)
    infra_checks.module_docs(session, terraform_docs, fix=args.fix)
    infra_checks.validate(session, tofu)


@nox.session(venv_backend="none")
def plan(session: nox.Session) -> None:
    """`terragrunt run --all plan` in infra/live/<env>: `nox -s plan -- dev`. Read-only:
    plans run with -lock=false, so the plan roles need no write access. `--plan-dir DIR`
    saves each unit's plan under DIR for `nox -s apply -- <env> --plan-dir DIR`. In GitHub
    Actions the plan is also written to the job summary."""
    args = session_args(session).parse()
    infra_checks.plan(session, args.environment, args.plan_dir)


@nox.session(venv_backend="none")
def apply(session: nox.Session) -> None:
    """`terragrunt run --all apply` in infra/live/<env>: `nox -s apply -- prod`. Leaves out
    the units an administrator applies at bootstrap (ADMIN_UNITS, docs/bootstrap.md).
    `--plan-dir DIR` applies exactly the plans `nox -s plan -- <env> --plan-dir DIR` saved,
    and refuses unless DIR holds one for every unit."""
    args = session_args(session).parse()
    infra_checks.apply(session, args.environment, args.plan_dir)


# --- provenance: the build's attestation, checked before prod runs an image -------------

# The one workflow and ref allowed to have built what prod runs: the certificate identity
# (its SubjectAlternativeName) `gh attestation verify` must find exactly, not as a pattern.
SIGNER_WORKFLOW = ".github/workflows/deploy.yml"
SIGNER_REF = "refs/heads/main"


@nox.session(name="attest-verify", venv_backend="none")
def attest_verify(session: nox.Session) -> None:
    """Verifies an image digest's build provenance attestation: made by this repository's
    deploy.yml on main, from commit SHA, on a GitHub-hosted runner; fails otherwise.
    `nox -s attest-verify -- --image <registry>/hello --digest sha256:... --sha <sha>`.
    Runs the GitHub CLI pinned in mise.toml (built from the Go module proxy on first use
    where mise has not installed it), logged in or with GH_TOKEN, and needs docker
    credentials for the registry."""
    args = session_args(session).parse()
    if not args.repo:
        session.error("name the repository that built the image: --repo OWNER/NAME")
    gh = tool(session, "gh")
    identity = f"https://github.com/{args.repo}/{SIGNER_WORKFLOW}@{SIGNER_REF}"
    session.run(
        gh, "attestation", "verify", f"oci://{args.image}@{args.digest}",
        "--repo", args.repo,
        "--cert-identity", identity,
        "--source-ref", SIGNER_REF,
        "--source-digest", args.sha,
        "--deny-self-hosted-runners",
        external=True,
    )  # fmt: skip
    session.log(f"{args.digest}: provenance verified (signed by {identity})")


# --- releases: thin wrappers over hello-release (infra/release); arguments go through posargs ---

# hello-release's exit code for input it refused before contacting anything.
BAD_INPUT = 2


def _hello_release(session: nox.Session, command: str) -> None:
    """Runs hello-release's `command` with the session's posargs, and exits with the tool's
    exit code, so refused input stays 2 (nox ends any other failed session with 1)."""
    install_groups(session, "release")
    try:
        session.run("hello-release", command, *session.posargs)
    except CommandFailed as failed:
        if failed.return_code == BAD_INPUT:
            raise SystemExit(BAD_INPUT) from None
        raise


@nox.session
def deploy(session: nox.Session) -> None:
    """Deploys an image by digest: `nox -s deploy -- --env dev --sha <sha> --digest sha256:...`."""
    _hello_release(session, "deploy")


@nox.session
def verify(session: nox.Session) -> None:
    """Polls /version until it reports a SHA: `nox -s verify -- --env dev --sha <sha>`."""
    _hello_release(session, "verify")


@nox.session
def promote(session: nox.Session) -> None:
    """Promotes dev's digest to prod: `nox -s promote -- --sha <sha> --digest sha256:...`."""
    _hello_release(session, "promote")


@nox.session
def rollback(session: nox.Session) -> None:
    """Rolls an environment back: `nox -s rollback -- --env prod --to-sha <sha>`."""
    _hello_release(session, "rollback")


@nox.session(name="rollback-target")
def rollback_target(session: nox.Session) -> None:
    """Shows the revision a rollback would go to, with its SHA and digest, refusing in prod one
    no release registered; changes nothing:
    `nox -s rollback-target -- --env prod --to-sha <sha>`."""
    _hello_release(session, "rollback-target")


@nox.session
def status(session: nox.Session) -> None:
    """Shows what an environment runs: `nox -s status -- --env prod`."""
    _hello_release(session, "status")


@nox.session(name="copy-image")
def copy_image(session: nox.Session) -> None:
    """Copies the image the build pushed into prod's own repository, by digest, as promote
    does first; at bootstrap, the first image: `nox -s copy-image -- --env prod --sha <sha>
    --digest sha256:... --registry-id DEV`."""
    _hello_release(session, "copy-image")


# The environment lock (docs/runbooks/stale-lock.md). In GitHub Actions the run comes from
# GITHUB_RUN_ID and the state bucket that holds the lock from HELLO_STATE_BUCKET.


@nox.session(name="env-lock")
def env_lock(session: nox.Session) -> None:
    """Takes an environment's lock for a run, or takes over the run's own; refuses while
    another run holds it:
    `nox -s env-lock -- --env prod --state-bucket BUCKET --run-id manual-alice`."""
    _hello_release(session, "lock")


@nox.session(name="env-unlock")
def env_unlock(session: nox.Session) -> None:
    """Releases the environment's lock a run holds:
    `nox -s env-unlock -- --env prod --state-bucket BUCKET --run-id manual-alice`."""
    _hello_release(session, "unlock")


@nox.session(name="env-lock-status")
def env_lock_status(session: nox.Session) -> None:
    """Shows who holds an environment's lock, and its ETag:
    `nox -s env-lock-status -- --env prod --state-bucket BUCKET`."""
    _hello_release(session, "lock-status")


@nox.session(name="env-break-lock")
def env_break_lock(session: nox.Session) -> None:
    """Removes a stale lock, only while its ETag is still the one shown (an admin, once its
    run is over): `nox -s env-break-lock -- --env prod --state-bucket BUCKET --etag ETAG`."""
    _hello_release(session, "break-lock")


# Applies move forward only (docs/runbooks/stale-lock.md#applies-move-forward-only): the
# apply jobs check under the lock before they apply and record at the end.


@nox.session(name="apply-check")
def apply_check(session: nox.Session) -> None:
    """Refuses unless the checkout's HEAD is the commit last applied to the environment or a
    descendant of it (any commit before the first apply is recorded):
    `nox -s apply-check -- --env prod --state-bucket BUCKET`."""
    _hello_release(session, "apply-check")


@nox.session(name="apply-record")
def apply_record(session: nox.Session) -> None:
    """Records the checkout's HEAD as the commit last applied to the environment (an admin,
    after applying by hand): `nox -s apply-record -- --env prod --state-bucket BUCKET
    --run-id manual-alice`."""
    _hello_release(session, "apply-record")


@nox.session
def publish(session: nox.Session) -> None:
    """Pushes a local image to ECR: `nox -s publish -- --image hello:<sha> --sha <sha>`."""
    _hello_release(session, "publish")
