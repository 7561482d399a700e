"""promote waits for dev's soak: the digest ran long enough in dev, with its alarms OK."""

from __future__ import annotations

from typing import Any

import pytest

from hello_release import soak

from .conftest import ALARMS, SHA_A, Platform, Run, assert_refused, digest_of

DIGEST = digest_of(SHA_A)


@pytest.fixture
def in_dev(platform: Platform, run: Run, alarms: Any) -> Platform:
    """SHA_A deployed to dev (completed at 20 s on the scheduler's clock, 30 s now)."""
    platform.push(SHA_A)
    assert run.deploy("dev", SHA_A).code == 0
    return platform


def test_the_default_soak_is_ten_minutes() -> None:
    assert soak.SOAK_MINUTES == 10


def test_too_young_is_refused(in_dev: Platform, run: Run) -> None:
    in_dev.scheduler.advance(minutes=5)

    result = run.promote(SHA_A)

    assert_refused(
        result,
        f"refusing to promote {SHA_A}: dev has not run it for the"
        " 10 min soak yet (4.8 min left; --wait waits it out)",
    )
    in_dev.assert_untouched("prod")


@pytest.mark.parametrize("state", ["ALARM", "INSUFFICIENT_DATA"])
def test_an_alarm_not_ok_is_refused(in_dev: Platform, run: Run, alarms: Any, state: str) -> None:
    in_dev.scheduler.advance(minutes=30)
    alarms.set_alarm_state(
        AlarmName="hello-dev-target-p99-latency", StateValue=state, StateReason="test"
    )

    result = run.promote(SHA_A)

    assert_refused(
        result,
        f"refusing to promote {SHA_A}: dev's deployment alarms are not OK"
        f" (hello-dev-target-p99-latency is {state})",
    )
    in_dev.assert_untouched("prod")


def test_an_alarm_missing_in_cloudwatch_is_refused(in_dev: Platform, run: Run, alarms: Any) -> None:
    in_dev.scheduler.advance(minutes=30)
    alarms.delete_alarms(AlarmNames=["hello-dev-target-5xx-rate"])

    result = run.promote(SHA_A)

    assert result.code == 1
    assert "(hello-dev-target-5xx-rate is MISSING)" in result.err


def test_soaked_with_alarms_ok_is_promoted(in_dev: Platform, run: Run) -> None:
    in_dev.scheduler.advance(minutes=10)

    result = run.promote(SHA_A)

    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        f"dev runs {DIGEST} stable on hello-dev:2 for 10.2 min of a 10 min soak;"
        f" deployment alarms OK ({', '.join(ALARMS['dev'])})"
    )
    assert in_dev.service("prod")["taskDefinition"].endswith("hello-prod:2")


def test_a_shorter_soak_is_allowed_and_recorded(in_dev: Platform, run: Run) -> None:
    in_dev.scheduler.advance(minutes=2)

    result = run.promote(SHA_A, "--soak-minutes", "2")

    assert result.code == 0, result.err
    assert (
        f"promoting {SHA_A} ({DIGEST}) to prod after a 2 min soak (shortened by --soak-minutes"
        " from 10 min) in dev"
    ) in result.out


@pytest.mark.parametrize("value", ["-1", "1.5", "soon"])
def test_soak_minutes_must_be_whole(run: Run, value: str) -> None:
    result = run.promote(SHA_A, "--soak-minutes", value)

    assert result.code == 2
    assert f"argument --soak-minutes: {value!r} is not a whole number of minutes" in result.err


def test_wait_waits_out_the_soak_then_promotes(in_dev: Platform, run: Run) -> None:
    in_dev.scheduler.advance(minutes=7)

    result = run.promote(SHA_A, "--wait")

    assert result.code == 0, result.err
    waited = [line for line in result.out.splitlines() if line.startswith("[soak]")]
    assert waited == [
        "[soak] 2.8 min left before dev's release may go to prod",
        "[soak] 1.8 min left before dev's release may go to prod",
        "[soak] 0.8 min left before dev's release may go to prod",
    ]
    assert "for 10.0 min of a 10 min soak" in result.out
    assert in_dev.service("prod")["taskDefinition"].endswith("hello-prod:2")


def test_wait_checks_the_alarms_again(in_dev: Platform, run: Run, alarms: Any) -> None:
    in_dev.scheduler.hooks.append(
        lambda: alarms.set_alarm_state(
            AlarmName="hello-dev-target-5xx-rate", StateValue="ALARM", StateReason="5xx"
        )
    )

    result = run.promote(SHA_A, "--wait")

    assert result.code == 1
    assert "dev's deployment alarms are not OK (hello-dev-target-5xx-rate is ALARM)" in result.err
    in_dev.assert_untouched("prod")


def test_wait_refuses_when_dev_redeployed_meanwhile(in_dev: Platform, run: Run) -> None:
    def redeployed() -> None:
        for service in in_dev.ecs_backend().services.values():
            service.deployments[0]["updatedAt"] = in_dev.scheduler.wall()

    in_dev.scheduler.hooks.append(redeployed)

    result = run.promote(SHA_A, "--wait")

    assert result.code == 1
    assert f"refusing to promote {SHA_A}: dev's release changed while waiting" in result.err
