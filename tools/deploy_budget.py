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

After the last batch, ECS keeps watching the deployment alarms for a bake time it
derives from the alarms' configuration (ECS developer guide, "How CloudWatch alarms
detect Amazon ECS deployment failures"); the budget counts it as the alarms' window,
period x evaluation periods, before the deployment is COMPLETED. Promotion then waits
for the soak: prod takes a digest only once dev's deployment of it COMPLETED at least
the soak time ago. So merge to prod takes at least dev's rollout and window, the soak,
and prod's rollout and window (reviews and the image build not counted).

Run as a script: prints one line per environment and the promotion, and writes
build/infra/deploy-budget.json.
"""

from __future__ import annotations

import ast
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tools import rendered
from tools.project import ENVIRONMENTS, ROOT

TARGET_SECONDS = 120

# The promotion soak is the release tool's setting (`hello-release promote`): its one
# definition is `SOAK_MINUTES` in the hello_release package (hello_release/soak.py). The
# budget reads it from the sources, so the infra checks need not install the tool; if
# the package does not define it, the budget uses this stand-in and says so.
RELEASE_PACKAGE = ROOT / "infra" / "release" / "src" / "hello_release"
SOAK_CONSTANT = "SOAK_MINUTES"
SOAK_FALLBACK_SECONDS = 10 * 60

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
    # No deployment alarms: nothing to wait out after the last batch.
    "alarm_period": 60,
    "alarm_evaluation_periods": 0,
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
    alarm_window_seconds: int = 0

    @property
    def completed_seconds(self) -> int:
        """Rollout plus the alarms' window: when ECS marks the deployment COMPLETED."""
        return self.total_seconds + self.alarm_window_seconds

    def window_line(self) -> str:
        return (
            f"  + {self.alarm_window_seconds} s deployment alarms' window (bake time)"
            f" = {self.completed_seconds} s until {self.environment}'s deployment COMPLETES"
        )

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
        alarm_window_seconds=value("alarm_period") * value("alarm_evaluation_periods"),
    )


@dataclass(frozen=True)
class Soak:
    seconds: int
    source: str


def _soak_from(tree: ast.Module) -> int | None:
    """Seconds of a module-level `SOAK_MINUTES = <number>` (annotated or not)."""
    for node in tree.body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == SOAK_CONSTANT and value is not None:
            try:
                minutes = ast.literal_eval(value)
            except ValueError:
                minutes = None
            if not isinstance(minutes, int | float) or isinstance(minutes, bool) or minutes <= 0:
                raise ValueError(f"{SOAK_CONSTANT} must be a positive number of minutes")
            return round(minutes * 60)
    return None


def promotion_soak(package: Path = RELEASE_PACKAGE) -> Soak:
    """The release tool's default soak, read from its source (no need to install it)."""
    for path in sorted(package.glob("*.py")):
        seconds = _soak_from(ast.parse(path.read_text(), str(path)))
        if seconds is not None:
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            return Soak(seconds, f"{SOAK_CONSTANT} in {where}")
    return Soak(
        SOAK_FALLBACK_SECONDS,
        f"deploy_budget.SOAK_FALLBACK_SECONDS: hello_release defines no {SOAK_CONSTANT}",
    )


def merge_to_prod_seconds(dev: Budget, prod: Budget, soak: Soak) -> int:
    """Merge to prod COMPLETED, at the least: dev completes, soaks, then prod completes."""
    return dev.completed_seconds + soak.seconds + prod.completed_seconds


def budgets() -> list[Budget]:
    return [compute(env, rendered.load(env, "ecs-service")["inputs"]) for env in ENVIRONMENTS]


def main(out: Path) -> int:
    results = budgets()
    defaults = compute("aws-defaults", {})
    by_env = {b.environment: b for b in results}
    soak = promotion_soak()
    for budget in results:
        print(budget.line())
        print(budget.window_line())
    to_prod = merge_to_prod_seconds(by_env["dev"], by_env["prod"], soak)
    print(
        f"promotion: {by_env['dev'].completed_seconds} s dev + {soak.seconds} s soak"
        f" (from {soak.source}) + {by_env['prod'].completed_seconds} s prod"
        f" = at least {to_prod} s from merge to prod COMPLETED (reviews, build not counted)"
    )
    print(f"for comparison, {defaults.line()}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "target_seconds": TARGET_SECONDS,
                "environments": {
                    b.environment: {**asdict(b), "completed_seconds": b.completed_seconds}
                    for b in results
                },
                "promotion": {
                    "soak_seconds": soak.seconds,
                    "soak_source": soak.source,
                    "merge_to_prod_seconds": to_prod,
                },
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
