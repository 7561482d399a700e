"""The parsed workflows and local actions, shared by the workflow tests."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTION_FILES = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))

Job = dict[str, Any]
Step = dict[str, Any]

# The one action that assumes an AWS role, and the one that checks out the repository.
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials"
CHECKOUT = "actions/checkout"

MATRIX_VALUE = re.compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
# A nox call's session: a name, or a variable set through env: ("$SESSION").
NOX_SESSION = re.compile(r'^nox -s (?:"?\$(\w+)"?|([\w-]+))(?:\s|$)')
# Sessions that change what runs in an environment (deploys, releases, infra applies).
CHANGES_AN_ENVIRONMENT = re.compile(r"^nox -s (deploy|promote|rollback|apply)\b")


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict), path
    return data


def jobs(data: dict[Any, Any]) -> dict[str, Job]:
    found = data["jobs"]
    assert isinstance(found, dict)
    return found


def steps(job: Job) -> list[Step]:
    found = job.get("steps", [])
    assert isinstance(found, list)
    return found


def all_jobs() -> Iterator[tuple[str, str, Job]]:
    for path in WORKFLOW_FILES:
        for job_id, job in jobs(load(path)).items():
            yield path.name, job_id, job


def job_params(found: Iterable[tuple[str, str, Job]]) -> list[Any]:
    return [pytest.param(name, job_id, job, id=f"{name}:{job_id}") for name, job_id, job in found]


def needs(data: dict[Any, Any], job_id: str) -> set[str]:
    """Every job `job_id` waits for, directly or through the jobs it needs."""
    direct = jobs(data)[job_id].get("needs", [])
    found = set([direct] if isinstance(direct, str) else direct)
    for needed in list(found):
        found |= needs(data, needed)
    return found


# --- actions ---------------------------------------------------------------------------


def action(reference: str) -> str:
    """An action reference without its version: `actions/checkout@<sha>` -> `actions/checkout`."""
    return reference.split("@", 1)[0]


def uses_action(step: Step, name: str) -> bool:
    """Whether the step uses the action `name`, in any version."""
    return action(str(step.get("uses", ""))) == name


def steps_using(job: Job, name: str) -> list[Step]:
    return [step for step in steps(job) if uses_action(step, name)]


def local_action(reference: str) -> dict[Any, Any] | None:
    """The parsed action.yml of a `./<path>` reference; None for an action of another repo."""
    if not reference.startswith("./"):
        return None
    return load(ROOT / reference / "action.yml")


def action_steps(data: dict[Any, Any]) -> list[Step]:
    """The steps of a composite action."""
    runs = data["runs"]
    assert runs["using"] == "composite", runs
    found = runs["steps"]
    assert isinstance(found, list)
    return found


def all_step_lists() -> Iterator[tuple[str, list[Step]]]:
    """(where, its steps) for every job of every workflow and every local action."""
    for name, job_id, job in all_jobs():
        yield f"{name}:{job_id}", steps(job)
    for path in ACTION_FILES:
        yield str(path.relative_to(ROOT)), action_steps(load(path))


def uses(step_list: list[Step]) -> list[str]:
    """The actions the steps use, including those the local actions among them use."""
    found = []
    for step in step_list:
        if "uses" in step:
            found.append(str(step["uses"]))
            local = local_action(str(step["uses"]))
            if local is not None:
                found += uses(action_steps(local))
    return found


# --- matrix jobs -----------------------------------------------------------------------


def matrix_combinations(job: Job) -> list[dict[str, Any]]:
    """The matrix combinations GitHub runs: the product of the axes, then each `include`
    entry added to every combination whose own values it keeps, or run on its own."""
    matrix = job.get("strategy", {}).get("matrix")
    if matrix is None:
        return [{}]
    assert isinstance(matrix, dict), f"cannot expand the matrix {matrix!r}"
    assert "exclude" not in matrix, "matrix exclude is not supported here"
    axes = {key: values for key, values in matrix.items() if key != "include"}
    products = itertools.product(*axes.values()) if axes else []
    originals = [dict(zip(axes, values, strict=True)) for values in products]
    combinations = [dict(original) for original in originals]
    for extra in matrix.get("include", []):
        # Added to the original combinations only, never to one an include made.
        fits = [
            combination
            for original, combination in zip(originals, combinations, strict=False)
            if all(original.get(key, value) == value for key, value in extra.items())
        ]
        for combination in fits:
            combination.update(extra)
        if not fits:
            combinations.append(dict(extra))
    return combinations


def _matrix_value(combination: dict[str, Any], key: str) -> Any:
    assert key in combination, f"matrix.{key} is not set in the combination {combination}"
    return combination[key]


def _substitute(value: Any, combination: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _substitute(item, combination) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, combination) for item in value]
    if isinstance(value, str):
        whole = MATRIX_VALUE.fullmatch(value.strip())
        if whole:
            return _matrix_value(combination, whole[1])
        return MATRIX_VALUE.sub(lambda match: str(_matrix_value(combination, match[1])), value)
    return value


def instances(job: Job) -> list[Job]:
    """The job once per matrix combination, without its strategy, each `${{ matrix.<key> }}`
    replaced by its value (other expressions are left as they are)."""
    return [
        {key: _substitute(value, combination) for key, value in job.items() if key != "strategy"}
        for combination in matrix_combinations(job)
    ]


# --- run steps -------------------------------------------------------------------------


def run(step: Step) -> str:
    return str(step.get("run", "")).strip()


def expression(value: Any) -> str:
    """The inside of a `${{ ... }}` value."""
    match = re.fullmatch(r"\$\{\{\s*(.+?)\s*\}\}", str(value).strip())
    assert match, f"{value!r} is not a single expression"
    return match[1]


def flag(command: str, name: str) -> str:
    """The value given to `--name` in a one-line nox call (quotes removed)."""
    match = re.search(rf"(?:^|\s){re.escape(name)}[ =](\"[^\"]*\"|\S+)", command)
    assert match, f"{command!r} has no {name}"
    return match[1].strip('"')


def env_value(job: Job, step: Step, variable: str) -> str:
    """What `$VARIABLE` holds in a run step: the step's env first, then the job's."""
    for scope in (step.get("env", {}), job.get("env", {})):
        if variable in scope:
            return str(scope[variable])
    raise AssertionError(f"${variable} is not set for {run(step)!r}")


def sessions(job: Job) -> list[str]:
    """The nox sessions the job runs, in every matrix combination, a session given through a
    variable read from env:."""
    found = []
    for instance in instances(job):
        for step in steps(instance):
            match = NOX_SESSION.match(run(step))
            if match:
                found.append(match[2] or env_value(instance, step, match[1]))
    return found


def runs(job: Job, command: str | re.Pattern[str]) -> bool:
    """Whether one of the job's steps runs `command` (a regular expression matched at the
    start of the step's `run:`)."""
    return any(re.match(command, run(step)) for step in steps(job))


def jobs_running(command: str | re.Pattern[str]) -> list[tuple[str, str, Job]]:
    """(workflow file, job id, job) of every job with a step that runs `command`."""
    return [(name, job_id, job) for name, job_id, job in all_jobs() if runs(job, command)]


def where(found: Iterable[tuple[str, str, Job]]) -> list[str]:
    """The jobs as `<workflow file>:<job id>`, sorted."""
    return sorted(f"{name}:{job_id}" for name, job_id, _job in found)


def environment_jobs() -> list[tuple[str, str, Job]]:
    """Jobs that change what runs in an environment (deploys, releases, infra applies)."""
    return jobs_running(CHANGES_AN_ENVIRONMENT)
