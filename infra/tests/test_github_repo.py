"""The repository's own settings (infra/modules/github-repo, unit prod/github-repo).

Checked against what the workflows in .github/workflows actually use: the environments
their jobs run in, the Actions variables they read, the job names of ci.yml that main
requires. The rendered unit shows the values; the module's rules as written (branch
policies, no admin bypass, the ruleset, the OIDC subject, checks reported by GitHub
Actions, the workflow token's defaults) are checkov checks (infra/checkov: CKV2_PLATFORM_11
to 13 and 17, CKV_PLATFORM_14), and its variable rules run in the real `tofu plan`
(conftest.py). CODEOWNERS is held to the prod reviewers here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import yaml  # PyYAML, installed with checkov
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from tools import project
from tools.infra_checks import ADMIN_UNITS, run_all
from tools.project import ROOT
from tools.rendered import LIVE, MODULES, env_values, generated_provider, load

MODULE = "github-repo"
WORKFLOWS = ROOT / ".github" / "workflows"
CODEOWNERS = ROOT / ".github" / "CODEOWNERS"
# What builds, guards and ships a release, and what the jobs holding prod roles install and
# run with (the locked dependencies): a change to any of it needs a prod reviewer.
GUARDED = [
    "/.github/", "/infra/", "/tools/", "/noxfile.py", "/mise.toml",
    "/pyproject.toml", "/uv.lock", "/.ci/",
]  # fmt: skip
UNIT = load("prod", MODULE)
INPUTS: dict[str, Any] = UNIT["inputs"]
ENVIRONMENTS: dict[str, Any] = INPUTS["environments"]
VARIABLE = re.compile(r"\bvars\.([A-Za-z_][A-Za-z0-9_]*)")

Job = dict[str, Any]
PlanVariables = Callable[[str, dict[str, Any]], str]  # the plan_variables fixture


# --- what the workflows use ------------------------------------------------------------


def workflows() -> dict[str, dict[Any, Any]]:
    found = {path.name: yaml.safe_load(path.read_text()) for path in WORKFLOWS.glob("*.yml")}
    assert found, f"no workflows in {WORKFLOWS}"
    return found


def dispatch_inputs(data: dict[Any, Any]) -> dict[str, Any]:
    on = data.get("on", data.get(True))  # YAML 1.1 reads the bare key `on` as True
    if not isinstance(on, dict):
        return {}
    dispatch = on.get("workflow_dispatch") or {}
    inputs: dict[str, Any] = dispatch.get("inputs") or {}
    return inputs


def job_environments(data: dict[Any, Any], job: Job) -> list[str]:
    """The environments a job can run in: none, one, or a workflow_dispatch choice."""
    environment = job.get("environment")
    if environment is None:
        return []
    name = str(environment["name"] if isinstance(environment, dict) else environment)
    chosen = re.fullmatch(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", name)
    if chosen:
        options = dispatch_inputs(data)[chosen.group(1)].get("options")
        assert options, f"environment {name} is an input without a fixed list of options"
        return [str(option) for option in options]
    assert "${{" not in name, f"cannot tell which environments {name} stands for"
    return [name]


def jobs() -> Iterator[tuple[str, str, list[str], set[str]]]:
    """(workflow, job id, environments it can run in, variables it reads)."""
    for name, data in sorted(workflows().items()):
        everywhere = set(VARIABLE.findall(yaml.safe_dump(data.get("env") or {})))
        for job_id, job in data["jobs"].items():
            reads = everywhere | set(VARIABLE.findall(yaml.safe_dump(job)))
            yield name, job_id, job_environments(data, job), reads


JOBS = list(jobs())


def variables_set(environment: str | None) -> set[str]:
    """Variables a job sees: the repository's, plus its environment's when it has one."""
    names = set(INPUTS["repository_variables"])
    if environment is not None:
        names |= set(ENVIRONMENTS[environment].get("variables", {}))
    return names


# --- environments ------------------------------------------------------------------------


def test_the_unit_manages_exactly_the_environments_the_workflows_use() -> None:
    used = {environment for _, _, environments, _ in JOBS for environment in environments}
    assert set(ENVIRONMENTS) == used == {"attest", "dev", "dev-infra", "prod", "prod-infra"}


def test_prod_environments_wait_for_a_reviewer_who_did_not_start_the_run() -> None:
    for name, environment in ENVIRONMENTS.items():
        reviewers = environment.get("reviewers")
        if name.startswith("prod"):
            assert reviewers, f"{name} has no required reviewers"
            count = len(reviewers.get("users", [])) + len(reviewers.get("teams", []))
            assert 1 <= count <= 6, f"{name}: GitHub takes one to six reviewers, not {count}"


# --- the ruleset on main -----------------------------------------------------------------


def test_main_needs_at_least_one_approval(plan_variables: PlanVariables) -> None:
    assert INPUTS.get("required_approvals", 1) >= 1
    with pytest.raises(ValueError, match="At least one approval"):
        plan_variables(MODULE, {**INPUTS, "required_approvals": 0})


def test_the_module_manages_the_settings_that_decide_who_merges() -> None:
    # The checkov checks judge these resources as written; without them the settings would
    # fall back to whatever GitHub or an admin last set, and the checks would pass on nothing.
    with (MODULES / MODULE / "main.tf").open() as file:
        declared = {kind for block in load_hcl(file)["resource"] for kind in block}
    assert declared >= {
        "github_repository_ruleset",
        "github_repository_environment",
        "github_actions_repository_oidc_subject_claim_customization_template",
    }


# --- CODEOWNERS --------------------------------------------------------------------------


def prod_owners() -> list[str]:
    """The prod reviewers as CODEOWNERS names them: @login, and @owner/slug for a team."""
    reviewers = ENVIRONMENTS["prod"]["reviewers"]
    owner = generated_provider(UNIT, "github")["owner"]
    users = [f"@{login}" for login in reviewers.get("users", [])]
    return sorted(users + [f"@{owner}/{slug}" for slug in reviewers.get("teams", [])])


def codeowners_problems(text: str, owners: list[str]) -> list[str]:
    """What lets a change to a guarded path merge without one of `owners`. Rules are
    anchored paths (GitHub lets the last matching rule win, so any rule decides for what
    it names): each must name exactly `owners`, and each guarded path needs its own."""
    found: list[str] = []
    rules: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        pattern, *named = line.split("#", 1)[0].split() or [""]
        if not pattern:
            continue
        if not pattern.startswith("/") or any(c in pattern for c in "*?[!\\"):
            found.append(f"line {number}: {pattern} is not an anchored path")
        if sorted(named) != owners:
            found.append(f"line {number}: {pattern} is owned by {named}, not {owners}")
        rules[pattern] = named
    found += [f"{path} has no rule" for path in GUARDED if path not in rules]
    return found


def test_codeowners_names_the_prod_reviewers_for_every_guarded_path() -> None:
    assert prod_owners(), "no prod reviewers to own anything"
    assert codeowners_problems(CODEOWNERS.read_text(), prod_owners()) == []
    # GitHub reads the first of .github/, the root and docs/; keep one file.
    assert not [p for p in (ROOT / "CODEOWNERS", ROOT / "docs" / "CODEOWNERS") if p.exists()]


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        pytest.param(lambda t: t.replace("\n/tools/ ", "\n# /tools/ "), "/tools/ has no rule",
                     id="a guarded path left out"),
        pytest.param(lambda t: t + "/infra/live/ @someone-else\n", "owned by ['@someone-else']",
                     id="a later rule hands a path to someone else"),
        pytest.param(lambda t: t + "/infra/\n", "/infra/ is owned by []",
                     id="a later rule leaves a path unowned"),
        pytest.param(lambda t: t + "*.tf @example-reviewer\n", "not an anchored path",
                     id="a pattern this check cannot read"),
    ],
)  # fmt: skip
def test_codeowners_problems_names_a_path_that_escapes_review(
    broken: Callable[[str], str], problem: str
) -> None:
    problems = codeowners_problems(broken(CODEOWNERS.read_text()), prod_owners())
    assert any(problem in found for found in problems), problems


# --- Actions variables -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("workflow", "job_id", "environments", "reads"),
    [pytest.param(*job, id=f"{job[0]}:{job[1]}") for job in JOBS],
)
def test_every_variable_a_job_reads_is_set_where_it_runs(
    workflow: str, job_id: str, environments: list[str], reads: set[str]
) -> None:
    # A job that may run in several environments (release.yml) reads some variables
    # only in one of them (prod's promotion settings); each must be set in at least one.
    scopes: list[str | None] = [*environments] or [None]
    missing = {name for name in reads if not any(name in variables_set(s) for s in scopes)}
    assert not missing, f"{workflow}:{job_id} reads {sorted(missing)}, set nowhere it runs"


def test_every_variable_set_is_read_by_a_job_that_sees_it() -> None:
    read_in: dict[str | None, set[str]] = {}
    for _, _, environments, reads in JOBS:
        scopes: list[str | None] = [*environments] or [None]
        for scope in scopes:
            read_in.setdefault(scope, set()).update(reads)
    everywhere = set().union(*read_in.values())
    unread = {
        f"repository:{name}" for name in INPUTS["repository_variables"] if name not in everywhere
    } | {
        f"{environment}:{name}"
        for environment, spec in ENVIRONMENTS.items()
        for name in spec.get("variables", {})
        if name not in read_in.get(environment, set())
    }
    assert not unread, f"set but read by no workflow job: {sorted(unread)}"


def role(env: str, kind: str) -> str:
    """The ARN of the ci-roles role `kind` of an environment, named as the module names
    it: `<service>-<environment>-<kind>` in the environment's account."""
    inputs = load(env, "ci-roles")["inputs"]
    name = f"{inputs['service']}-{inputs['environment']}-{kind}"
    return f"arn:aws:iam::{env_values(env)['account_id']}:role/{name}"


def test_role_variables_name_the_ci_roles_of_the_right_account() -> None:
    dev, prod = env_values("dev"), env_values("prod")
    for environment, spec in ENVIRONMENTS.items():
        if environment == "attest":
            # deploy.yml's attest job assumes no role (and no role trusts the environment).
            assert not spec.get("variables"), spec
            continue
        base, _, kind = environment.partition("-")
        assert spec["variables"]["AWS_ROLE_ARN"] == role(base, kind or "deploy"), environment
        assert spec["variables"]["AWS_REGION"] == env_values(base)["aws_region"], environment
        # The environment lock lives in the environment's state bucket.
        assert spec["variables"]["HELLO_STATE_BUCKET"] == env_values(base)["state_bucket"]
    repository = INPUTS["repository_variables"]
    assert repository["AWS_PLAN_ROLE_ARN_DEV"] == role("dev", "plan")
    assert repository["AWS_PLAN_ROLE_ARN_PROD"] == role("prod", "plan")
    # The image repository lives in dev: so do its push role and the region jobs use for it.
    assert repository["AWS_PUBLISH_ROLE_ARN"] == role("dev", "publish")
    assert repository["AWS_REGION"] == dev["aws_region"]
    promotion = ENVIRONMENTS["prod"]["variables"]
    assert promotion["HELLO_ECR_REGISTRY_ID"] == dev["account_id"]
    if dev["account_id"] != prod["account_id"]:
        assert promotion["HELLO_DEV_ROLE_ARN"] == role("dev", "release-reader")


# --- the unit ----------------------------------------------------------------------------


def test_the_unit_targets_the_repository_and_keeps_the_token_out_of_code() -> None:
    with (LIVE / "common.hcl").open() as file:
        # bc-python-hcl2 gives each attribute as a one-item list.
        (repository,) = load_hcl(file)["locals"][0]["github_repository"]
    owner, name = repository.split("/")
    assert INPUTS["repository"] == name
    settings = generated_provider(UNIT, "github")
    assert settings == {"owner": owner}, "the token comes from GITHUB_TOKEN, not from code"
    assert UNIT["terraform"]["source"].endswith(f"//{MODULE}")


# --- the pipeline leaves it alone --------------------------------------------------------


def test_the_pipeline_never_plans_or_applies_the_admin_units() -> None:
    admin_units = set(ADMIN_UNITS)
    assert {"ci-roles", MODULE} <= admin_units
    every_unit = {path.parent.name for path in LIVE.glob("*/*/terragrunt.hcl")}
    assert admin_units <= every_unit, f"no such unit: {sorted(admin_units - every_unit)}"
    # `nox -s plan` and `nox -s apply` both run this command (.github/tests runs them).
    for environment in project.ENVIRONMENTS:
        command = run_all("terragrunt", environment, None)
        excluded = {command[i + 1] for i, arg in enumerate(command) if arg == "--queue-exclude-dir"}
        assert excluded == admin_units, f"nox -s plan/apply -- {environment} runs every unit"
