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
    Step,
    all_jobs,
    env_value,
    environment_jobs,
    expression,
    flag,
    job_params,
    jobs,
    jobs_running,
    load,
    needs,
    run,
    runs,
    sessions,
    steps,
    steps_using,
    uses_action,
    where,
)

from tools.project import ENVIRONMENTS, pinned_versions

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


# --- build, push, SBOM, attest: each job holds only what its own steps need -------------

ATTEST_ACTIONS = (PROVENANCE, SBOM_ATTESTATION)
# What gives a job a credential: an OIDC token (a role, a signing certificate) or a
# GITHUB_TOKEN that can write.
ID_TOKEN = "id-token"  # noqa: S105 (a permission's name)


def deploy_job(predicate: Any) -> tuple[str, Job]:
    """The one job of deploy.yml matching `predicate`: (job id, job)."""
    found = [(job_id, job) for job_id, job in deploy_jobs().items() if predicate(job)]
    assert len(found) == 1, [job_id for job_id, _ in found]
    return found[0]


def pushes(job: Job) -> bool:
    return runs(job, "nox -s publish ")


def attests(job: Job) -> bool:
    return any(steps_using(job, name) for name in ATTEST_ACTIONS)


def downloaded(workflow: dict[Any, Any], job_id: str, step: Step) -> tuple[str, Step]:
    """The job and upload step that made the artifact a download step fetches by id."""
    made_in, artifact = origin(workflow, job_id, step["with"]["artifact-ids"])
    upload = steps(jobs(workflow)[made_in])[action_step(jobs(workflow)[made_in], UPLOAD)]
    assert artifact == f"steps.{upload['id']}.outputs.artifact-id", artifact
    return made_in, upload


def fetched_file(workflow: dict[Any, Any], job_id: str, name: str) -> str:
    """The path at which the job's one download step puts the single file it fetches, after
    checking it is the file an upload step of this run made (by artifact id)."""
    job = jobs(workflow)[job_id]
    step = steps(job)[action_step(job, DOWNLOAD)]
    _made_in, upload = downloaded(workflow, job_id, step)
    assert upload["with"]["name"] == name
    assert upload["with"]["if-no-files-found"] == "error"
    file = Path(str(upload["with"]["path"])).name
    return f"{step['with']['path']}/{file}"


def test_only_deploy_yml_pushes_and_the_push_job_has_no_environment() -> None:
    assert where(jobs_running("nox -s publish ")) == ["deploy.yml:push"]
    # The publish role trusts deploy.yml on main *without* an environment: every other job
    # of deploy.yml that can get an OIDC token runs in one, so no other job gets a token
    # the publish role accepts.
    tokens = [job_id for job_id, job in deploy_jobs().items() if ID_TOKEN in job["permissions"]]
    assert [job_id for job_id in tokens if "environment" not in deploy_jobs()[job_id]] == ["push"]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_only_the_push_job_assumes_the_publish_role(name: str, job_id: str, job: Job) -> None:
    credentials = steps_using(job, AWS_CREDENTIALS)
    roles = [str(step["with"]["role-to-assume"]) for step in credentials]
    if (name, job_id) == ("deploy.yml", "push"):
        assert roles == [f"${{{{ {PUBLISH_ROLE} }}}}"], "push assumes the publish role only"
        assert "environment" not in job
    else:
        assert not any(PUBLISH_ROLE in role for role in roles), f"{name}:{job_id}"
        assert not pushes(job), f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_no_job_that_builds_or_runs_the_sbom_tool_holds_a_token_or_role(
    name: str, job_id: str, job: Job
) -> None:
    # The build runs the repository's code and the base image's; syft is downloaded when the
    # SBOM action runs. Neither may sign, push or write anything.
    if not runs(job, "nox -s (image|smoke)\\b") and not steps_using(job, SBOM):
        return
    permissions = job["permissions"]
    assert set(permissions) <= {"contents"}, f"{name}:{job_id}: {permissions}"
    assert permissions.get("contents", "read") == "read", f"{name}:{job_id}"
    assert not steps_using(job, AWS_CREDENTIALS), f"{name}:{job_id}"
    assert not steps_using(job, ECR_LOGIN), f"{name}:{job_id}"
    assert not pushes(job), f"{name}:{job_id}"


def test_the_sbom_job_has_no_token_at_all_and_no_checkout() -> None:
    _job_id, job = deploy_job(lambda job: bool(steps_using(job, SBOM)))
    assert job["permissions"] == {}
    assert not steps_using(job, CHECKOUT)
    assert not [step for step in steps(job) if "run" in step]


def test_the_image_the_push_job_pushes_is_the_one_the_build_saved() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    build_id, build = deploy_job(lambda job: runs(job, "nox -s image "))
    push_id, push = deploy_job(pushes)
    saved = flag(run(steps(build)[session_step(build, "image")]), "--save")
    upload = steps(build)[action_step(build, UPLOAD)]
    assert upload["with"]["path"] == saved
    assert session_step(build, "image") < action_step(build, UPLOAD)
    archive = flag(run(steps(push)[session_step(push, "publish")]), "--archive")
    assert fetched_file(workflow, push_id, "image") == archive
    assert downloaded(workflow, push_id, steps(push)[action_step(push, DOWNLOAD)])[0] == build_id
    # The SBOM is made of that same saved image.
    sbom_id, sbom = deploy_job(lambda job: bool(steps_using(job, SBOM)))
    scanned = fetched_file(workflow, sbom_id, "image")
    assert steps(sbom)[action_step(sbom, SBOM)]["with"]["image"] == f"docker-archive:{scanned}"


def test_the_push_job_runs_only_the_push() -> None:
    _push_id, push = deploy_job(pushes)
    assert push["permissions"] == {"contents": "read", ID_TOKEN: "write"}
    # Checkout, nox and the image come first; then the role, and with it only the push.
    kinds = []
    for step in steps(push):
        reference = str(step.get("uses", ""))
        kinds.append(reference.split("@")[0] if reference else run(step).split(" --")[0])
    assert kinds == [
        CHECKOUT, "./.github/actions/setup", DOWNLOAD, AWS_CREDENTIALS, "nox -s publish",
    ]  # fmt: skip


def test_the_attest_job_runs_only_the_attest_actions() -> None:
    attesting = [f"{n}:{j}" for n, j, job in all_jobs() if attests(job)]
    assert attesting == ["deploy.yml:attest"]
    job = deploy_jobs()["attest"]
    assert job["permissions"] == {ID_TOKEN: "write", "attestations": "write"}
    used = [str(step.get("uses", "")).split("@")[0] for step in steps(job)]
    assert used == [DOWNLOAD, PROVENANCE, SBOM_ATTESTATION]
    assert not [step for step in steps(job) if "run" in step]
    # In an environment no role trusts: its token is good for Sigstore only.
    assert job["environment"] == "attest"


def test_only_the_attest_job_can_write_attestations() -> None:
    writers = [
        f"{name}:{job_id}"
        for name, job_id, job in all_jobs()
        if job.get("permissions", {}).get("attestations") == "write"
    ]
    assert writers == ["deploy.yml:attest"]


def test_attestations_are_made_for_the_digest_the_push_reported() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    push_id, push = deploy_job(pushes)
    publish_id = steps(push)[session_step(push, "publish")]["id"]
    job = deploy_jobs()["attest"]
    sbom_path = fetched_file(workflow, "attest", "sbom")
    sbom_id, sbom = deploy_job(lambda job: bool(steps_using(job, SBOM)))
    assert downloaded(workflow, "attest", steps(job)[action_step(job, DOWNLOAD)])[0] == sbom_id
    made = steps(sbom)[action_step(sbom, SBOM)]["with"]["output-file"]
    assert steps(sbom)[action_step(sbom, UPLOAD)]["with"]["path"] == made
    for attestation in ATTEST_ACTIONS:
        step = steps(job)[action_step(job, attestation)]
        with_ = step["with"]
        for key, output in (("subject-digest", "digest"), ("subject-name", "repository")):
            assert origin(workflow, "attest", with_[key]) == (
                push_id,
                f"steps.{publish_id}.outputs.{output}",
            ), key
        # Stored with GitHub, where attest-verify reads them; the registry would need a role.
        assert with_.get("push-to-registry", False) is False
        assert "continue-on-error" not in step
        assert "if" not in step
    sbom_attestation = steps(job)[action_step(job, SBOM_ATTESTATION)]
    assert sbom_attestation["with"]["sbom-path"] == sbom_path
    assert Path(sbom_path).name == Path(made).name


def test_nothing_is_deployed_before_it_is_attested() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    for job_id, job in deploy_jobs().items():
        if runs(job, RELEASES):
            assert "attest" in needs(workflow, job_id), job_id


PROMOTES = "nox -s promote "


def verify_step_when(job: Job, condition: Any) -> int:
    """Position of the one attest-verify step that runs under `condition` (its `if`)."""
    return index(
        job,
        lambda step: run(step).startswith("nox -s attest-verify ") and step.get("if") == condition,
    )


def promote_check(job: Job, promote: Step) -> int:
    """The attest-verify step that runs whenever promote does."""
    return verify_step_when(job, promote.get("if"))


def test_promote_runs_where_expected() -> None:
    assert where(jobs_running(PROMOTES)) == ["deploy.yml:deploy-prod", "release.yml:release"]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(jobs_running(PROMOTES)))
def test_prod_verifies_the_attestation_of_the_digest_it_promotes(
    name: str, job_id: str, job: Job
) -> None:
    promote = session_step(job, "promote")
    promote_step = steps(job)[promote]
    verify = promote_check(job, promote_step)
    assert verify < promote, "the attestation is verified before promoting"
    verify_step = steps(job)[verify]
    # The same digest and SHA in both, from the same variables.
    for option in ("--digest", "--sha"):
        assert flag(run(verify_step), option) == flag(run(promote_step), option)
    assert "--wait" in run(promote_step).split()
    # Fails closed: nothing between them may swallow a failure, and the check runs
    # whenever promote does.
    for step in steps(job)[: promote + 1]:
        assert "continue-on-error" not in step, f"{name}:{job_id}: {step}"
    # The token reaches gh through env:, never through the command line.
    assert expression(verify_step["env"]["GH_TOKEN"]) == "github.token"
    assert "TOKEN" not in run(verify_step)
    assert job["permissions"]["attestations"] == "read"
    # The registry gh reads the manifest from is the one an ECR login step logged in to.
    registry = env_value(job, verify_step, flag(run(verify_step), "--image").split("/")[0][1:])
    login = index(
        job,
        lambda step: (
            uses_action(step, ECR_LOGIN)
            and registry == f"${{{{ steps.{step.get('id')}.outputs.registry }}}}"
        ),
    )
    assert login < verify


def test_deploy_prod_promotes_the_digest_the_push_reported() -> None:
    workflow = load(WORKFLOWS / "deploy.yml")
    push_id, push = deploy_job(pushes)
    publish_id = steps(push)[session_step(push, "publish")]["id"]
    for job_id, job in jobs(workflow).items():
        for step in steps(job):
            if not RELEASES.match(run(step)) and not run(step).startswith("nox -s attest-verify"):
                continue
            for option, output in (("--digest", "digest"), ("--sha", "sha")):
                variable = flag(run(step), option).removeprefix("$")
                made = origin(workflow, job_id, env_value(job, step, variable))
                assert made == (push_id, f"steps.{publish_id}.outputs.{output}"), (job_id, option)


def test_release_promotes_only_the_digest_it_was_given_and_validated() -> None:
    release = load(WORKFLOWS / "release.yml")
    job = jobs(release)["release"]
    promote = steps(job)[session_step(job, "promote")]
    verify = steps(job)[promote_check(job, promote)]
    for step in (verify, promote):
        digest = flag(run(step), "--digest").removeprefix("$")
        assert env_value(job, step, digest) == "${{ inputs.digest }}"
    validate = jobs(release)["validate"]
    assert validate["env"]["DIGEST"] == "${{ inputs.digest }}"
    assert "DIGEST" in run(steps(validate)[0])


BREAK_GLASS = "--break-glass"


def test_break_glass_is_a_reviewed_choice_of_the_prod_promotion_only() -> None:
    """Only release.yml's promote passes a load-only alarm, only when the dispatcher chose
    it, in the prod environment whose reviewers approve the job by a name that says so."""
    release = load(WORKFLOWS / "release.yml")
    choice = release[True]["workflow_dispatch"]["inputs"]["break_glass"]
    assert choice["type"] == "boolean"
    assert choice["default"] is False
    using = [
        (workflow.name, job_id, step)
        for workflow in WORKFLOW_FILES
        for job_id, job in jobs(load(workflow)).items()
        for step in steps(job)
        if BREAK_GLASS in run(step)
    ]
    assert [(name, job_id) for name, job_id, _ in using] == [("release.yml", "release")]
    job = jobs(release)["release"]
    (step,) = [step for _, _, step in using]
    assert step == steps(job)[session_step(job, "promote")]
    assert run(step).endswith(" ${BREAK_GLASS:+--break-glass}")
    assert step["env"]["BREAK_GLASS"] == "${{ inputs.break_glass && 'yes' || '' }}"
    # promote runs only with env prod (test_release_validation): the environment's reviewers.
    assert job["environment"] == "${{ inputs.env }}"
    assert "inputs.break_glass && ' BREAK GLASS'" in job["name"]


# --- rollback: prod goes back only to an attested digest ------------------------------

ROLLS_BACK = "nox -s rollback "


def test_rollback_runs_only_in_the_release_workflow() -> None:
    assert where(jobs_running(ROLLS_BACK)) == ["release.yml:release"]


def test_prod_rollback_verifies_the_attestation_of_its_target_first() -> None:
    release = load(WORKFLOWS / "release.yml")
    job = jobs(release)["release"]
    # The job runs in the environment chosen at dispatch: prod among them.
    assert job["environment"] == "${{ inputs.env }}"
    (rollback,) = [i for i, step in enumerate(steps(job)) if run(step).startswith(ROLLS_BACK)]
    rollback_step = steps(job)[rollback]
    # It goes to the revision the target step named ...
    target = session_step(job, "rollback-target")
    target_step = steps(job)[target]
    assert target < rollback
    assert target_step.get("if") == rollback_step.get("if")
    revision = flag(run(rollback_step), "--to-revision").removeprefix("$")
    assert env_value(job, rollback_step, revision) == (
        f"${{{{ steps.{target_step['id']}.outputs.revision }}}}"
    )
    assert flag(run(target_step), "--env") == flag(run(rollback_step), "--env")
    assert "--to-sha" not in run(rollback_step)
    # ... after, in prod, the provenance of that revision's digest and SHA was verified.
    condition = f"{rollback_step['if']} && inputs.env == 'prod'"
    verify = verify_step_when(job, condition)
    assert target < verify < rollback
    verify_step = steps(job)[verify]
    for option, output in (("--digest", "digest"), ("--sha", "sha")):
        variable = flag(run(verify_step), option).removeprefix("$")
        assert env_value(job, verify_step, variable) == (
            f"${{{{ steps.{target_step['id']}.outputs.{output} }}}}"
        ), option
    # The image is read from where the revision pins it (prod's own repository), in the
    # registry of this account, which an ECR login without `registries` logs in to.
    image = flag(run(verify_step), "--image").strip('"').removeprefix("$")
    assert env_value(job, verify_step, image) == (
        f"${{{{ steps.{target_step['id']}.outputs.repository }}}}"
    )
    logins = [
        i for i, step in enumerate(steps(job))
        if step.get("uses", "").startswith(ECR_LOGIN + "@")
        and "registries" not in step.get("with", {})
    ]  # fmt: skip
    assert len(logins) == 1
    assert logins[0] < verify
    assert steps(job)[logins[0]]["if"] == condition
    # Fails closed, with the token in env:.
    for step in steps(job)[: rollback + 1]:
        assert "continue-on-error" not in step, step
    assert expression(verify_step["env"]["GH_TOKEN"]) == "github.token"


def test_rollback_target_takes_the_one_target_validate_let_through() -> None:
    job = jobs(load(WORKFLOWS / "release.yml"))["release"]
    step = steps(job)[session_step(job, "rollback-target")]
    to = env_value(job, step, run(step).split()[-1].strip('"').removeprefix("$"))
    assert expression(to) == (
        "inputs.sha != '' && format('--to-sha={0}', inputs.sha)"
        " || format('--to-revision={0}', inputs.revision)"
    )


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


# --- the environment lock: what a cancelled run leaves, the next run refuses ------------

# The steps that change an environment (rollback-target only reads).
CHANGES = re.compile(r"^nox -s (deploy|promote|rollback|apply) ")


def locked_environment(job: Job, step: Step) -> str:
    """The environment a lock step names, through the variable it is given in."""
    named = flag(run(step), "--env")
    return env_value(job, step, named[1:]) if named.startswith("$") else named


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(environment_jobs()))
def test_each_change_holds_the_environment_lock_from_before_it_to_the_end_unless_cancelled(
    name: str, job_id: str, job: Job
) -> None:
    found = steps(job)
    lock, unlock = session_step(job, "env-lock"), session_step(job, "env-unlock")
    changes = [i for i, step in enumerate(found) if CHANGES.match(run(step))]
    assert changes, f"{name}:{job_id}"
    # Taken, unconditionally, before the first change and after the role is assumed.
    assert action_step(job, AWS_CREDENTIALS) < lock < min(changes)
    assert "if" not in found[lock], f"{name}:{job_id}"
    # Released last, when the run ends, unless it was cancelled (a cancelled step may
    # have stopped half way; a failed one reported what it changed, and the next run
    # finishes it), and only by the run that took it.
    assert found[lock]["id"] == "lock", f"{name}:{job_id}"
    assert found[unlock]["if"] == "${{ !cancelled() && steps.lock.outcome == 'success' }}"
    assert max(changes) < unlock
    assert not any(step.get("continue-on-error") for step in found[:unlock]), f"{name}:{job_id}"
    later = [run(step) for step in found[unlock + 1 :]]
    assert all(command.startswith("nox -s status ") for command in later), later
    # Both name the environment the job runs in (its -infra twin for applies).
    environment = str(job["environment"]).removesuffix("-infra")
    assert locked_environment(job, found[lock]) == environment, f"{name}:{job_id}"
    assert locked_environment(job, found[unlock]) == environment, f"{name}:{job_id}"
    assert expression(job["env"]["HELLO_STATE_BUCKET"]) == "vars.HELLO_STATE_BUCKET"


def test_only_the_jobs_that_change_an_environment_lock_it_and_none_breaks_a_lock() -> None:
    assert where(jobs_running("nox -s env-lock ")) == where(environment_jobs())
    assert where(jobs_running("nox -s env-unlock ")) == where(environment_jobs())
    # Removing another run's lock is an admin's, by hand (docs/runbooks/stale-lock.md).
    assert jobs_running("nox -s env-break-lock") == []


# --- infra: applies move forward only ---------------------------------------------------

APPLIES = "nox -s apply -- "


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(jobs_running(APPLIES)))
def test_each_apply_checks_it_moves_forward_under_the_lock_and_records_after_it(
    name: str, job_id: str, job: Job
) -> None:
    found = steps(job)
    lock, unlock = session_step(job, "env-lock"), session_step(job, "env-unlock")
    check, record = session_step(job, "apply-check"), session_step(job, "apply-record")
    apply = session_step(job, "apply")
    # Checked under the lock before the apply; recorded after it, still under the lock, and
    # only when it succeeded (the lock test: nothing before the release has an `if:`).
    assert lock < check < apply < record < unlock, f"{name}:{job_id}"
    assert "if" not in found[check], f"{name}:{job_id}"
    assert "if" not in found[record], f"{name}:{job_id}"
    environment = str(job["environment"]).removesuffix("-infra")
    assert locked_environment(job, found[check]) == environment, f"{name}:{job_id}"
    assert locked_environment(job, found[record]) == environment, f"{name}:{job_id}"
    # The check follows the history back to the last applied commit.
    for checkout in steps_using(job, CHECKOUT):
        assert checkout["with"].get("fetch-depth") == 0, f"{name}:{job_id}"
        assert "ref" not in checkout["with"], "the checkout is the commit that triggered the run"


def test_only_the_apply_jobs_check_and_record_the_last_applied_commit() -> None:
    applies = where(jobs_running(APPLIES))
    assert applies == ["infra.yml:apply-dev", "infra.yml:apply-prod"]
    assert where(jobs_running("nox -s apply-check ")) == applies
    assert where(jobs_running("nox -s apply-record ")) == applies


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


def nox_session(
    *args: str, path: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    assert NOX
    run_env = {key: value for key, value in os.environ.items() if not key.startswith("NOX")}
    run_env.pop("GITHUB_REPOSITORY", None)
    if path is not None:
        run_env["PATH"] = path
    return subprocess.run(
        [NOX, "--no-venv", "-f", str(ROOT / "noxfile.py"), "-s", *args],
        cwd=ROOT,
        env=run_env | (env or {}),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


GH = pinned_versions()["gh"]


class FakeGh:
    """The GitHub CLI pinned in mise.toml as the attest-verify session finds it built in
    the tools cache: it records its arguments in `log` and exits with the code in
    `exit_code`. First on PATH is a `gh` of another version (what a runner ships), which
    records its arguments in `other_log`."""

    def __init__(self, tmp_path: Path) -> None:
        cache, on_path = tmp_path / "tools", tmp_path / "bin"
        self.log, self.other_log = tmp_path / "gh-args", tmp_path / "other-gh-args"
        self.exit_code = tmp_path / "exit-code"
        self.exit_code.write_text("0")
        self._program(cache / "gh" / GH / "bin", GH, self.log)
        self._program(on_path, "2.40.0", self.other_log)
        self.env = {"HELLO_TOOLS_CACHE": str(cache), "PATH": f"{on_path}:{os.environ['PATH']}"}

    def _program(self, bin_dir: Path, version: str, log: Path) -> None:
        bin_dir.mkdir(parents=True)
        gh = bin_dir / "gh"
        gh.write_text(
            "#!/bin/sh\n"
            f'[ "$1" = --version ] && echo "gh version {version} (2026-01-01)" && exit 0\n'
            f'printf "%s\\n" "$@" > {log}\nexit $(cat {self.exit_code})\n'
        )
        gh.chmod(0o755)


@pytest.fixture
def fake_gh(tmp_path: Path) -> FakeGh:
    return FakeGh(tmp_path)


def verify_args(*extra: str) -> tuple[str, ...]:
    return ("attest-verify", "--", "--image", IMAGE, "--digest", DIGEST, "--sha", COMMIT, *extra)


@needs_nox
def test_attest_verify_pins_the_exact_signer_identity_ref_and_commit(fake_gh: FakeGh) -> None:
    result = nox_session(*verify_args("--repo", "acme/hello-platform"), env=fake_gh.env)
    assert result.returncode == 0, result.stderr
    assert fake_gh.log.read_text().splitlines() == [
        "attestation",
        "verify",
        f"oci://{IMAGE}@{DIGEST}",
        "--repo",
        "acme/hello-platform",
        # The certificate's identity, matched exactly: no pattern, which older gh releases
        # made of --signer-workflow without anchoring it.
        "--cert-identity",
        "https://github.com/acme/hello-platform/.github/workflows/deploy.yml@refs/heads/main",
        "--source-ref",
        "refs/heads/main",
        "--source-digest",
        COMMIT,
        "--deny-self-hosted-runners",
    ]
    assert "provenance verified (signed by https://github.com/acme/hello-platform/" in (
        result.stderr
    )


@needs_nox
def test_attest_verify_runs_the_pinned_gh_not_the_one_on_path(fake_gh: FakeGh) -> None:
    result = nox_session(*verify_args("--repo", "acme/hello-platform"), env=fake_gh.env)
    assert result.returncode == 0, result.stderr
    assert fake_gh.log.exists()
    assert not fake_gh.other_log.exists(), "the gh on PATH is not the version mise.toml pins"


@needs_nox
def test_attest_verify_fails_when_gh_does(fake_gh: FakeGh) -> None:
    fake_gh.exit_code.write_text("1")
    result = nox_session(*verify_args("--repo", "acme/hello-platform"), env=fake_gh.env)
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
    fake_gh: FakeGh, args: tuple[str, ...], message: str
) -> None:
    result = nox_session(*args, env=fake_gh.env)
    assert result.returncode != 0
    assert message in result.stderr
    assert not fake_gh.log.exists(), "gh must not run on bad arguments"


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
