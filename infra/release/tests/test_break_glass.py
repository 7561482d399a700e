"""promote --break-glass: a flood of dev trips its latency alarm, not the release's errors.

The alarms are defined in moto's CloudWatch as the ecs-service module defines them
(conftest.py); the tool tells a load-only alarm from the definition it reads there.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ALARMS, SHA_A, Platform, Run, assert_refused, digest_of

ERRORS, LATENCY = ALARMS["dev"]


@pytest.fixture
def soaked(platform: Platform, run: Run, alarms: Any) -> Platform:
    """SHA_A deployed to dev and run there past the soak time."""
    platform.push(SHA_A)
    assert run.deploy("dev", SHA_A).code == 0
    platform.scheduler.advance(minutes=30)
    return platform


def flood(alarms: Any, state: str = "ALARM") -> None:
    alarms.set_alarm_state(AlarmName=LATENCY, StateValue=state, StateReason="flood")


def test_a_flood_of_dev_blocks_promote_without_break_glass(
    soaked: Platform, run: Run, alarms: Any
) -> None:
    flood(alarms)

    assert_refused(
        run.promote(SHA_A),
        f"refusing to promote {SHA_A}: dev's deployment alarms are not OK ({LATENCY} is ALARM)",
    )
    soaked.assert_untouched("prod")


@pytest.mark.parametrize("state", ["ALARM", "INSUFFICIENT_DATA"])
def test_break_glass_promotes_past_the_latency_alarm_and_says_so(
    soaked: Platform, run: Run, alarms: Any, state: str
) -> None:
    flood(alarms, state)

    result = run.promote(SHA_A, "--break-glass")

    assert result.code == 0, result.err
    assert (
        f"BREAK GLASS: promoting although load-only alarms are not OK ({LATENCY} is {state})"
        in result.out
    )
    _, tags = soaked.revision("hello-prod")
    assert tags["revision"] == SHA_A


@pytest.mark.parametrize("state", ["ALARM", "INSUFFICIENT_DATA"])
def test_break_glass_never_skips_the_5xx_alarm(
    soaked: Platform, run: Run, alarms: Any, state: str
) -> None:
    flood(alarms)
    alarms.set_alarm_state(AlarmName=ERRORS, StateValue=state, StateReason="errors")

    assert_refused(
        run.promote(SHA_A, "--break-glass"),
        f"refusing to promote {SHA_A}: dev's deployment alarms are not OK ({ERRORS} is {state})",
    )
    soaked.assert_untouched("prod")


def test_break_glass_never_skips_a_missing_alarm(soaked: Platform, run: Run, alarms: Any) -> None:
    alarms.delete_alarms(AlarmNames=[LATENCY])

    assert_refused(
        run.promote(SHA_A, "--break-glass"),
        f"refusing to promote {SHA_A}: dev's deployment alarms are not OK ({LATENCY} is MISSING)",
    )
    soaked.assert_untouched("prod")


def test_an_alarm_named_like_latency_that_watches_errors_is_not_skipped(
    soaked: Platform, run: Run, alarms: Any
) -> None:
    """The name decides nothing: a latency-named alarm on the 5xx count still blocks."""
    alarms.put_metric_alarm(
        AlarmName=LATENCY,
        Namespace="AWS/ApplicationELB",
        MetricName="HTTPCode_Target_5XX_Count",
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
    )
    flood(alarms)

    assert_refused(
        run.promote(SHA_A, "--break-glass"),
        f"refusing to promote {SHA_A}: dev's deployment alarms are not OK ({LATENCY} is ALARM)",
    )


def test_break_glass_needs_an_alarm_that_judges_errors(
    soaked: Platform, run: Run, alarms: Any
) -> None:
    soaked.scheduler.set_deployment_alarms("dev", [LATENCY])
    flood(alarms)

    assert_refused(
        run.promote(SHA_A, "--break-glass"),
        f"refusing to promote {SHA_A} with --break-glass: every deployment alarm of dev is"
        f" load-only ({LATENCY}); nothing would judge the release's errors",
    )
    soaked.assert_untouched("prod")


def test_break_glass_keeps_every_other_check(soaked: Platform, run: Run, alarms: Any) -> None:
    """It skips an alarm, not the soak or the digest dev runs."""
    flood(alarms)
    soaked.push("b" * 40)

    result = run("promote", "--sha", "b" * 40, "--digest", digest_of("b" * 40), "--break-glass")

    assert result.code == 1
    assert "deploy " + "b" * 40 + " to dev first" in result.err
    soaked.assert_untouched("prod")
