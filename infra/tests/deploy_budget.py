"""Deploy-time budget of a rolling ECS deploy, computed from the rendered ecs-service inputs.

A rolling deploy replaces the tasks in batches. Each batch:
  - starts its new tasks, which count as healthy after the target group saw
    `healthy_threshold` passing checks `interval` seconds apart;
  - then drains the old tasks for `deregistration_delay` seconds;
  - then sends SIGTERM and waits at most `stop_timeout` for in-flight requests.
A batch holds as many tasks as the surge above 100 % (`maximum_percent`) plus the
ones allowed below it (`minimum_healthy_percent`). The grace period is shown but not
added: it only delays ECS's verdict on a failing task, not a healthy rollout. Image pull
and process start are not in the configuration, so the figure leaves them out.

Run as a script: prints one line per environment and writes build/infra/deploy-budget.json.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from infra.tests import rendered

TARGET_SECONDS = 120

# What AWS gives when nothing is set (target group and ECS service defaults).
AWS_DEFAULTS: dict[str, int] = {
    "min_count": 2,
    "health_check_interval": 30,
    "health_check_healthy_threshold": 5,
    "health_check_grace_period": 0,
    "deregistration_delay": 300,
    "stop_timeout": 30,
    "deployment_minimum_healthy_percent": 100,
    "deployment_maximum_percent": 200,
}


@dataclass(frozen=True)
class Budget:
    environment: str
    tasks: int
    batches: int
    healthy_seconds: int
    drain_seconds: int
    stop_seconds: int
    grace_seconds: int
    total_seconds: int

    def line(self) -> str:
        per_batch = self.healthy_seconds + self.drain_seconds + self.stop_seconds
        verdict = "within" if self.total_seconds <= TARGET_SECONDS else "OVER"
        return (
            f"deploy budget {self.environment}: {self.total_seconds} s "
            f"= {self.batches} batch(es) x ({self.healthy_seconds} s healthy"
            f" + {self.drain_seconds} s drain + {self.stop_seconds} s stop = {per_batch} s)"
            f" for {self.tasks} task(s); grace {self.grace_seconds} s;"
            f" {verdict} the {TARGET_SECONDS} s target"
        )


def compute(environment: str, inputs: dict[str, Any]) -> Budget:
    """Budget for one environment from its ecs-service inputs (missing keys: AWS defaults)."""

    def value(key: str) -> int:
        return int(inputs.get(key, AWS_DEFAULTS[key]))

    tasks = value("min_count")
    surge = math.floor(tasks * (value("deployment_maximum_percent") - 100) / 100)
    below = tasks - math.ceil(tasks * value("deployment_minimum_healthy_percent") / 100)
    batch = surge + below
    if batch <= 0:
        raise ValueError(f"{environment}: min/max percent allow no task to be replaced")
    batches = math.ceil(tasks / batch)
    healthy = value("health_check_interval") * value("health_check_healthy_threshold")
    drain = value("deregistration_delay")
    stop = value("stop_timeout")
    return Budget(
        environment=environment,
        tasks=tasks,
        batches=batches,
        healthy_seconds=healthy,
        drain_seconds=drain,
        stop_seconds=stop,
        grace_seconds=value("health_check_grace_period"),
        total_seconds=batches * (healthy + drain + stop),
    )


def budgets() -> list[Budget]:
    return [
        compute(env, rendered.load(env, "ecs-service")["inputs"]) for env in rendered.ENVIRONMENTS
    ]


def main(out: Path) -> int:
    results = budgets()
    defaults = compute("aws-defaults", {})
    for budget in results:
        print(budget.line())
    print(f"for comparison, {defaults.line()}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "target_seconds": TARGET_SECONDS,
                "environments": {b.environment: asdict(b) for b in results},
                "aws_defaults": asdict(defaults),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"written {out}")
    return 0 if all(b.total_seconds <= TARGET_SECONDS for b in results) else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
