"""The parsed workflows, shared by the workflow tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))

Job = dict[str, Any]
Step = dict[str, Any]


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
