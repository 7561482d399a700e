"""What keeps an unreviewed image or plan out of prod, asserted on the parsed workflows.

Each test states a rule and finds the jobs and steps it applies to by what they do (the
nox session they run, the action they use), not by job names, so a renamed job or a new
workflow is still held to it. The sessions these rules rely on (attest-verify, apply
--plan-dir) are run for real at the end, with a stand-in `gh`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from workflow_files import (
    AWS_CREDENTIALS,
    CHECKOUT,
    ROOT,
    WORKFLOW_FILES,
    WORKFLOWS,
    Job,
    all_jobs,
    env_value,
    environment_jobs,
    expression,
    flag,
    job_params,
    jobs,
    jobs_running,
    load,
    run,
    runs,
    sessions,
    steps,
    steps_using,
    uses_action,
    where,
)

from tools.project import ENVIRONMENTS

ECR_LOGIN = "aws-actions/amazon-ecr-login"
PROVENANCE = "actions/attest-build-provenance"
SBOM_ATTESTATION = "actions/attest-sbom"
SBOM = "anchore/sbom-action"
UPLOAD = "actions/upload-artifact"
DOWNLOAD = "actions/download-artifact"
PUBLISH_ROLE = "vars.AWS_PUBLISH_ROLE_ARN"
# Sessions that change which image an environment runs; they need git history.
RELEASES = re.compile(r"^nox -s (deploy|promote|rollback)\b")


def index(job: Job, predicate: Any) -> int:
    """Position of the one step matching `predicate`."""
    found = [i for i, step in enumerate(steps(job)) if predicate(step)]
    assert len(found) == 1, f"expected one matching step, found {len(found)}"
    return found[0]


def session_step(job: Job, session: str) -> int:
    return index(job, lambda step: run(step).startswith(f"nox -s {session} "))


def action_step(job: Job, name: str) -> int:
    return index(job, lambda step: uses_action(step, name))


def origin(workflow: dict[Any, Any], job_id: str, value: str) -> tuple[str, str]:
    """Follows `needs.<job>.outputs.<name>` back through job outputs to where it is made:
    (job id, expression), e.g. ("build", "steps.publish.outputs.digest")."""
    source = expression(value)
    while match := re.fullmatch(r"needs\.([\w-]+)\.outputs\.([\w-]+)", source):
        needed, output = match[1], match[2]
        needs = jobs(workflow)[job_id].get("needs", [])
        assert needed in ([needs] if isinstance(needs, str) else needs), (job_id, needed)
        job_id = needed
        source = expression(jobs(workflow)[job_id]["outputs"][output])
    return job_id, source


def deploy_jobs() -> dict[str, Job]:
    return jobs(load(WORKFLOWS / "deploy.yml"))


# --- the build job: its own role, no environment ---------------------------------------


def test_only_deploy_yml_build_publishes_and_it_has_no_environment() -> None:
    assert where(jobs_running("nox -s publish ")) == ["deploy.yml:build"]
    # The publish role trusts deploy.yml on main *without* an environment; every other
    # job of deploy.yml has one, so none of them can get a token the publish role accepts.
    without = sorted(job_id for job_id, job in deploy_jobs().items() if "environment" not in job)
    assert without == ["build"]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_only_the_build_job_assumes_the_publish_role(name: str, job_id: str, job: Job) -> None:
    credentials = steps_using(job, AWS_CREDENTIALS)
    roles = [str(step["with"]["role-to-assume"]) for step in credentials]
    publishes = runs(job, "nox -s publish ")
    if (name, job_id) == ("deploy.yml", "build"):
        assert roles == [f"${{{{ {PUBLISH_ROLE} }}}}"], "build assumes the publish role only"
        assert "environment" not in job
    else:
        assert not any(PUBLISH_ROLE in role for role in roles), f"{name}:{job_id}"
        assert not publishes, f"{name}:{job_id}"


# --- provenance: attest the pushed digest, verify it before prod -----------------------


def test_attestations_are_made_for_the_digest_publish_pushed() -> None:
    build = deploy_jobs()["build"]
    publish = session_step(build, "publish")
    publish_id = steps(build)[publish]["id"]
    pushed_image = flag(run(steps(build)[publish]), "--image")
    login = action_step(build, ECR_LOGIN)
    registry = f"steps.{steps(build)[login]['id']}.outputs.registry"
    sbom = action_step(build, SBOM)
    sbom_with = steps(build)[sbom]["with"]
    # Syft scans the very image publish pushed (hello:<sha> in bash and in expressions).
    assert sbom_with["image"].replace("${{ github.sha }}", "${GITHUB_SHA}") == pushed_image
    for attestation in (PROVENANCE, SBOM_ATTESTATION):
        position = action_step(build, attestation)
        step = steps(build)[position]
        assert position > publish, f"{attestation} runs before the image is pushed"
        assert step["with"]["subject-digest"] == f"${{{{ steps.{publish_id}.outputs.digest }}}}"
        assert step["with"]["subject-name"] == f"${{{{ {registry} }}}}/hello"
        assert step["with"]["push-to-registry"] is True
        assert login < position
        assert "continue-on-error" not in step
        assert "if" not in step
    sbom_attestation = steps(build)[action_step(build, SBOM_ATTESTATION)]
    assert sbom_attestation["with"]["sbom-path"] == sbom_with["output-file"]
    assert sbom < action_step(build, SBOM_ATTESTATION)


def test_only_the_build_job_can_write_attestations() -> None:
    writers = [
        f"{name}:{job_id}"
        for name, job_id, job in all_jobs()
        if job.get("permissions", {}).get("attestations") == "write"
    ]
    assert writers == ["deploy.yml:build"]


PROMOTES = "nox -s promote "


def test_promote_runs_where_expected() -> None:
    assert where(jobs_running(PROMOTES)) == ["deploy.yml:deploy-prod", "release.yml:release"]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(jobs_running(PROMOTES)))
def test_prod_verifies_the_attestation_of_the_digest_it_promotes(
    name: str, job_id: str, job: Job
) -> None:
    verify = session_step(job, "attest-verify")
    promote = session_step(job, "promote")
    assert verify < promote, "the attestation is verified before promoting"
    verify_step, promote_step = steps(job)[verify], steps(job)[promote]
    # The same digest and SHA in both, from the same variables.
    for option in ("--digest", "--sha"):
        assert flag(run(verify_step), option) == flag(run(promote_step), option)
    assert "--wait" in run(promote_step).split()
    # Fails closed: nothing between them may swallow a failure, and the check runs
    # whenever promote does.
    for step in steps(job)[: promote + 1]:
        assert "continue-on-error" not in step, f"{name}:{job_id}: {step}"
    assert verify_step.get("if") == promote_step.get("if")
    # The token reaches gh through env:, never through the command line.
    assert expression(verify_step["env"]["GH_TOKEN"]) == "github.token"
    assert "TOKEN" not in run(verify_step)
    assert job["permissions"]["attestations"] == "read"
    # The registry gh reads the manifest from is the one the ECR login step logged in to.
    login = action_step(job, ECR_LOGIN)
    assert login < verify
    registry = env_value(job, verify_step, flag(run(verify_step), "--image").split("/")[0][1:])
    assert registry == f"${{{{ steps.{steps(job)[login]['id']}.outputs.registry }}}}"


def test_deploy_prod_promotes_the_digest_the_build_published() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    build = jobs(workflow)["build"]
    publish_id = steps(build)[session_step(build, "publish")]["id"]
    for job_id, job in jobs(workflow).items():
        for step in steps(job):
            if not RELEASES.match(run(step)) and not run(step).startswith("nox -s attest-verify"):
                continue
            for option, output in (("--digest", "digest"), ("--sha", "sha")):
                variable = flag(run(step), option).removeprefix("$")
                made = origin(workflow, job_id, env_value(job, step, variable))
                assert made == ("build", f"steps.{publish_id}.outputs.{output}"), (job_id, option)


def test_release_promotes_only_the_digest_it_was_given_and_validated() -> None:
    release = load(WORKFLOWS / "release.yml")
    job = jobs(release)["release"]
    for session in ("attest-verify", "promote"):
        step = steps(job)[session_step(job, session)]
        digest = flag(run(step), "--digest").removeprefix("$")
        assert env_value(job, step, digest) == "${{ inputs.digest }}"
    validate = jobs(release)["validate"]
    assert validate["env"]["DIGEST"] == "${{ inputs.digest }}"
    assert "DIGEST" in run(steps(validate)[0])


# --- forward only: deploys see the history they compare against ------------------------


def test_release_jobs_are_the_expected_ones() -> None:
    assert where(jobs_running(RELEASES)) == [
        "deploy.yml:deploy-dev",
        "deploy.yml:deploy-prod",
        "release.yml:release",
    ]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(jobs_running(RELEASES)))
def test_jobs_that_deploy_check_out_full_history(name: str, job_id: str, job: Job) -> None:
    checkouts = steps_using(job, CHECKOUT)
    assert checkouts, f"{name}:{job_id} has no checkout"
    for checkout in checkouts:
        assert checkout["with"].get("fetch-depth") == 0, f"{name}:{job_id}"
        assert "ref" not in checkout["with"], "the checkout is the commit that triggered the run"


# --- one queue per environment, never cancelled ----------------------------------------


def test_each_environment_has_one_queue_shared_by_every_workflow() -> None:
    groups: dict[str, set[str]] = {}
    for name, job_id, job in environment_jobs():
        concurrency = job["concurrency"]
        assert concurrency["cancel-in-progress"] is False, f"{name}:{job_id}"
        groups.setdefault(str(concurrency["group"]), set()).add(name)
    assert groups == {
        "hello-dev": {"deploy.yml", "infra.yml"},
        "hello-prod": {"deploy.yml", "infra.yml"},
        # release.yml picks its environment at dispatch: either of the two groups.
        "hello-${{ inputs.env }}": {"release.yml"},
    }
    release = jobs(load(WORKFLOWS / "release.yml"))["release"]
    assert release["environment"] == "${{ inputs.env }}"
    options = load(WORKFLOWS / "release.yml")[True]["workflow_dispatch"]["inputs"]["env"]
    assert options["options"] == list(ENVIRONMENTS)


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_no_workflow_wide_concurrency_cancels_an_environment_change(path: Path) -> None:
    data = load(path)
    changes = [job_id for name, job_id, _job in environment_jobs() if name == path.name]
    concurrency = data.get("concurrency")
    if changes and concurrency is not None:
        assert concurrency.get("cancel-in-progress") is False, path.name


# --- infra: prod applies the plan that was saved and shown -----------------------------


def test_prod_applies_exactly_the_plan_artifact_its_plan_job_uploaded() -> None:
    assert where(jobs_running("nox -s apply -- prod")) == ["infra.yml:apply-prod"]
    workflow = load(WORKFLOWS / "infra.yml")
    apply_job = jobs(workflow)["apply-prod"]
    assert apply_job["environment"] == "prod-infra"
    apply = session_step(apply_job, "apply")
    plan_dir = flag(run(steps(apply_job)[apply]), "--plan-dir")
    # The artifact comes in by id, into the directory apply reads, before apply runs.
    download = action_step(apply_job, DOWNLOAD)
    assert download < apply
    fetched = steps(apply_job)[download]["with"]
    assert fetched["path"] == plan_dir
    plan_job_id, artifact = origin(workflow, "apply-prod", fetched["artifact-ids"])
    # ... made by the job that planned prod into that same directory and uploaded it.
    plan_job = jobs(workflow)[plan_job_id]
    upload = action_step(plan_job, UPLOAD)
    assert artifact == f"steps.{steps(plan_job)[upload]['id']}.outputs.artifact-id"
    plan = session_step(plan_job, "plan")
    assert run(steps(plan_job)[plan]).startswith("nox -s plan -- prod ")
    assert flag(run(steps(plan_job)[plan]), "--plan-dir") == plan_dir
    assert plan < upload
    uploaded = steps(plan_job)[upload]["with"]
    assert uploaded["path"] == plan_dir
    assert uploaded["if-no-files-found"] == "error"
    # The plan job has no environment and assumes prod's read-only plan role.
    assert "environment" not in plan_job
    (credentials,) = steps_using(plan_job, AWS_CREDENTIALS)
    assert credentials["with"]["role-to-assume"] == "${{ vars.AWS_PLAN_ROLE_ARN_PROD }}"
    # Only runs on main: a pull request's plan is never applied.
    assert plan_job["if"] == "github.event_name == 'push'"


def test_infra_yml_leaves_the_offline_checks_to_ci_yml() -> None:
    ci = load(WORKFLOWS / "ci.yml")
    assert "pull_request" in ci[True]
    assert "infra" in [session for job in jobs(ci).values() for session in sessions(job)]
    infra = load(WORKFLOWS / "infra.yml")
    assert "infra" not in [session for job in jobs(infra).values() for session in sessions(job)]


# --- the sessions these rules rely on, run for real ------------------------------------

NOX = shutil.which("nox")
needs_nox = pytest.mark.skipif(NOX is None, reason="nox is not on PATH")
COMMIT = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello"


def nox_session(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    assert NOX
    env = {key: value for key, value in os.environ.items() if not key.startswith("NOX")}
    env.pop("GITHUB_REPOSITORY", None)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [NOX, "--no-venv", "-f", str(ROOT / "noxfile.py"), "-s", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture
def fake_gh(tmp_path: Path) -> tuple[Path, Path]:
    """A `gh` that records its arguments and exits with the code in ./exit-code."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh-args"
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {log}\nexit $(cat {tmp_path}/exit-code)\n')
    gh.chmod(0o755)
    (tmp_path / "exit-code").write_text("0")
    return bin_dir, log


def verify_args(*extra: str) -> tuple[str, ...]:
    return ("attest-verify", "--", "--image", IMAGE, "--digest", DIGEST, "--sha", COMMIT, *extra)


@needs_nox
def test_attest_verify_pins_workflow_ref_and_commit(fake_gh: tuple[Path, Path]) -> None:
    bin_dir, log = fake_gh
    result = nox_session(
        *verify_args("--repo", "acme/hello-platform"), path=f"{bin_dir}:{os.environ['PATH']}"
    )
    assert result.returncode == 0, result.stderr
    assert log.read_text().splitlines() == [
        "attestation",
        "verify",
        f"oci://{IMAGE}@{DIGEST}",
        "--repo",
        "acme/hello-platform",
        "--signer-workflow",
        "acme/hello-platform/.github/workflows/deploy.yml",
        "--source-ref",
        "refs/heads/main",
        "--source-digest",
        COMMIT,
        "--deny-self-hosted-runners",
    ]


@needs_nox
def test_attest_verify_fails_when_gh_does(fake_gh: tuple[Path, Path]) -> None:
    bin_dir, _log = fake_gh
    (bin_dir.parent / "exit-code").write_text("1")
    result = nox_session(
        *verify_args("--repo", "acme/hello-platform"), path=f"{bin_dir}:{os.environ['PATH']}"
    )
    assert result.returncode != 0
    assert "provenance verified" not in result.stderr


@needs_nox
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (verify_args(), "--repo OWNER/NAME"),
        (verify_args("--repo", "not a repo"), "is not OWNER/NAME"),
        (("attest-verify", "--", "--image", IMAGE, "--digest", "sha256:12", "--sha", COMMIT),
         "is not an image digest"),
        (("attest-verify", "--", "--image", f"{IMAGE}:tag", "--digest", DIGEST, "--sha", COMMIT),
         "without a tag or digest"),
        (("attest-verify", "--", "--image", IMAGE, "--digest", DIGEST, "--sha", COMMIT[:7]),
         "is not a full 40-character git SHA"),
        (("attest-verify", "--", "--image", IMAGE, "--digest", DIGEST), "--sha"),
    ],
)  # fmt: skip
def test_attest_verify_rejects_bad_arguments(
    fake_gh: tuple[Path, Path], args: tuple[str, ...], message: str
) -> None:
    bin_dir, log = fake_gh
    result = nox_session(*args, path=f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode != 0
    assert message in result.stderr
    assert not log.exists(), "gh must not run on bad arguments"


def units(environment: str) -> list[str]:
    live = ROOT / "infra" / "live" / environment
    return sorted(path.parent.name for path in live.glob("*/terragrunt.hcl"))


ADMIN_UNITS = {"ci-roles", "github-repo"}


def save_plans(plan_dir: Path, names: list[str]) -> None:
    for name in names:
        (plan_dir / name).mkdir(parents=True)
        (plan_dir / name / "tfplan.tfplan").write_bytes(b"plan")


@needs_nox
def test_apply_refuses_a_plan_dir_missing_a_unit(tmp_path: Path) -> None:
    pipeline = [name for name in units("prod") if name not in ADMIN_UNITS]
    save_plans(tmp_path, pipeline[1:])
    result = nox_session("apply", "--", "prod", "--plan-dir", str(tmp_path))
    assert result.returncode != 0
    assert f"has no saved plan for {pipeline[0]}" in result.stderr


@needs_nox
def test_apply_refuses_plans_for_units_it_does_not_apply(tmp_path: Path) -> None:
    save_plans(tmp_path, [*units("prod"), "unknown-unit"])
    result = nox_session("apply", "--", "prod", "--plan-dir", str(tmp_path))
    assert result.returncode != 0
    assert "ci-roles" in result.stderr
    assert "unknown-unit" in result.stderr


@needs_nox
@pytest.mark.parametrize(
    "args",
    [("apply", "--", "staging"), ("apply", "--", "prod", "--plan"), ("plan", "--", "prod", "dev")],
)
def test_plan_and_apply_reject_bad_arguments(args: tuple[str, ...]) -> None:
    result = nox_session(*args)
    assert result.returncode != 0
    assert "usage: nox -s" in result.stderr


@pytest.fixture
def fake_terragrunt(tmp_path: Path) -> tuple[str, Path]:
    """`terragrunt` and `tofu` at the versions mise.toml pins, on PATH ahead of the real ones:
    terragrunt records its arguments and prints a plan."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "terragrunt-args"
    pins = (ROOT / "mise.toml").read_text()
    versions = dict(re.findall(r'^(terragrunt|opentofu) = "([\d.]+)"$', pins, re.MULTILINE))
    (bin_dir / "terragrunt").write_text(
        "#!/bin/sh\n"
        f'[ "$1" = --version ] && echo "terragrunt version v{versions["terragrunt"]}" && exit 0\n'
        f'printf "%s\\n" "$@" > {log}\n'
        'echo "Plan: 1 to add, 0 to change, 0 to destroy."\n'
    )
    (bin_dir / "tofu").write_text(f'#!/bin/sh\necho "OpenTofu v{versions["opentofu"]}"\n')
    for name in ("terragrunt", "tofu"):
        (bin_dir / name).chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}", log


def run_all_args(log: Path) -> tuple[list[str], list[str]]:
    """Terragrunt's own arguments and the ones it passes to tofu (after `--`)."""
    args = log.read_text().splitlines()
    split = args.index("--")
    return args[:split], args[split + 1 :]


@needs_nox
def test_plan_saves_the_plan_and_shows_it_in_the_summary(
    tmp_path: Path, fake_terragrunt: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, log = fake_terragrunt
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    plan_dir = tmp_path / "plans"
    result = nox_session("plan", "--", "prod", "--plan-dir", str(plan_dir), path=path)
    assert result.returncode == 0, result.stderr
    terragrunt, tofu = run_all_args(log)
    assert terragrunt[:3] == ["run", "--all", "--working-dir"]
    assert terragrunt[terragrunt.index("--out-dir") + 1] == str(plan_dir)
    excluded = {terragrunt[i + 1] for i, a in enumerate(terragrunt) if a == "--queue-exclude-dir"}
    assert excluded == ADMIN_UNITS
    assert tofu[0] == "plan"
    assert "-lock=false" in tofu
    assert "Plan: 1 to add" in summary.read_text()
    assert "## terragrunt plan: prod" in summary.read_text()


@needs_nox
def test_plan_refuses_a_plan_dir_that_already_holds_files(
    tmp_path: Path, fake_terragrunt: tuple[str, Path]
) -> None:
    path, log = fake_terragrunt
    save_plans(tmp_path / "plans", ["alb"])
    result = nox_session("plan", "--", "prod", "--plan-dir", str(tmp_path / "plans"), path=path)
    assert result.returncode != 0
    assert "is not empty" in result.stderr
    assert not log.exists()


@needs_nox
def test_apply_with_a_plan_dir_hands_the_saved_plans_to_terragrunt(
    tmp_path: Path, fake_terragrunt: tuple[str, Path]
) -> None:
    path, log = fake_terragrunt
    save_plans(tmp_path / "plans", [name for name in units("prod") if name not in ADMIN_UNITS])
    result = nox_session("apply", "--", "prod", "--plan-dir", str(tmp_path / "plans"), path=path)
    assert result.returncode == 0, result.stderr
    terragrunt, tofu = run_all_args(log)
    assert terragrunt[terragrunt.index("--out-dir") + 1] == str(tmp_path / "plans")
    excluded = {terragrunt[i + 1] for i, a in enumerate(terragrunt) if a == "--queue-exclude-dir"}
    assert excluded == ADMIN_UNITS
    assert tofu[0] == "apply"
