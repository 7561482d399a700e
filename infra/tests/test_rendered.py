"""Assertions on `terragrunt render --json` of every unit in dev and prod."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tools.deploy_budget import TARGET_SECONDS, compute
from tools.infra_checks import pipeline_units
from tools.project import ENVIRONMENTS
from tools.rendered import (
    LIVE,
    MODULES,
    Config,
    env_values,
    generated_provider,
    gunicorn_default,
    load_all,
    units,
)

CONFIGS = load_all()
PAIRS = [(env, unit) for env in ENVIRONMENTS for unit in units(env)]
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def inputs(env: str, unit: str) -> dict[str, Any]:
    value: dict[str, Any] = CONFIGS[env][unit]["inputs"]
    return value


def test_environments_have_the_same_units_but_prods_admin_one() -> None:
    assert units("dev") == sorted(
        ["alb", "alerts", "ci-roles", "ecr", "ecs-cluster", "ecs-service", "network"]
    )
    # The repository's settings exist once; their state lives in prod.
    assert units("prod") == sorted([*units("dev"), "github-repo"])


def test_units_of_both_environments_use_the_same_module_sources() -> None:
    for unit in sorted(set(units("dev")) & set(units("prod"))):
        sources = {CONFIGS[env][unit]["terraform"]["source"] for env in ENVIRONMENTS}
        assert len(sources) == 1, (unit, sources)
        (source,) = sources
        assert source.endswith(f"//{unit}"), source
        assert (MODULES / unit / "main.tf").exists()


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_is_named_after_its_folder(env: str) -> None:
    assert env_values(env)["environment"] == env


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_contract_names(env: str) -> None:
    # The resource names `hello-<env>`: infra/tests/test_release_names.py.
    service = inputs(env, "ecs-service")
    assert service["environment_name"] == env
    assert "HELLO_REVISION" not in service.get("environment", {})
    repository, digest = service["initial_image"].split("@")
    assert repository.endswith(f".amazonaws.com/{inputs(env, 'ecr')['name']}"), repository
    assert DIGEST.match(digest), digest
    assert inputs(env, "ci-roles")["environment"] == env
    assert inputs(env, "ci-roles")["service"] == "hello"


def test_dev_runs_from_the_build_repository_and_prod_from_its_own() -> None:
    assert inputs("dev", "ecr")["name"] == "hello"
    assert inputs("prod", "ecr")["name"] == "hello-prod"
    dev, prod = (inputs(env, "ecs-service")["initial_image"] for env in ENVIRONMENTS)
    assert dev.startswith(f"{env_values('dev')['account_id']}.dkr.ecr.")
    assert prod.startswith(f"{env_values('prod')['account_id']}.dkr.ecr.")
    # The same first image, each from the environment's own repository.
    assert dev.split("@")[1] == prod.split("@")[1]
    for env in ENVIRONMENTS:
        roles = inputs(env, "ci-roles")
        assert roles["build_repository_arn"] == inputs("dev", "ci-roles")["repository_arn"]
        assert roles["repository_arn"] == inputs(env, "ecs-service")["ecr_repository_arn"]


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_ecr_unit_is_its_environments_own(env: str) -> None:
    """Prod's repository is applied with prod's account, region and state, by prod's
    pipeline run (prod-infra, behind its reviewers), never by dev's."""
    config = CONFIGS[env]["ecr"]
    values = env_values(env)
    provider = generated_provider(config, "aws")
    assert provider["allowed_account_ids"] == [values["account_id"]]
    assert provider["region"] == values["aws_region"]
    assert config["remote_state"]["config"]["bucket"] == values["state_bucket"]
    assert "ecr" in pipeline_units(env)
    name = inputs(env, "ecr")["name"]
    assert name == ("hello" if env == "dev" else f"hello-{env}")
    others = [other for other in ENVIRONMENTS if other != env]
    assert all(inputs(other, "ecr")["name"] != name for other in others)


def test_prod_is_highly_available_and_protected() -> None:
    service = inputs("prod", "ecs-service")
    assert service["min_count"] >= 2
    assert service["max_count"] >= service["min_count"]
    assert service["alarm_actions"]  # deployment alarms: infra/tests/test_alarms.py
    assert inputs("prod", "alb")["deletion_protection"] is True
    # The guaranteed tasks run on regular Fargate, not Spot.
    on_demand = [
        s for s in service["capacity_provider_strategy"] if s["capacity_provider"] == "FARGATE"
    ]
    assert on_demand
    assert on_demand[0]["base"] >= 2


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_fast_and_graceful_rollouts(env: str) -> None:
    service = inputs(env, "ecs-service")
    # The ALB stops sending a task requests, gunicorn then finishes the ones in flight,
    # and only after that does ECS kill the container.
    graceful = gunicorn_default("graceful_timeout")
    assert service["deregistration_delay"] < graceful < service["stop_timeout"]
    # The module checks the same order from its inputs: test_modules.py.
    assert service["graceful_timeout"] == graceful
    assert service["health_check_healthy_threshold"] == 2
    assert service["health_check_unhealthy_threshold"] == 2
    assert service["health_check_interval"] <= 10
    assert service["deregistration_delay"] <= 30
    assert compute(env, service).total_seconds <= TARGET_SECONDS


@pytest.mark.parametrize(("env", "unit"), PAIRS)
def test_state_is_encrypted_locked_and_keyed_by_path(env: str, unit: str) -> None:
    remote_state: Config = CONFIGS[env][unit]["remote_state"]
    assert remote_state["backend"] == "s3"
    config = remote_state["config"]
    assert config["encrypt"] is True
    assert config["use_lockfile"] is True
    assert config["key"] == f"{env}/{unit}/tofu.tfstate"
    assert config["bucket"] == env_values(env)["state_bucket"]


@pytest.mark.parametrize(("env", "unit"), PAIRS)
def test_provider_pins_the_account_and_tags_everything(env: str, unit: str) -> None:
    provider = generated_provider(CONFIGS[env][unit], "aws")
    assert provider["region"] == env_values(env)["aws_region"]
    assert provider["allowed_account_ids"] == [env_values(env)["account_id"]]
    (tags,) = provider["default_tags"]["tags"]
    assert set(tags) == {"service", "environment", "repository", "managed-by"}
    assert tags["service"] == "hello"
    assert tags["environment"] == env
    assert tags["managed-by"] == "terragrunt"
    assert re.match(r"^[\w.-]+/[\w.-]+$", tags["repository"])


def test_no_root_terragrunt_hcl() -> None:
    assert not (LIVE / "terragrunt.hcl").exists()
    assert (LIVE / "root.hcl").exists()
