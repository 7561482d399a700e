"""The deploy-time budget arithmetic, on hand-made inputs."""

from __future__ import annotations

import pytest

from tools.deploy_budget import AWS_DEFAULTS, compute

FAST = {
    "health_check_interval": 5,
    "health_check_healthy_threshold": 2,
    "deregistration_delay": 15,
    "stop_timeout": 30,
}


def test_aws_defaults_take_eight_minutes() -> None:
    budget = compute("defaults", {})
    assert (budget.healthy_seconds, budget.drain_seconds, budget.stop_seconds) == (150, 300, 30)
    assert budget.total_seconds == 480
    assert AWS_DEFAULTS["deregistration_delay"] == 300


def test_full_surge_replaces_every_task_in_one_batch() -> None:
    budget = compute("fast", {**FAST, "min_count": 6})
    assert budget.batches == 1
    assert budget.total_seconds == 10 + 15 + 30


def test_smaller_surge_needs_more_batches() -> None:
    inputs = {**FAST, "min_count": 4, "deployment_maximum_percent": 150}
    assert compute("half", inputs).batches == 2
    inputs["deployment_minimum_healthy_percent"] = 50
    assert compute("half-down", inputs).batches == 1


def test_no_room_to_replace_is_an_error() -> None:
    inputs = {**FAST, "min_count": 2, "deployment_maximum_percent": 100}
    with pytest.raises(ValueError, match="allow no task to be replaced"):
        compute("stuck", inputs)
