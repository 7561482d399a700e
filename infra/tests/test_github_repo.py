"""The repository's own settings (infra/modules/github-repo, unit prod/github-repo).

Checked against what the workflows in .github/workflows actually use: the environments
their jobs run in, the Actions variables they read, the job names of ci.yml that main
requires. The module's HCL shows the rules (branch policies, reviewers, ruleset, OIDC
subject); the rendered unit shows the values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml  # PyYAML, installed with checkov
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from tools import project
from tools.hcl_module import META, Module, block
from tools.hcl_module import parse as parse_hcl
from tools.iam_policy import attribute
from tools.infra_checks import ADMIN_UNITS, run_all
from tools.project import ROOT
from tools.rendered import LIVE, env_values, load

MODULE = "github-repo"
WORKFLOWS = ROOT / ".github" / "workflows"
UNIT = load("prod", MODULE)
INPUTS: dict[str, Any] = UNIT["inputs"]
ENVIRONMENTS: dict[str, Any] = INPUTS["environments"]
VARIABLE = re.compile(r"\bvars\.([A-Za-z_][A-Za-z0-9_]*)")
GITHUB_ACTIONS_APP_ID = 15368
# What the ci-roles trust policies match (the contract of the OIDC `sub`).
SUBJECT_CLAIM_KEYS = ["repo", "context", "job_workflow_ref"]

Job = dict[str, Any]


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


# --- the module, evaluated with the unit's inputs ---------------------------------------

# Its dynamic blocks written out, as the provider sees them.
REPO = Module(MODULE, INPUTS, expand_dynamic=True)


# --- environments ------------------------------------------------------------------------


def test_the_unit_manages_exactly_the_environments_the_workflows_use() -> None:
    used = {environment for _, _, environments, _ in JOBS for environment in environments}
    assert set(ENVIRONMENTS) == used == {"attest", "dev", "dev-infra", "prod", "prod-infra"}


def test_every_environment_deploys_from_main_only() -> None:
    environments = REPO.instances("github_repository_environment")
    assert {name: env["environment"] for name, env in environments.items()} == {
        name: name for name in ENVIRONMENTS
    }
    for name, environment in environments.items():
        (policy,) = block(environment, "deployment_branch_policy")
        # Not "any protected branch": only the branches the deployment policies name.
        assert policy["protected_branches"] is False, name
        assert policy["custom_branch_policies"] is True, name
    branches = REPO.instances("github_repository_environment_deployment_policy")
    assert {name: policy["environment"] for name, policy in branches.items()} == {
        name: name for name in ENVIRONMENTS
    }
    for name, policy in branches.items():
        assert policy["branch_pattern"] == "main", name
        assert "tag_pattern" not in policy, name


def test_prod_environments_wait_for_a_reviewer_who_did_not_start_the_run() -> None:
    for name, environment in ENVIRONMENTS.items():
        reviewers = environment.get("reviewers")
        if name.startswith("prod"):
            assert reviewers, f"{name} has no required reviewers"
            count = len(reviewers.get("users", [])) + len(reviewers.get("teams", []))
            assert 1 <= count <= 6, f"{name}: GitHub takes one to six reviewers, not {count}"
    for name, environment in REPO.instances("github_repository_environment").items():
        assert environment["can_admins_bypass"] is False, name
        reviewers = block(environment, "reviewers")
        if name.startswith("prod"):
            assert reviewers, f"{name} waits for no reviewer"
        # Self-review is prevented wherever there are reviewers.
        if reviewers:
            assert environment["prevent_self_review"] is True, name


# --- the ruleset on main -----------------------------------------------------------------


def test_ruleset_binds_everyone_on_main() -> None:
    ruleset = REPO.resource("github_repository_ruleset")
    assert ruleset["target"] == "branch"
    assert ruleset["enforcement"] == "active"
    assert "bypass_actors" not in ruleset, "nobody bypasses the rules, admins included"
    ((conditions,),) = [block(c, "ref_name") for c in block(ruleset, "conditions")]
    assert conditions["include"] == ["refs/heads/main"]
    assert conditions["exclude"] == []


def test_ruleset_forbids_force_pushes_and_deletion_and_wants_an_approval() -> None:
    (rules,) = block(REPO.resource("github_repository_ruleset"), "rules")
    assert rules["non_fast_forward"] is True
    assert rules["deletion"] is True
    (review,) = block(rules, "pull_request")
    assert review["required_approving_review_count"] >= 1
    assert REPO.variables["required_approvals"].get("validation"), "no floor on approvals"
    assert review["dismiss_stale_reviews_on_push"] is True


def test_required_checks_must_come_from_github_actions() -> None:
    (rules,) = block(REPO.resource("github_repository_ruleset"), "rules")
    (checks,) = block(rules, "required_status_checks")
    required = block(checks, "required_check")
    assert sorted(check["context"] for check in required) == sorted(set(INPUTS["required_checks"]))
    for check in required:
        assert check["integration_id"] == GITHUB_ACTIONS_APP_ID, check["context"]


# --- OIDC subject ------------------------------------------------------------------------


def test_oidc_subject_names_the_workflow_file_and_ref() -> None:
    template = REPO.resource("github_actions_repository_oidc_subject_claim_customization_template")
    assert template["use_default"] is False
    assert template["include_claim_keys"] == SUBJECT_CLAIM_KEYS


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
        repository = attribute(load_hcl(file)["locals"][0], "github_repository")
    owner, name = repository.split("/")
    assert INPUTS["repository"] == name
    providers = [
        block
        for spec in UNIT["generate"].values()
        for block in parse_hcl(spec["contents"]).get("provider", [])
    ]
    github = [block["github"] for block in providers if "github" in block]
    assert len(github) == 1, "the unit generates one github provider"
    settings = {k: v for k, v in github[0].items() if k not in META}
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
