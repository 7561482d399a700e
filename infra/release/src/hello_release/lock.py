"""The environment lock: one object in the environment's state bucket that every job which
changes the environment takes first, with an S3 conditional write, and releases when it
ends, unless it was cancelled.

GitHub's concurrency groups queue those jobs, but a workflow on any branch may join a group
and cancel the running job. A cancelled run keeps the lock, so the next run
refuses, naming the holder, instead of building on something half done; a re-run of the
same run (any attempt) takes its own lock over. Only the environment's infra and deploy
roles may write the object (infra/modules/ci-roles-policies/lock.tf); an admin removes a
stale one with `break-lock` (docs/runbooks/stale-lock.md).
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from hello_release.errors import Changes, ReleaseError
from hello_release.names import lock_key

RUNBOOK = "docs/runbooks/stale-lock.md"
# Who holds the lock, besides its run id: what GitHub Actions says about the job.
HOLDER_VARIABLES = {
    "run_attempt": "GITHUB_RUN_ATTEMPT",
    "workflow": "GITHUB_WORKFLOW_REF",
    "job": "GITHUB_JOB",
    "sha": "GITHUB_SHA",
    "actor": "GITHUB_ACTOR",
}
# A conditional write that lost: the object exists (412), or another conditional write to
# it is in flight (409).
LOST = ("PreconditionFailed", "ConditionalRequestConflict")
# Tries to take the lock while it changes hands between our calls.
ATTEMPTS = 3


class Held:
    """The lock as S3 holds it: who took it, and the ETag that names this very object."""

    def __init__(self, holder: dict[str, str], etag: str) -> None:
        self.holder = holder
        self.etag = etag.strip('"')

    def by(self, run_id: str) -> bool:
        return self.holder.get("run_id") == run_id


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _quoted(etag: str) -> str:
    """S3 writes an ETag in quotes; people copy it either way."""
    return f'"{etag.strip(chr(34))}"'


def holder(env: str, run_id: str) -> dict[str, str]:
    """This run, as the lock records it."""
    found = {"environment": env, "run_id": run_id}
    found |= {key: os.environ.get(name, "") for key, name in HOLDER_VARIABLES.items()}
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    run_url = f"{server}/{repository}/actions/runs/{run_id}"
    found["run_url"] = run_url if server and repository else ""
    found["taken_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return found


def describe(found: dict[str, str]) -> str:
    """`run 123 (attempt 1) of <workflow>, job deploy-dev, commit <sha>, ...: <url>`."""
    attempt = f" (attempt {found['run_attempt']})" if found.get("run_attempt") else ""
    text = f"run {found.get('run_id') or '(unknown)'}{attempt}"
    if found.get("workflow"):
        text += f" of {found['workflow']}"
    labels = ("job", "job"), ("commit", "sha"), ("by", "actor"), ("since", "taken_at")
    for label, key in (*labels, ("content", "unreadable")):
        if found.get(key):
            text += f", {label} {found[key]}"
    return f"{text}: {found['run_url']}" if found.get("run_url") else text


def _read(s3: Any, bucket: str, key: str, etag: str | None = None) -> Held | None:
    """The lock, or None where there is none; with `etag`, only while it is that object."""
    condition = {"IfMatch": _quoted(etag)} if etag else {}
    try:
        found = s3.get_object(Bucket=bucket, Key=key, **condition)
    except ClientError as error:
        if _code(error) == "NoSuchKey":
            return None
        if _code(error) == "PreconditionFailed" and etag:
            raise _changed(bucket, key, etag) from None
        if _code(error) == "AccessDenied":
            # S3 answers 403 for a missing object to a role without s3:ListBucket.
            raise ReleaseError(
                f"cannot read s3://{bucket}/{key}: access denied (the lock is not there, or"
                " these credentials may not read it)"
            ) from None
        raise
    body = found["Body"].read().decode("utf-8", errors="replace")
    try:
        recorded = json.loads(body)
    except ValueError:
        recorded = None
    if not isinstance(recorded, dict):
        recorded = {"run_id": "", "unreadable": body[:200]}
    return Held({str(k): str(v) for k, v in recorded.items()}, found["ETag"])


def take(s3: Any, bucket: str, env: str, run_id: str) -> None:
    """Takes the lock for `run_id`, or takes it over from an earlier attempt of that run."""
    key, mine = lock_key(env), holder(env, run_id)
    body = json.dumps(mine, indent=2).encode()
    for _ in range(ATTEMPTS):
        try:
            s3.put_object(
                Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", ContentType="application/json"
            )
            print(f"took the {env} lock, s3://{bucket}/{key}, for {describe(mine)}", flush=True)
            return
        except ClientError as error:
            if _code(error) not in LOST:
                raise
        held = _read(s3, bucket, key)
        if held is None:
            continue  # released between the two calls
        if not held.by(run_id):
            raise ReleaseError(
                f"refusing to change {env}: its lock is held by {describe(held.holder)}"
                f" (s3://{bucket}/{key}, ETag {held.etag}). If that run is still going, wait"
                f" for it; if it is over, {RUNBOOK} says how to finish its work and remove"
                " the lock"
            )
        try:
            s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=body,
                IfMatch=_quoted(held.etag),
                ContentType="application/json",
            )
        except ClientError as error:
            if _code(error) not in (*LOST, "NoSuchKey"):
                raise
            continue
        previous = held.holder.get("run_attempt") or "?"
        print(
            f"run {run_id} takes over its own {env} lock (from attempt {previous}):"
            f" {describe(mine)}",
            flush=True,
        )
        return
    raise ReleaseError(f"could not take the {env} lock: it changed hands {ATTEMPTS} times")


def release(s3: Any, bucket: str, env: str, run_id: str) -> None:
    """Removes the lock `run_id` holds, and no other."""
    key = lock_key(env)
    held = _read(s3, bucket, key)
    if held is None:
        raise ReleaseError(
            f"the {env} lock is not held: someone removed it while run {run_id} held it ({RUNBOOK})"
        )
    if not held.by(run_id):
        raise ReleaseError(
            f"the {env} lock is held by {describe(held.holder)}, not by run {run_id}: left as it is"
        )
    _delete(s3, bucket, key, held.etag)
    print(f"released the {env} lock of run {run_id}", flush=True)


def _delete(s3: Any, bucket: str, key: str, etag: str) -> None:
    """Deletes the lock only while it is the object `etag` names: never a newer one."""
    try:
        s3.delete_object(Bucket=bucket, Key=key, IfMatch=_quoted(etag))
    except ClientError as error:
        if _code(error) not in ("PreconditionFailed", "NoSuchKey"):
            raise
        raise _changed(bucket, key, etag) from None


def _changed(bucket: str, key: str, etag: str) -> ReleaseError:
    return ReleaseError(
        f"s3://{bucket}/{key} is no longer the lock with ETag {etag.strip(chr(34))} (released"
        " or taken again since): left as it is; `lock-status` shows it now"
    )


def show(s3: Any, bucket: str, env: str) -> None:
    key = lock_key(env)
    held = _read(s3, bucket, key)
    if held is None:
        print(f"the {env} lock is free (s3://{bucket}/{key})")
        return
    print(f"the {env} lock is held by {describe(held.holder)}")
    print(f"object s3://{bucket}/{key}, ETag {held.etag}")
    print(
        f"once that run is over ({RUNBOOK}): nox -s env-break-lock -- --env {env}"
        f" --state-bucket {bucket} --etag {held.etag}"
    )


def break_lock(s3: Any, bucket: str, env: str, etag: str) -> None:
    """Removes the lock whoever holds it, only while its ETag is still `etag`."""
    key = lock_key(env)
    held = _read(s3, bucket, key, etag)
    if held is None:
        raise ReleaseError(f"the {env} lock is free (s3://{bucket}/{key}): nothing to remove")
    _delete(s3, bucket, key, held.etag)
    print(f"removed the {env} lock of {describe(held.holder)}")


def s3_client() -> Any:
    return boto3.session.Session().client("s3")


def lock_command(args: argparse.Namespace, changes: Changes) -> None:
    take(s3_client(), args.state_bucket, args.env, args.run_id)


def unlock_command(args: argparse.Namespace, changes: Changes) -> None:
    release(s3_client(), args.state_bucket, args.env, args.run_id)


def status_command(args: argparse.Namespace, changes: Changes) -> None:
    show(s3_client(), args.state_bucket, args.env)


def break_command(args: argparse.Namespace, changes: Changes) -> None:
    break_lock(s3_client(), args.state_bucket, args.env, args.etag)


COMMANDS = {
    "lock": lock_command,
    "unlock": unlock_command,
    "lock-status": status_command,
    "break-lock": break_command,
}
