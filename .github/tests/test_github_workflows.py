"""The pipeline's safety rules, asserted on the parsed workflows and local actions (run by
`nox -s workflows`).

actionlint and zizmor check syntax and known-dangerous patterns; these tests check what is
specific to this repository: the image built once flows build -> deploy-dev -> deploy-prod,
prod sits behind its environment, every job holds only the permissions it uses and restores
no cache once it holds a role, every step is a nox session, and ci.yml reports exactly the
checks the ruleset on main requires.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_files import (
    ACTION_FILES,
    AWS_CREDENTIALS,
    CHECKOUT,
    ROOT,
    WORKFLOW_FILES,
    WORKFLOWS,
    Job,
    Step,
    action,
    action_steps,
    all_jobs,
    all_step_lists,
    env_value,
    environment_jobs,
    expression,
    flag,
    instances,
    job_params,
    jobs,
    load,
    local_action,
    needs,
    run,
    runs,
    sessions,
    steps,
    steps_using,
    uses,
    where,
)

from tools.project import (
    ENVIRONMENTS,
    MISE_TOML,
    default_noxfile_sessions,
    noxfile_sessions,
    pinned_versions,
)

RUNBOOK = ROOT / "docs" / "runbooks" / "require-checks.md"
# The repository's settings as code: its `required_checks` are what the ruleset on main
# requires.
GITHUB_REPO_UNIT = ROOT / "infra" / "live" / "_units" / "github-repo.hcl"

# Actions that sign with a Sigstore certificate (OIDC) and store an attestation.
ATTEST = {"actions/attest-build-provenance", "actions/attest-sbom"}
PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")
# A run: step is one nox session call (session and arguments from env vars, never ${{ }}).
NOX_CALL = re.compile(r'^nox -s ([\w-]+|"\$\w+")( -- .*)?$')
# Run steps allowed to be more than a nox call, each with the reason.
NOT_NOX = {
    # Input checking must happen before anything is installed or any role is assumed,
    # in a job without permissions; test_release_validation runs this very script.
    ("release.yml:validate", "Check action, environment, SHA, digest, revision and break glass"),
    # nox has to be installed before a session can run; it comes from uv.lock, hashes checked.
    (".github/actions/setup/action.yml", "Install nox and its dependencies as uv.lock pins them"),
}


def workflow(name: str) -> dict[Any, Any]:
    return load(WORKFLOWS / name)


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = data.get("on", data.get(True))
    assert isinstance(on, dict)
    return on


def test_the_four_workflows_exist() -> None:
    assert [path.name for path in WORKFLOW_FILES] == [
        "ci.yml",
        "deploy.yml",
        "infra.yml",
        "release.yml",
    ]


# --- pinning ---------------------------------------------------------------------------

PINNED_FILES = [*WORKFLOW_FILES, *ACTION_FILES]
# An accepted zizmor finding: the audit it silences, then why.
ZIZMOR_IGNORE = re.compile(r"#\s*zizmor:\s*ignore\[[\w, -]+\](.*)$")


def written_uses(path: Path) -> list[str]:
    """The `uses:` written in one workflow or local action (not those of actions it uses)."""
    data = load(path)
    step_lists = [action_steps(data)] if path in ACTION_FILES else map(steps, jobs(data).values())
    return [str(step["uses"]) for found in step_lists for step in found if "uses" in step]


def file_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", PINNED_FILES, ids=file_id)
def test_every_action_is_pinned_to_a_full_commit_sha_with_a_version_comment(path: Path) -> None:
    references = written_uses(path)
    assert references, f"{file_id(path)} uses no actions"
    lines = path.read_text().splitlines()
    for reference in references:
        if local_action(reference) is not None:  # loads it: the action must exist
            continue  # this repository's own action, at the commit that runs
        assert PINNED_USES.match(reference), f"{file_id(path)}: {reference} is not pinned to a SHA"
        for line in (line for line in lines if reference in line):
            assert VERSION_COMMENT.search(line), f"{file_id(path)}: no '# vX.Y.Z' after {line!r}"


def test_each_action_is_pinned_to_one_sha_and_version_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in PINNED_FILES:
        for match in re.finditer(r"uses:\s*(\S+)\s*#\s*(v\S+)", path.read_text()):
            pins.setdefault(action(match[1]), set()).add(f"{match[1]} {match[2]}")
    drifted = {name: found for name, found in pins.items() if len(found) > 1}
    assert not drifted, f"the same action at different pins: {drifted}"


# --- pinning what the actions fetch at run time ----------------------------------------

MISE_ACTION = "jdx/mise-action"
# Installers that take whatever a name resolves to that day, with no lock and no hash.
UNPINNED_INSTALL = re.compile(
    r"(?:^|[\s;&|(])(?:pip3?|pipx|uvx|npx|npm|yarn|pnpm|gem|cargo|brew|curl|wget|apt(?:-get)?"
    r"|go\s+(?:install|get)|uv\s+(?:tool|pip|add|lock)|uv\s+run\s+--with)(?:\s|$)",
    re.MULTILINE,
)
UV_SYNC = re.compile(r"\buv\s+sync\b[^\n]*")


def unpinned_installs(script: str) -> list[str]:
    """What a run script installs without a lock: an installer of UNPINNED_INSTALL, or a
    `uv sync` that may re-resolve instead of installing uv.lock as it stands."""
    found = [match[0].strip() for match in UNPINNED_INSTALL.finditer(script)]
    found += [
        match[0]
        for match in UV_SYNC.finditer(script)
        if not re.search(r"\s--(locked|frozen)\b", match[0])
    ]
    return found


@pytest.mark.parametrize(
    ("script", "unpinned"),
    [
        ("uv sync --locked --only-group nox", []),
        ("uv sync --frozen --group lint", []),
        ("uv sync --only-group nox", ["uv sync --only-group nox"]),
        ("pipx install nox", ["pipx"]),
        ("python -m pip install nox==2026.10.20", ["pip"]),
        ("uvx nox", ["uvx"]),
        ("uv tool install nox", ["uv tool"]),
        ("curl -fsSL https://mise.run | sh", ["curl"]),
        ("go install example.com/tool@latest", ["go install"]),
        ('nox -s deploy -- --env dev --sha "$SHA"', []),
    ],
)
def test_unpinned_installs_are_recognised(script: str, unpinned: list[str]) -> None:
    assert unpinned_installs(script) == unpinned


@pytest.mark.parametrize(("where", "step_list"), list(all_step_lists()))
def test_run_steps_install_nothing_unpinned(where: str, step_list: list[Step]) -> None:
    for step in step_list:
        assert unpinned_installs(run(step)) == [], f"{where}: {step.get('name', run(step))!r}"


def mise_steps() -> list[tuple[str, Step]]:
    return [
        (place, step)
        for place, step_list in all_step_lists()
        for step in step_list
        if action(str(step.get("uses", ""))) == MISE_ACTION
    ]


def test_mise_is_pinned_by_version_and_checksum() -> None:
    with MISE_TOML.open("rb") as file:
        pinned = tomllib.load(file)["min_version"]
    assert mise_steps(), f"no {MISE_ACTION} step found"
    for place, step in mise_steps():
        with_ = step.get("with", {})
        # Without a version the action installs the newest mise; mise.toml names the one.
        assert str(with_.get("version")) == pinned, f"{place}: mise {with_.get('version')}"
        assert re.fullmatch(r"[0-9a-f]{64}", str(with_.get("sha256"))), f"{place}: no sha256"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_jobs_that_install_mise_run_where_its_checksum_holds(
    name: str, job_id: str, job: Job
) -> None:
    # The sha256 is the linux-x64 binary's: another runner would fail it (or need its own).
    if MISE_ACTION in {action(reference) for reference in uses(steps(job))}:
        assert re.fullmatch(r"ubuntu-[\d.]+", str(job["runs-on"])), f"{name}:{job_id}"


def test_mise_toml_pins_exact_versions_of_checksummed_tools() -> None:
    for tool, version in pinned_versions().items():
        # Backends such as pipx: or npm: resolve the tool's own dependencies unpinned.
        assert ":" not in tool, f"mise.toml installs {tool} through a backend without a lock"
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"mise.toml: {tool} = {version!r}"


def test_nox_comes_from_its_locked_dependency_group() -> None:
    (setup,) = [path for path in ACTION_FILES if path.parent.name == "setup"]
    scripts = [run(step) for step in action_steps(load(setup))]
    assert any(
        re.match(r"uv sync --locked --only-group nox$", line)
        for script in scripts
        for line in script.splitlines()
    ), scripts
    # The action puts it on PATH through mise.toml, not through a write to $GITHUB_PATH.
    with MISE_TOML.open("rb") as file:
        assert ".venv/bin" in tomllib.load(file)["env"]["_"]["path"]
    with (ROOT / "pyproject.toml").open("rb") as file:
        group = tomllib.load(file)["dependency-groups"]["nox"]
    assert [entry for entry in group if str(entry).startswith("nox")], group
    with (ROOT / "uv.lock").open("rb") as file:
        lock = tomllib.load(file)
    (root,) = [p for p in lock["package"] if p.get("source", {}).get("virtual") == "."]
    assert [dep["name"] for dep in root["dev-dependencies"]["nox"]] == ["nox"]


@pytest.mark.parametrize("path", PINNED_FILES, ids=file_id)
def test_every_accepted_zizmor_finding_says_why(path: Path) -> None:
    for line in path.read_text().splitlines():
        match = ZIZMOR_IGNORE.search(line)
        assert match is None or match[1].strip(), f"{file_id(path)}: no reason in {line!r}"


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_workflows_grant_nothing_at_the_top(path: Path) -> None:
    assert load(path).get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_jobs_hold_only_the_permissions_they_use(name: str, job_id: str, job: Job) -> None:
    permissions = job.get("permissions")
    assert isinstance(permissions, dict), f"{name}:{job_id} must declare its permissions"
    actions = {action(reference) for reference in uses(steps(job))}
    expected = {}
    if CHECKOUT in actions:
        expected["contents"] = "read"
    if AWS_CREDENTIALS in actions or actions & ATTEST:
        expected["id-token"] = "write"
    if actions & ATTEST:
        expected["attestations"] = "write"
    if runs(job, "nox -s attest-verify"):
        expected["attestations"] = "read"
    assert permissions == expected, f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_checkout_keeps_no_credentials(name: str, job_id: str, job: Job) -> None:
    for step in steps_using(job, CHECKOUT):
        assert step.get("with", {}).get("persist-credentials") is False, f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_roles_come_from_variables_not_secrets(name: str, job_id: str, job: Job) -> None:
    for step in steps_using(job, AWS_CREDENTIALS):
        with_ = step["with"]
        assert set(with_) == {"role-to-assume", "aws-region"}, f"{name}:{job_id}: no keys"
        assert "vars." in with_["role-to-assume"], f"{name}:{job_id}"


# --- caches: none once a role is held --------------------------------------------------

# Actions that restore a cache: always (None), or unless the named input is "false".
CACHING = {"actions/cache": None, "actions/cache/restore": None, "jdx/mise-action": "cache"}
EXPRESSION = re.compile(r"^\$\{\{\s*(.+?)\s*\}\}$")
INPUT_TEST = re.compile(r"inputs\.([\w-]+)(?:\s*(==|!=)\s*'([^']*)')?")


def evaluate(expression: str, inputs: dict[str, str]) -> str | None:
    """An expression of the forms the local actions use (`inputs.<name>`, or compared with
    a quoted literal), with or without `${{ }}`, as the string GitHub makes of it; None when
    it takes another form."""
    inner = EXPRESSION.match(expression.strip())
    expression = inner[1] if inner else expression.strip()
    if expression in ("true", "false"):
        return expression
    match = INPUT_TEST.fullmatch(expression)
    if not match or match[1] not in inputs:
        return None
    value = inputs[match[1]]
    if match[2] is None:
        return value
    return str((value.lower() == match[3].lower()) == (match[2] == "==")).lower()


def with_value(value: Any, inputs: dict[str, str]) -> str | None:
    """A `with:` value as the action receives it (None: cannot tell)."""
    if isinstance(value, bool):
        return str(value).lower()
    if EXPRESSION.match(str(value).strip()):
        return evaluate(str(value), inputs)
    return None if "${{" in str(value) else str(value)


def caches_restored(step_list: list[Step], inputs: dict[str, str]) -> list[str]:
    """The caching actions that may run, following local actions with the inputs given to
    them; a condition or input that cannot be read counts as one that restores."""
    found = []
    for step in step_list:
        reference = str(step.get("uses", ""))
        local = local_action(reference)
        if local is None and action(reference) not in CACHING:
            continue
        if "if" in step and evaluate(str(step["if"]), inputs) == "false":
            continue
        given = {key: with_value(value, inputs) for key, value in step.get("with", {}).items()}
        if local is not None:
            known = {key: value for key, value in given.items() if value is not None}
            if len(known) < len(given):
                found.append(reference)  # cannot tell what the action is asked to do
                continue
            declared = local.get("inputs", {})
            defaults = {name: str(spec.get("default", "")) for name, spec in declared.items()}
            found += caches_restored(action_steps(local), {**defaults, **known})
            continue
        switch = CACHING[action(reference)]
        if switch is None or given.get(switch) != "false":
            found.append(action(reference))
    return found


def role_jobs() -> Iterator[tuple[str, str, Job]]:
    for name, job_id, job in all_jobs():
        if AWS_CREDENTIALS in {action(reference) for reference in uses(steps(job))}:
            yield name, job_id, job


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(role_jobs()))
def test_jobs_that_assume_a_role_restore_no_cache(name: str, job_id: str, job: Job) -> None:
    # A cache is written by whatever ran before (a pull request's code included); restored
    # where a role is held, it could run with that role or shape what gets released.
    assert caches_restored(steps(job), {}) == [], f"{name}:{job_id}"


def test_the_setup_action_restores_caches_only_when_asked() -> None:
    (setup,) = [path for path in ACTION_FILES if path.parent.name == "setup"]
    reference = f"./{setup.parent.relative_to(ROOT)}"
    # The default is no cache, so a job has to ask for one.
    assert load(setup)["inputs"]["cache"]["default"] == "false"
    assert caches_restored([{"uses": reference}], {}) == []
    assert caches_restored([{"uses": reference, "with": {"cache": "false"}}], {}) == []
    assert caches_restored([{"uses": reference, "with": {"cache": "true"}}], {}) == [
        "jdx/mise-action",
        "actions/cache",
    ]


def test_the_checks_that_hold_no_role_use_the_caches() -> None:
    # Keeps the cache rule above from passing because caches went unnoticed.
    for check in jobs(workflow("ci.yml")).values():
        assert "id-token" not in check["permissions"]
        assert caches_restored(steps(check), {}) == ["jdx/mise-action", "actions/cache"]


# --- run steps -------------------------------------------------------------------------


@pytest.mark.parametrize(("where", "step_list"), list(all_step_lists()))
def test_run_steps_are_nox_sessions_without_expressions(where: str, step_list: list[Step]) -> None:
    for step in step_list:
        if "run" not in step:
            continue
        script = run(step)
        # Values reach scripts through env: only; ${{ }} inside a script is injectable.
        assert "${{" not in script, f"{where}: expression inside run: {script!r}"
        if (where, step.get("name")) not in NOT_NOX:
            assert NOX_CALL.match(script), f"{where}: not a nox session: {script!r}"


def test_workflows_call_only_sessions_the_noxfile_defines() -> None:
    called = {session for _name, _job_id, job in all_jobs() for session in sessions(job)}
    assert called, "no nox calls found"
    assert called - set(noxfile_sessions()) == set()


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(all_jobs()))
def test_every_job_has_a_timeout(name: str, job_id: str, job: Job) -> None:
    for instance in instances(job):
        assert isinstance(instance.get("timeout-minutes"), int), f"{name}:{job_id}"


# --- deploy: build once, deploy to dev, promote the same SHA ---------------------------

# Sessions that put a given SHA in an environment, which `verify` then checks.
PUTS_A_SHA = re.compile(r"^nox -s (deploy|promote)\b")


def argument(job: Job, step: Step, name: str) -> str:
    """The value a nox call passes as `--name`: a literal, or what its `$VARIABLE` holds."""
    value = flag(run(step), name)
    return env_value(job, step, value[1:]) if value.startswith("$") else value


def test_the_image_is_built_once_and_the_push_exports_what_publish_pushed() -> None:
    built = [f"{name}:{job_id}" for name, job_id, job in all_jobs() if "image" in sessions(job)]
    assert built == ["deploy.yml:build"]
    assert sessions(jobs(workflow("deploy.yml"))["build"]).count("image") == 1
    push = jobs(workflow("deploy.yml"))["push"]
    (publish,) = [step for step in steps(push) if run(step).startswith("nox -s publish ")]
    for output in ("sha", "digest", "repository"):
        assert expression(push["outputs"][output]) == f"steps.{publish['id']}.outputs.{output}"


def sha_jobs() -> Iterator[tuple[str, str, Job]]:
    for name, job_id, job in all_jobs():
        if any(PUTS_A_SHA.match(run(step)) for step in steps(job)):
            yield name, job_id, job


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(sha_jobs()))
def test_each_deploy_is_verified_in_its_own_environment(name: str, job_id: str, job: Job) -> None:
    # (A rollback to a task definition revision has no SHA to verify.)
    for position, change in enumerate(steps(job)):
        if not PUTS_A_SHA.match(run(change)):
            continue
        after = [step for step in steps(job)[position:] if run(step).startswith("nox -s verify ")]
        assert after, f"{name}:{job_id}: nothing verifies {run(change)!r}"
        verify = after[0]
        assert argument(job, verify, "--sha") == argument(job, change, "--sha"), f"{name}:{job_id}"
        assert argument(job, verify, "--env") == str(job["environment"]), f"{name}:{job_id}"


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(sha_jobs()))
def test_deploys_never_take_the_sha_from_the_commit(name: str, job_id: str, job: Job) -> None:
    # The SHA and digest travel from the build through job outputs or validated inputs; the
    # commit a job runs on may be newer than the image it was given.
    text = yaml.safe_dump(job)
    assert "GITHUB_SHA" not in text, f"{name}:{job_id}"
    assert "github.sha" not in text, f"{name}:{job_id}"


@pytest.mark.parametrize(
    ("name", "job_id", "job"), job_params(j for j in sha_jobs() if "promote" in sessions(j[2]))
)
def test_promotion_reads_dev_from_the_environments_variables(
    name: str, job_id: str, job: Job
) -> None:
    # Where prod finds dev's registry and the role that reads dev's service (the
    # github-repo module sets them on the prod environment).
    for variable in ("HELLO_ECR_REGISTRY_ID", "HELLO_DEV_ROLE_ARN"):
        assert expression(job["env"][variable]) == f"vars.{variable}", f"{name}:{job_id}"


def test_only_main_deploys() -> None:
    assert triggers(workflow("deploy.yml")) == {"push": {"branches": ["main"]}}


def test_every_job_that_changes_an_environment_is_covered() -> None:
    assert where(environment_jobs()) == [
        "deploy.yml:deploy-dev",
        "deploy.yml:deploy-prod",
        "infra.yml:apply-dev",
        "infra.yml:apply-prod",
        "release.yml:release",
    ]


def changed_environments(job: Job) -> set[str]:
    """The environments the job's nox calls change (promote always changes prod)."""
    found = set()
    for step in steps(job):
        command = run(step)
        if command.startswith("nox -s promote "):
            found.add("prod")
        elif command.startswith(("nox -s deploy ", "nox -s rollback ")):
            found.add(argument(job, step, "--env"))
        elif applied := re.match(r"nox -s apply -- (\S+)", command):
            found.add(applied[1])
    return found


@pytest.mark.parametrize(("name", "job_id", "job"), job_params(environment_jobs()))
def test_changes_run_in_their_environment_and_prod_after_dev(
    name: str, job_id: str, job: Job
) -> None:
    environment = str(job["environment"])
    if environment == "${{ inputs.env }}":
        # release.yml: the environment is the validated input, and promote only accepts
        # prod (test_release_validation).
        return
    # The environment (its -infra twin for infra applies) holds the role and the reviewers.
    assert changed_environments(job) == {environment.removesuffix("-infra")}, f"{name}:{job_id}"
    if environment.startswith("prod"):
        # Its dev counterpart (dev, dev-infra) runs first in the same workflow.
        data = load(WORKFLOWS / name)
        dev = "dev" + environment.removeprefix("prod")
        before = {str(jobs(data)[needed].get("environment")) for needed in needs(data, job_id)}
        assert dev in before, f"{name}:{job_id} does not wait for a job in {dev}"


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
        (
            {
                "ACTION": "promote",
                "TARGET_ENV": "prod",
                "SHA": SHA,
                "DIGEST": DIGEST,
                "BREAK_GLASS": "true",
            },
            True,
        ),
        (
            {"ACTION": "rollback", "TARGET_ENV": "prod", "REVISION": "12", "BREAK_GLASS": "true"},
            False,
        ),
    ],
)
def test_release_validation(inputs: dict[str, str], accepted: bool) -> None:
    validate, script = validation_script()
    assert validate["permissions"] == {}
    # The job maps the inputs to exactly these variables; the script sees nothing else.
    names = {"ACTION", "TARGET_ENV", "SHA", "DIGEST", "REVISION", "BREAK_GLASS"}
    assert set(validate["env"]) == names
    env = {"PATH": os.environ["PATH"], "SHA": "", "DIGEST": "", "REVISION": "", **inputs}
    env.setdefault("BREAK_GLASS", "false")
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
    assert inputs["env"]["options"] == list(ENVIRONMENTS)


# --- infra -----------------------------------------------------------------------------


def test_infra_plans_with_the_read_only_roles_and_applies_dev_before_prod() -> None:
    infra = jobs(workflow("infra.yml"))
    plan = infra["plan"]
    assert "environment" not in plan  # plan roles trust pull_request, not an environment
    assert plan["strategy"]["matrix"]["env"] == list(ENVIRONMENTS)
    (credentials,) = steps_using(plan, AWS_CREDENTIALS)
    role = credentials["with"]["role-to-assume"]
    assert "AWS_PLAN_ROLE_ARN_DEV" in role
    assert "AWS_PLAN_ROLE_ARN_PROD" in role
    assert infra["apply-dev"]["environment"] == "dev-infra"
    assert infra["apply-prod"]["environment"] == "prod-infra"
    assert "apply-dev" in infra["apply-prod"]["needs"]
    assert "pull_request" in str(plan["if"])
    assert "push" in str(infra["apply-dev"]["if"])


# --- ci: the required checks -----------------------------------------------------------


def required_by_the_ruleset() -> list[str]:
    """`required_checks` of the github-repo unit: the checks the ruleset on main requires."""
    text = GITHUB_REPO_UNIT.read_text()
    match = re.search(r"^\s*required_checks\s*=\s*(\[[^\]]*\])", text, flags=re.MULTILINE)
    assert match, f"{GITHUB_REPO_UNIT} sets no required_checks list"
    found = ast.literal_eval(match[1])  # a list of quoted strings reads the same in HCL
    assert isinstance(found, list)
    return [str(check) for check in found]


def runbook_checks() -> list[str]:
    """The check names listed between the markers in the runbook."""
    text = RUNBOOK.read_text()
    block = text.split("<!-- required-checks -->")[1].split("<!-- /required-checks -->")[0]
    return re.findall(r"^- `([\w-]+)`", block, flags=re.MULTILINE)


def ci_checks() -> dict[str, list[str]]:
    """The checks ci.yml reports (a job's name, once per matrix combination), each with the
    nox sessions it runs."""
    found: dict[str, list[str]] = {}
    for job_id, job in jobs(workflow("ci.yml")).items():
        for instance in instances(job):
            name = str(instance.get("name", job_id))
            assert name not in found, f"two checks named {name}"
            found[name] = sessions(instance)
    return found


def test_ci_reports_exactly_the_checks_the_ruleset_requires() -> None:
    assert triggers(workflow("ci.yml")) == {"pull_request": None, "push": {"branches": ["main"]}}
    checks = ci_checks()
    assert sorted(checks) == sorted(required_by_the_ruleset())
    # Each check is the default nox session of its name, and the runbook lists them all.
    assert sorted(checks) == sorted(default_noxfile_sessions()) == sorted(runbook_checks())
    for name, called in checks.items():
        assert called == [name], name
    # One failing check cancels none of the others: each reports its own result.
    for job in jobs(workflow("ci.yml")).values():
        if "strategy" in job:
            assert job["strategy"].get("fail-fast") is False  # GitHub's default is true


# --- dependabot ------------------------------------------------------------------------


def test_dependabot_updates_everything_pinned_with_a_cooldown() -> None:
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]
    ecosystems = {update["package-ecosystem"] for update in updates}
    assert ecosystems == {"github-actions", "uv", "docker", "terraform"}
    for update in updates:
        assert update["cooldown"]["default-days"] >= 7, update["package-ecosystem"]
    # The actions ecosystem reads .github/workflows and the action.yml of the directories
    # it is given, so each local action's directory is listed.
    (actions,) = [update for update in updates if update["package-ecosystem"] == "github-actions"]
    local = {f"/{path.parent.relative_to(ROOT)}" for path in ACTION_FILES}
    assert {"/", *local} <= set(actions["directories"])
