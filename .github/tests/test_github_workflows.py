"""The pipeline's safety rules, asserted on the parsed workflows (run by `nox -s workflows`).

actionlint and zizmor check syntax and known-dangerous patterns; these tests check what is
specific to this repository: the image built once flows build -> deploy-dev -> deploy-prod,
prod sits behind its environment, every job holds only the permissions it uses, every step
is a nox session, and the required checks the runbook names exist.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_files import (
    ROOT,
    WORKFLOW_FILES,
    WORKFLOWS,
    Job,
    all_jobs,
    jobs,
    load,
    steps,
)

RUNBOOK = ROOT / "docs" / "runbooks" / "require-checks.md"

# The one action that assumes an AWS role; only jobs using it (or attesting) may hold
# id-token: write.
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials"
CHECKOUT = "actions/checkout"
# Actions that sign with a Sigstore certificate (OIDC) and store an attestation.
ATTEST = {"actions/attest-build-provenance", "actions/attest-sbom"}
PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")
# A run: step is one nox session call (arguments from env vars, never from ${{ }}).
NOX_CALL = re.compile(r"^nox -s [\w-]+( -- .*)?$")
# Run steps allowed to be more than a nox call, each with the reason.
NOT_NOX = {
    # Input checking must happen before anything is installed or any role is assumed,
    # in a job without permissions; test_release_validation runs this very script.
    ("release.yml", "validate", "Check action, environment, SHA, digest and revision"),
}


def workflow(name: str) -> dict[Any, Any]:
    return load(WORKFLOWS / name)


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = data.get("on", data.get(True))
    assert isinstance(on, dict)
    return on


def uses(job: Job) -> list[str]:
    return [str(step["uses"]) for step in steps(job) if "uses" in step]


def action(reference: str) -> str:
    return reference.split("@", 1)[0]


def job_params(found: Iterator[tuple[str, str, Job]]) -> list[Any]:
    return [pytest.param(name, job_id, job, id=f"{name}:{job_id}") for name, job_id, job in found]


def all_uses() -> Iterator[tuple[str, str]]:
    for name, _job_id, job in all_jobs():
        for reference in uses(job):
            yield name, reference


def test_the_four_workflows_exist() -> None:
    assert [path.name for path in WORKFLOW_FILES] == [
        "ci.yml",
        "deploy.yml",
        "infra.yml",
        "release.yml",
    ]


# --- pinning ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_full_commit_sha_with_a_version_comment(path: Path) -> None:
    references = [reference for name, reference in all_uses() if name == path.name]
    assert references, f"{path.name} uses no actions"
    lines = path.read_text().splitlines()
    for reference in references:
        assert PINNED_USES.match(reference), f"{path.name}: {reference} is not pinned to a SHA"
        for line in (line for line in lines if reference in line):
            assert VERSION_COMMENT.search(line), f"{path.name}: no '# vX.Y.Z' after {line!r}"


def test_each_action_is_pinned_to_one_sha_and_version_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOW_FILES:
        for match in re.finditer(r"uses:\s*(\S+)\s*#\s*(v\S+)", path.read_text()):
            pins.setdefault(action(match[1]), set()).add(f"{match[1]} {match[2]}")
    drifted = {name: found for name, found in pins.items() if len(found) > 1}
    assert not drifted, f"the same action at different pins: {drifted}"


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_workflows_grant_nothing_at_the_top(path: Path) -> None:
    assert load(path).get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_jobs_hold_only_the_permissions_they_use(name: str, job_id: str, job: Job) -> None:
    permissions = job.get("permissions")
    assert isinstance(permissions, dict), f"{name}:{job_id} must declare its permissions"
    actions = {action(reference) for reference in uses(job)}
    expected = {}
    if CHECKOUT in actions:
        expected["contents"] = "read"
    if AWS_CREDENTIALS in actions or actions & ATTEST:
        expected["id-token"] = "write"
    if actions & ATTEST:
        expected["attestations"] = "write"
    if any(str(step.get("run", "")).startswith("nox -s attest-verify") for step in steps(job)):
        expected["attestations"] = "read"
    assert permissions == expected, f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_checkout_keeps_no_credentials(name: str, job_id: str, job: Job) -> None:
    for step in steps(job):
        if action(str(step.get("uses", ""))) == CHECKOUT:
            assert step.get("with", {}).get("persist-credentials") is False, f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_roles_come_from_variables_not_secrets(name: str, job_id: str, job: Job) -> None:
    for step in steps(job):
        if action(str(step.get("uses", ""))) == AWS_CREDENTIALS:
            with_ = step["with"]
            assert set(with_) == {"role-to-assume", "aws-region"}, f"{name}:{job_id}: no keys"
            assert "vars." in with_["role-to-assume"], f"{name}:{job_id}"


# --- run steps -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_run_steps_are_nox_sessions_without_expressions(name: str, job_id: str, job: Job) -> None:
    for step in steps(job):
        if "run" not in step:
            continue
        script = str(step["run"]).strip()
        # Values reach scripts through env: only; ${{ }} inside a script is injectable.
        assert "${{" not in script, f"{name}:{job_id}: expression inside run: {script!r}"
        if (name, job_id, step.get("name")) not in NOT_NOX:
            assert NOX_CALL.match(script), f"{name}:{job_id}: not a nox session: {script!r}"


def nox_sessions() -> set[str]:
    """Names of the sessions noxfile.py defines (a `name=` in the decorator wins)."""
    names = set()
    for node in ast.walk(ast.parse((ROOT / "noxfile.py").read_text())):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if ast.unparse(call.func if call else decorator) != "nox.session":
                continue
            renamed = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
            names.add(ast.literal_eval(renamed[0]) if renamed else node.name)
    return names


def test_workflows_call_only_sessions_the_noxfile_defines() -> None:
    called = {
        match[1]
        for _name, _job_id, job in all_jobs()
        for step in steps(job)
        for match in re.finditer(r"\bnox -s ([\w-]+)", str(step.get("run", "")))
    }
    assert called, "no nox calls found"
    assert called - nox_sessions() == set()


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_every_job_has_a_timeout(name: str, job_id: str, job: Job) -> None:
    assert isinstance(job.get("timeout-minutes"), int), f"{name}:{job_id}"


# --- deploy: build once, deploy to dev, promote the same SHA ---------------------------


def test_build_publishes_once_and_exports_sha_and_digest() -> None:
    build = jobs(workflow("deploy.yml"))["build"]
    assert build["outputs"] == {
        "sha": "${{ steps.publish.outputs.sha }}",
        "digest": "${{ steps.publish.outputs.digest }}",
    }
    runs = [step.get("run") for step in steps(build)]
    assert runs.count("nox -s image") == 1
    publish = next(step for step in steps(build) if step.get("id") == "publish")
    assert str(publish["run"]).startswith("nox -s publish -- ")


def test_deploy_dev_deploys_and_verifies_the_built_sha() -> None:
    dev = jobs(workflow("deploy.yml"))["deploy-dev"]
    assert dev["needs"] == "build"
    assert dev["environment"] == "dev"
    assert dev["env"]["SHA"] == "${{ needs.build.outputs.sha }}"
    assert dev["env"]["DIGEST"] == "${{ needs.build.outputs.digest }}"
    assert dev["outputs"]["sha"] == "${{ needs.build.outputs.sha }}"
    assert [step.get("run") for step in steps(dev) if "run" in step] == [
        'nox -s deploy -- --env dev --sha "$SHA" --digest "$DIGEST"',
        'nox -s verify -- --env dev --sha "$SHA"',
    ]


def test_deploy_prod_promotes_the_sha_deploy_dev_deployed() -> None:
    all_deploy = jobs(workflow("deploy.yml"))
    prod = all_deploy["deploy-prod"]
    assert prod["needs"] == "deploy-dev"
    assert prod["environment"] == "prod"
    # The same job output, passed through, never recomputed from the commit.
    assert prod["env"]["SHA"] == "${{ needs.deploy-dev.outputs.sha }}"
    # Where prod finds dev's registry and the role that reads dev's service.
    assert prod["env"]["HELLO_ECR_REGISTRY_ID"] == "${{ vars.HELLO_ECR_REGISTRY_ID }}"
    assert prod["env"]["HELLO_DEV_ROLE_ARN"] == "${{ vars.HELLO_DEV_ROLE_ARN }}"
    for job_id in ("deploy-dev", "deploy-prod"):
        text = yaml.safe_dump(all_deploy[job_id])
        assert "GITHUB_SHA" not in text, job_id
        assert "github.sha" not in text, job_id
    assert [step.get("run") for step in steps(prod) if "run" in step] == [
        'nox -s attest-verify -- --image "$REGISTRY/hello" --digest "$DIGEST" --sha "$SHA"',
        'nox -s promote -- --sha "$SHA" --digest "$DIGEST" --wait',
        'nox -s verify -- --env prod --sha "$SHA"',
    ]


def test_only_main_deploys() -> None:
    assert triggers(workflow("deploy.yml")) == {"push": {"branches": ["main"]}}


CHANGES_AN_ENVIRONMENT = re.compile(r"^nox -s (deploy|promote|rollback|apply)\b")


def environment_jobs() -> Iterator[tuple[str, str, Job]]:
    """Jobs that change what runs in an environment (deploys, releases, infra applies)."""
    for name, job_id, job in all_jobs():
        runs = [str(step["run"]) for step in steps(job) if "run" in step]
        if any(CHANGES_AN_ENVIRONMENT.match(run) for run in runs):
            yield name, job_id, job


def test_every_job_that_changes_an_environment_is_covered() -> None:
    assert sorted(f"{name}:{job_id}" for name, job_id, _job in environment_jobs()) == [
        "deploy.yml:deploy-dev",
        "deploy.yml:deploy-prod",
        "infra.yml:apply-dev",
        "infra.yml:apply-prod",
        "release.yml:release",
    ]


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(environment_jobs()))
def test_deploys_queue_per_environment_and_are_never_cancelled(
    name: str, job_id: str, job: Job
) -> None:
    concurrency = job.get("concurrency")
    assert isinstance(concurrency, dict), f"{name}:{job_id} has no concurrency group"
    assert concurrency["cancel-in-progress"] is False, f"{name}:{job_id}"
    group = str(concurrency["group"])
    environment = str(job["environment"])
    # Deploys, releases and infra applies to one environment share one queue.
    expected = f"hello-{environment.removesuffix('-infra')}"
    assert group == expected, f"{name}:{job_id}: group {group!r}"


# --- release: inputs checked first -----------------------------------------------------


def validation_script() -> tuple[Job, str]:
    release = jobs(workflow("release.yml"))
    validate = release["validate"]
    assert release["release"]["needs"] == "validate"
    (script,) = [str(step["run"]) for step in steps(validate) if "run" in step]
    return validate, script


SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("inputs", "accepted"),
    [
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA, "DIGEST": DIGEST}, True),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA, "DIGEST": DIGEST[:-1]}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA, "DIGEST": DIGEST.upper()}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA, "DIGEST": f"{DIGEST} x"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "SHA": SHA, "DIGEST": DIGEST}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "SHA": SHA}, True),
        ({"ACTION": "rollback", "TARGET_ENV": "prod", "REVISION": "12"}, True),
        ({"ACTION": "promote", "TARGET_ENV": "dev", "SHA": SHA, "DIGEST": DIGEST}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod"}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA[:7]}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA.upper()}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": f"{SHA}; rm -rf /"}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": f"$(echo {SHA})"}, False),
        ({"ACTION": "promote", "TARGET_ENV": "prod", "SHA": SHA, "REVISION": "3"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "SHA": SHA, "REVISION": "3"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "REVISION": "0"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "REVISION": "-1"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "dev", "REVISION": "3 --force"}, False),
        ({"ACTION": "rollback", "TARGET_ENV": "staging", "REVISION": "3"}, False),
        ({"ACTION": "deploy", "TARGET_ENV": "dev", "SHA": SHA}, False),
    ],
)
def test_release_validation(inputs: dict[str, str], accepted: bool) -> None:
    validate, script = validation_script()
    assert validate["permissions"] == {}
    # The job maps the inputs to exactly these variables; the script sees nothing else.
    assert set(validate["env"]) == {"ACTION", "TARGET_ENV", "SHA", "DIGEST", "REVISION"}
    env = {"PATH": os.environ["PATH"], "SHA": "", "DIGEST": "", "REVISION": "", **inputs}
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode == 0) is accepted, result.stdout + result.stderr
    if not accepted:
        assert "::error::" in result.stdout


def test_release_runs_in_the_chosen_environment_after_validation() -> None:
    release = jobs(workflow("release.yml"))["release"]
    assert release["environment"] == "${{ inputs.env }}"
    inputs = triggers(workflow("release.yml"))["workflow_dispatch"]["inputs"]
    assert inputs["action"]["options"] == ["promote", "rollback"]
    assert inputs["env"]["options"] == ["dev", "prod"]


# --- infra -----------------------------------------------------------------------------


def test_infra_plans_with_the_read_only_roles_and_applies_dev_before_prod() -> None:
    infra = jobs(workflow("infra.yml"))
    plan = infra["plan"]
    assert "environment" not in plan  # plan roles trust pull_request, not an environment
    assert plan["strategy"]["matrix"]["env"] == ["dev", "prod"]
    (credentials,) = [s for s in steps(plan) if action(str(s.get("uses"))) == AWS_CREDENTIALS]
    role = credentials["with"]["role-to-assume"]
    assert "AWS_PLAN_ROLE_ARN_DEV" in role
    assert "AWS_PLAN_ROLE_ARN_PROD" in role
    assert infra["apply-dev"]["environment"] == "dev-infra"
    assert infra["apply-prod"]["environment"] == "prod-infra"
    assert "apply-dev" in infra["apply-prod"]["needs"]
    assert "pull_request" in str(plan["if"])
    assert "push" in str(infra["apply-dev"]["if"])


# --- ci: the required checks -----------------------------------------------------------


def default_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            sessions = ast.literal_eval(node.value)
            assert isinstance(sessions, list)
            return [str(session) for session in sessions]
    raise AssertionError("noxfile.py sets no nox.options.sessions")


def required_checks() -> list[str]:
    """The check names listed between the markers in the runbook."""
    text = RUNBOOK.read_text()
    block = text.split("<!-- required-checks -->")[1].split("<!-- /required-checks -->")[0]
    return re.findall(r"^- `([\w-]+)`", block, flags=re.MULTILINE)


def test_ci_runs_every_default_session_as_a_required_check() -> None:
    ci = workflow("ci.yml")
    assert triggers(ci) == {"pull_request": None, "push": {"branches": ["main"]}}
    names = {str(job["name"]): job for job in jobs(ci).values()}
    assert sorted(names) == sorted(default_sessions()) == sorted(required_checks())
    for name, job in names.items():
        assert [step.get("run") for step in steps(job) if "run" in step] == [f"nox -s {name}"]


# --- dependabot ------------------------------------------------------------------------


def test_dependabot_updates_everything_pinned_with_a_cooldown() -> None:
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]
    ecosystems = {update["package-ecosystem"] for update in updates}
    assert ecosystems == {"github-actions", "uv", "docker", "terraform"}
    for update in updates:
        assert update["cooldown"]["default-days"] >= 7, update["package-ecosystem"]
