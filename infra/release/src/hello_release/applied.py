"""Applies move forward only: the last commit applied to each environment is one object
next to its lock, `locks/<env>.applied` in the state bucket, which of the CI roles only the
environment's infra role may write (infra/modules/ci-roles-policies/lock.tf).

An apply job takes the lock, then `check` refuses unless the checkout's HEAD is the
recorded commit or a descendant of it, and `record` writes HEAD once the apply succeeded.
So a re-run of an old infra.yml run, which checks out its old commit, is refused instead
of applying that commit again. With no record yet (the environment's first apply) any
commit goes, and the check says so.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from hello_release import history, lock
from hello_release.errors import Changes, ReleaseError
from hello_release.names import applied_key

RUNBOOK = "docs/runbooks/stale-lock.md#applies-move-forward-only"
SHA = re.compile(r"[0-9a-f]{40}")


def recorded(s3: Any, bucket: str, env: str) -> dict[str, str] | None:
    """The record of the last commit applied to `env`, or None when there is none yet."""
    key = applied_key(env)
    # Listing tells "no record" apart from "may not read it": a GetObject of a missing key
    # answers 403 to a role that may not list it, like a denied read.
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    if not any(found["Key"] == key for found in listed.get("Contents", [])):
        return None
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", "replace")
    try:
        record = json.loads(body)
    except ValueError:
        record = None
    if not isinstance(record, dict) or not SHA.fullmatch(str(record.get("sha", ""))):
        raise ReleaseError(
            f"s3://{bucket}/{key} records no commit (it holds {body[:200]!r}): an admin"
            f" records the commit {env} runs with `nox -s apply-record` ({RUNBOOK})"
        )
    return {str(k): str(v) for k, v in record.items()}


def check(s3: Any, bucket: str, env: str, repo: str) -> None:
    """Raises unless the commit checked out at `repo` may be applied to `env`."""
    new = history.head(repo)
    last = recorded(s3, bucket, env)
    if last is None:
        print(
            f"no commit is recorded as applied to {env} (s3://{bucket}/{applied_key(env)}):"
            f" its first apply, so {new} may be applied",
            flush=True,
        )
        return
    print(f"last applied to {env}: {last['sha']}, by {lock.describe(last)}", flush=True)
    history.check_forward(
        repo,
        env,
        last["sha"],
        new,
        "apply",
        last=f"the commit last applied to {env}",
        back=f"to undo a change, revert it on main; {RUNBOOK}",
    )
    print(f"{new} moves {env} forward from {last['sha']}: it may be applied", flush=True)


def record(s3: Any, bucket: str, env: str, run_id: str, repo: str) -> None:
    """Records the commit checked out at `repo` as the last one applied to `env`."""
    found = lock.holder(env, run_id) | {"sha": history.head(repo)}
    found["applied_at"] = found.pop("taken_at")
    key = applied_key(env)
    s3.put_object(
        Bucket=bucket, Key=key, Body=json.dumps(found, indent=2).encode(),
        ContentType="application/json",
    )  # fmt: skip
    print(f"recorded {found['sha']} as applied to {env} (s3://{bucket}/{key})", flush=True)


def check_command(args: argparse.Namespace, changes: Changes) -> None:
    check(lock.s3_client(), args.state_bucket, args.env, args.repo_dir)


def record_command(args: argparse.Namespace, changes: Changes) -> None:
    record(lock.s3_client(), args.state_bucket, args.env, args.run_id, args.repo_dir)


COMMANDS = {"apply-check": check_command, "apply-record": record_command}
