"""Where the tasks run: the network unit's subnets, and whether they get a public IP.

The network module's private subnets (private_subnet_cidrs) have a route table with no
way out of the VPC and VPC endpoints for ECR, S3 and CloudWatch Logs; what the infra role
may do to them is test_infra_role_builds_a_private_network_that_cannot_lead_out. Here:
what each environment asks for, the module's variable rules (the real `tofu plan` of its
variables, conftest.py), and that the tasks' public IP follows the network unit."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

import pytest
from hcl2.api import load as load_hcl  # bc-python-hcl2, installed with checkov

from tools.project import ENVIRONMENTS
from tools.rendered import LIVE, env_values, load

PlanVariables = Callable[[str, dict[str, Any]], str]  # the plan_variables fixture
# The default VPC's block and its default subnets: a /20 per AZ from the start, six at most.
DEFAULT_VPC = ipaddress.IPv4Network("172.31.0.0/16")
DEFAULT_SUBNETS = list(DEFAULT_VPC.subnets(new_prefix=20))[:6]


def network_inputs(env: str) -> dict[str, Any]:
    inputs: dict[str, Any] = load(env, "network")["inputs"]
    return inputs


def test_prod_tasks_run_in_private_subnets_free_in_the_default_vpc(
    plan_variables: PlanVariables,
) -> None:
    inputs = network_inputs("prod")
    blocks = [ipaddress.IPv4Network(cidr) for cidr in inputs["private_subnet_cidrs"]]
    assert len(blocks) >= 2
    if inputs["vpc_id"] == "":
        assert all(block.subnet_of(DEFAULT_VPC) for block in blocks)
        assert not any(block.overlaps(subnet) for block in blocks for subnet in DEFAULT_SUBNETS)
    assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])
    plan_variables("network", inputs)  # the module accepts them


def test_the_tasks_public_ip_follows_the_network_unit() -> None:
    """One place decides it (the network module's assign_public_ip output), so private
    subnets never come with a public IP and the default VPC's never without one."""
    with (LIVE / "_units" / "ecs-service.hcl").open() as file:
        unit = load_hcl(file)["inputs"][0]
    assert "dependency.network.outputs.assign_public_ip" in str(unit["assign_public_ip"])
    assert all("assign_public_ip" not in env_values(env) for env in ENVIRONMENTS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"private_subnet_cidrs": ["172.31.96.0/20"]}, "at least two private subnet"),
        ({"private_subnet_cidrs": ["172.31.96.0/20", "not-a-cidr"]}, "IPv4 CIDR blocks"),
        ({"subnet_ids": ["subnet-1", "subnet-2"]}, "not both"),
    ],
)
def test_the_module_refuses_private_subnets_it_cannot_build(
    changes: dict[str, Any], message: str, plan_variables: PlanVariables
) -> None:
    with pytest.raises(ValueError, match=message):
        plan_variables("network", {**network_inputs("prod"), **changes})


def test_the_endpoints_admit_the_whole_vpc_whose_names_they_answer() -> None:
    # Private DNS points every subnet of the VPC at the interface endpoints: a narrower
    # ingress would cut ECR and CloudWatch Logs off from the rest of the VPC (the public
    # tasks of an environment sharing it).
    with (LIVE.parent / "modules" / "network" / "private.tf").open() as file:
        module = load_hcl(file)
    endpoints = [
        body
        for block in module["resource"]
        for body in block.get("aws_vpc_endpoint", {}).values()
        if body.get("vpc_endpoint_type") == ["Interface"]  # bc-python-hcl2 lists each value
    ]
    assert endpoints
    assert all(body["private_dns_enabled"] == [True] for body in endpoints)
    (ingress,) = [
        body
        for block in module["resource"]
        for body in block.get("aws_vpc_security_group_ingress_rule", {}).values()
    ]
    assert ingress["cidr_ipv4"] == ["${data.aws_vpc.this.cidr_block}"]
    assert (ingress["from_port"], ingress["to_port"]) == ([443], [443])
