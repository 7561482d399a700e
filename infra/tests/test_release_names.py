"""The release tool's copy of the environments and names agrees with infra/live.

hello_release is a package of its own (infra/release), installed without the rest of the
repository, so it keeps its own copy of the environments and of the names it looks AWS
resources up by (hello_release/names.py). Their home is infra/live, and for the lock's key
ci-roles-policies: these tests fail when the copy drifts from the rendered units and the
roles' policies.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from tools.policy_cases import CI_ROLES_LAYOUTS
from tools.policy_documents import documents
from tools.project import ENVIRONMENTS, ROOT
from tools.rendered import load

RELEASE_NAMES = ROOT / "infra" / "release" / "src" / "hello_release" / "names.py"
# The units whose `name` input is the environment's resource name.
NAMED_UNITS = ("alb", "alerts", "ecs-cluster", "ecs-service")


def release_names() -> ModuleType:
    """hello_release/names.py, loaded by path: the infra checks do not install the tool."""
    spec = importlib.util.spec_from_file_location("hello_release_names", RELEASE_NAMES)
    assert spec, RELEASE_NAMES
    assert spec.loader, RELEASE_NAMES
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAMES = release_names()


def test_the_release_tool_knows_exactly_the_environments_of_infra_live() -> None:
    assert sorted(NAMES.ENVIRONMENTS) == list(ENVIRONMENTS)


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_release_tool_names_resources_as_the_units_do(env: str) -> None:
    name = NAMES.resource(env)
    for unit in NAMED_UNITS:
        assert load(env, unit)["inputs"]["name"] == name, unit
    # The ci-roles module builds the same prefix from the service and the environment.
    roles = load(env, "ci-roles")["inputs"]
    assert f"{roles['service']}-{roles['environment']}" == name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_the_release_tool_finds_each_repository_and_the_container(env: str) -> None:
    # The repository the environment's tasks pull from (common.hcl image_repositories),
    # which its ecr unit creates.
    assert load(env, "ecr")["inputs"]["name"] == NAMES.repository(env)
    assert load(env, "ecs-service")["inputs"]["ecr_repository_arn"].endswith(
        f":repository/{NAMES.repository(env)}"
    )
    assert load(env, "ecs-service")["inputs"]["container_name"] == NAMES.CONTAINER


@pytest.mark.parametrize("layout", sorted(CI_ROLES_LAYOUTS))
def test_the_release_tool_takes_the_lock_the_ci_roles_may_write(layout: str) -> None:
    variables = CI_ROLES_LAYOUTS[layout]
    found = documents("ci-roles-policies", variables)
    lock = f"arn:aws:s3:::{variables['state_bucket']}/{NAMES.lock_key(variables['environment'])}"
    for role in ("deploy", "infra"):
        (statement,) = [
            s for s in found[f"{role}.inline.lock"]["Statement"] if s["Sid"] == "EnvironmentLock"
        ]
        assert statement["Resource"] == lock, role


@pytest.mark.parametrize("layout", sorted(CI_ROLES_LAYOUTS))
def test_the_release_tool_records_the_last_apply_where_the_infra_role_may(layout: str) -> None:
    variables = CI_ROLES_LAYOUTS[layout]
    found = documents("ci-roles-policies", variables)
    bucket, key = variables["state_bucket"], NAMES.applied_key(variables["environment"])
    statements = {s["Sid"]: s for s in found["infra.inline.lock"]["Statement"]}
    assert statements["LastApplied"]["Resource"] == f"arn:aws:s3:::{bucket}/{key}"
    assert statements["LastAppliedList"]["Condition"] == {"StringEquals": {"s3:prefix": key}}
