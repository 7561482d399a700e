"""The deploy-time budget's alarm window and promotion soak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.deploy_budget import (
    SOAK_FALLBACK_SECONDS,
    Soak,
    compute,
    main,
    merge_to_prod_seconds,
    promotion_soak,
)
from tools.project import ENVIRONMENTS
from tools.rendered import env_values, load

FAST = {
    "min_count": 2,
    "health_check_interval": 5,
    "health_check_healthy_threshold": 2,
    "deregistration_delay": 15,
    "stop_timeout": 30,
}


def test_the_alarm_window_follows_the_rollout() -> None:
    budget = compute("alarms", {**FAST, "alarm_period": 60, "alarm_evaluation_periods": 3})
    assert budget.total_seconds == 55  # the rollout itself is unchanged
    assert budget.alarm_window_seconds == 180
    assert budget.completed_seconds == 235


def test_without_deployment_alarms_there_is_no_window() -> None:
    assert compute("defaults", {}).alarm_window_seconds == 0
    assert compute("fast", FAST).completed_seconds == 55


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_environment_waits_out_its_own_alarms(env: str) -> None:
    values = env_values(env)
    budget = compute(env, load(env, "ecs-service")["inputs"])
    window = values["alarm_period_seconds"] * values["alarm_evaluation_periods"]
    assert budget.alarm_window_seconds == window > 0


def test_merge_to_prod_adds_dev_the_soak_and_prod() -> None:
    dev = compute("dev", {**FAST, "alarm_period": 60, "alarm_evaluation_periods": 3})
    prod = compute("prod", {**FAST, "alarm_period": 60, "alarm_evaluation_periods": 5})
    assert merge_to_prod_seconds(dev, prod, Soak(600, "test")) == 235 + 600 + 355


@pytest.mark.parametrize(
    ("source", "seconds"),
    [
        ("SOAK_MINUTES = 10\n", 600),
        ("SOAK_MINUTES: int = 15\n", 900),
        ("SOAK_MINUTES = 7.5\n", 450),
    ],
)
def test_the_soak_comes_from_the_release_tool(tmp_path: Path, source: str, seconds: int) -> None:
    (tmp_path / "cli.py").write_text("def promote() -> None:\n    SOAK_MINUTES = 1\n")
    (tmp_path / "soak.py").write_text(f'"""Soak."""\n\n{source}')
    soak = promotion_soak(tmp_path)
    assert soak.seconds == seconds
    assert soak.source.endswith("soak.py")


def test_without_a_soak_in_the_release_tool_the_stand_in_says_so(tmp_path: Path) -> None:
    (tmp_path / "soak.py").write_text("def soak() -> int:\n    SOAK_MINUTES = 3\n    return 3\n")
    soak = promotion_soak(tmp_path)
    assert soak.seconds == SOAK_FALLBACK_SECONDS == 600
    assert "SOAK_FALLBACK_SECONDS" in soak.source


@pytest.mark.parametrize("value", ["0", "-5", "'10'", "timedelta(minutes=10)", "True"])
def test_a_soak_that_is_not_minutes_is_an_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "soak.py").write_text(f"SOAK_MINUTES = {value}\n")
    with pytest.raises(ValueError, match="positive number of minutes"):
        promotion_soak(tmp_path)


def test_the_soak_in_this_checkout_is_read_or_named_as_missing() -> None:
    soak = promotion_soak()
    assert soak.seconds > 0
    assert "SOAK_MINUTES" in soak.source


def test_the_report_has_both_environments_and_the_promotion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "budget.json"
    assert main(out) == 0
    report = json.loads(out.read_text())
    assert set(report["environments"]) == {"dev", "prod"}
    for env, budget in report["environments"].items():
        assert (
            budget["completed_seconds"] == budget["total_seconds"] + budget["alarm_window_seconds"]
        ), env
    promotion = report["promotion"]
    assert promotion["soak_seconds"] >= 60
    assert promotion["merge_to_prod_seconds"] == (
        report["environments"]["dev"]["completed_seconds"]
        + promotion["soak_seconds"]
        + report["environments"]["prod"]["completed_seconds"]
    )
    printed = capsys.readouterr().out
    assert "deploy budget dev:" in printed
    assert "deploy budget prod:" in printed
    assert "soak" in printed
