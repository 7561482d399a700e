"""deploy: the revision registered, the service update, and how a rollout ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SHA_A, Platform, Run, assert_refused


def test_registers_a_copy_pinned_to_the_digest_and_rolls_it_out(
    platform: Platform, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = platform.push(SHA_A)
    outputs = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))

    result = run.deploy("dev", SHA_A)

    assert result.code == 0, result.err
    assert platform.revisions("dev") == ["hello-dev:1", "hello-dev:2"]
    base, _ = platform.revision("hello-dev:1")
    new, tags = platform.revision("hello-dev:2")
    assert new["containerDefinitions"][0]["image"] == f"{platform.repository_uri}@{digest}"
    assert tags == {"managed-by": "terraform", "revision": SHA_A}
    # Everything but the image is the revision Terraform left, so config changes are kept.
    strip = {"taskDefinitionArn", "revision", "containerDefinitions", "registeredAt"}
    assert {k: v for k, v in new.items() if k not in strip} == {
        k: v for k, v in base.items() if k not in strip
    }
    assert {**new["containerDefinitions"][0], "image": "x"} == {
        **base["containerDefinitions"][0],
        "image": "x",
    }
    assert new["containerDefinitions"][0]["linuxParameters"] == {
        "capabilities": {"drop": ["ALL"]},
        "initProcessEnabled": True,
    }
    assert "HELLO_REVISION" not in str(new["containerDefinitions"])
    service = platform.service("dev")
    assert service["taskDefinition"] == new["taskDefinitionArn"]
    # The tool returns only once the old deployment is gone, not when the new one completes.
    assert [(d["rolloutState"], d["runningCount"]) for d in service["deployments"]] == [
        ("COMPLETED", 2)
    ]
    assert "hello-dev:2 PRIMARY IN_PROGRESS 0/2 running" in result.out
    assert (
        "hello-dev:2 PRIMARY COMPLETED 2/2 running; hello-dev:1 ACTIVE COMPLETED 0/2 running"
        in result.out
    )
    assert "hello-dev is stable on hello-dev:2" in result.out
    assert outputs.read_text() == (f"sha={SHA_A}\ndigest={digest}\ntask_definition=hello-dev:2\n")
    platform.assert_untouched("prod")


def test_missing_image_registers_nothing(platform: Platform, run: Run) -> None:
    result = run.deploy("dev", SHA_A)

    assert_refused(result, f"no image hello:{SHA_A} in this account's registry (publish it first)")
    platform.assert_untouched("dev")


def test_reports_a_circuit_breaker_rollback(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "circuit-breaker"

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert result.err == (
        "hello-release deploy: hello-dev:2 was rolled back by the deployment circuit breaker"
        " (ECS deployment circuit breaker: tasks failed to start.); hello-dev runs hello-dev:1"
        " again; registered hello-dev:2, updated service hello-dev to hello-dev:2\n"
    )
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:1")


def test_times_out_saying_the_rollout_goes_on(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "stuck"

    result = run.deploy("dev", SHA_A, "--timeout", "30")

    assert result.code == 1
    assert result.err == (
        "hello-release deploy: hello-dev:2 did not finish rolling out on hello-dev within 30 s;"
        " ECS is still rolling it out (check: hello-release status --env dev);"
        " registered hello-dev:2, updated service hello-dev to hello-dev:2\n"
    )
    progress = [line for line in result.out.splitlines() if line.startswith("[")]
    assert [line[:7] for line in progress] == ["[   0s]", "[  10s]", "[  20s]", "[  30s]"]
    assert platform.service("dev")["taskDefinition"].endswith("hello-dev:2")


def test_another_change_during_the_rollout_is_reported(platform: Platform, run: Run) -> None:
    platform.push(SHA_A)
    platform.scheduler.outcome = "stuck"
    first = platform.service("dev")["taskDefinition"]
    # Someone else points the service back while the tool waits.
    platform.scheduler.hooks.append(
        lambda: platform.ecs.update_service(
            cluster="hello-dev", service="hello-dev", taskDefinition=first
        )
    )

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert "hello-dev switched to hello-dev:1 while hello-dev:2 was rolling out" in result.err


def test_uses_the_registry_named_by_the_environment(
    platform: Platform, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform.push(SHA_A)
    monkeypatch.setenv("HELLO_ECR_REGISTRY_ID", "210987654321")

    result = run.deploy("dev", SHA_A)

    assert result.code == 1
    assert "ECR repository hello not found in registry 210987654321" in result.err
    platform.assert_untouched("dev")
