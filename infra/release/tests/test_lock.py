"""The environment lock on moto's S3: taken with a conditional write, refused to every other
run with the holder named, taken over by a re-run of its own run, released only by its run,
and removed by an admin only while its ETag is the one they were shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from hello_release import lock

from .conftest import GITHUB_SERVER, SHA_A, STATE_BUCKET, Run

pytestmark = pytest.mark.usefixtures("outside_actions")
BUCKET = STATE_BUCKET
KEY = "locks/dev.lock"
RUNBOOK = "docs/runbooks/stale-lock.md"
WORKFLOW = "example-org/hello-platform/.github/workflows/deploy.yml@refs/heads/main"

Job = Callable[..., None]
# A lock's holder record and its ETag.
Taken = tuple[dict[str, str], str]


@pytest.fixture
def job(monkeypatch: pytest.MonkeyPatch) -> Job:
    """Sets what GitHub Actions sets for an attempt of a run of deploy.yml's deploy-dev."""

    def running(run_id: str, attempt: str = "1") -> None:
        values = {
            **GITHUB_SERVER,
            "GITHUB_RUN_ID": run_id,
            "GITHUB_RUN_ATTEMPT": attempt,
            "GITHUB_WORKFLOW_REF": WORKFLOW,
            "GITHUB_JOB": "deploy-dev",
            "GITHUB_SHA": SHA_A,
            "GITHUB_ACTOR": "alice",
            "HELLO_STATE_BUCKET": BUCKET,
        }
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return running


@pytest.fixture
def taken(s3: Any, run: Run, job: Job) -> Taken:
    """Dev's lock, as attempt 1 of run 101 took it: its holder record and ETag."""
    job("101")
    assert run("lock", "--env", "dev").code == 0
    return held(s3)


def held(s3: Any) -> Taken:
    """Who holds dev's lock, and its ETag."""
    found = s3.get_object(Bucket=BUCKET, Key=KEY)
    return json.loads(found["Body"].read()), found["ETag"].strip('"')


def free(s3: Any) -> bool:
    return "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix=KEY)


def test_a_run_takes_the_lock_and_records_who_it_is(s3: Any, run: Run, job: Job) -> None:
    job("101")

    result = run("lock", "--env", "dev")

    assert result.code == 0, result.err
    holder, _ = held(s3)
    assert {key: holder[key] for key in holder if key != "taken_at"} == {
        "environment": "dev",
        "run_id": "101",
        "run_attempt": "1",
        "workflow": WORKFLOW,
        "job": "deploy-dev",
        "sha": SHA_A,
        "actor": "alice",
        "run_url": "https://github.com/example-org/hello/actions/runs/101",
    }
    assert holder["taken_at"].endswith("+00:00")
    assert f"took the dev lock, s3://{BUCKET}/{KEY}, for run 101 (attempt 1)" in result.out


def test_another_run_is_refused_with_the_holder_and_the_runbook_named(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    before = taken
    job("202")

    result = run("lock", "--env", "dev")

    assert result.code == 1
    assert result.err.startswith(
        "hello-release lock: refusing to change dev: its lock is held by run 101 (attempt 1)"
        f" of {WORKFLOW}, job deploy-dev, commit {SHA_A}, by alice, since "
    )
    assert ": https://github.com/example-org/hello/actions/runs/101" in result.err
    assert f"ETag {before[1]}" in result.err
    assert RUNBOOK in result.err
    assert result.err.endswith("; nothing was changed\n")
    assert held(s3) == before


def test_a_rerun_of_the_same_run_takes_over_its_own_lock(s3: Any, run: Run, job: Job) -> None:
    job("101", attempt="1")
    assert run("lock", "--env", "dev").code == 0
    job("101", attempt="2")

    result = run("lock", "--env", "dev")

    assert result.code == 0, result.err
    assert "run 101 takes over its own dev lock (from attempt 1)" in result.out
    assert held(s3)[0]["run_attempt"] == "2"


def test_each_environment_has_its_own_lock(s3: Any, run: Run, job: Job, taken: Taken) -> None:
    job("202")

    assert run("lock", "--env", "prod").code == 0

    assert (
        json.loads(s3.get_object(Bucket=BUCKET, Key="locks/prod.lock")["Body"].read())["run_id"]
        == "202"
    )


def test_a_lock_released_while_another_run_looks_is_taken(
    s3: Any, run: Run, job: Job, taken: Taken, capsys: pytest.CaptureFixture[str]
) -> None:

    class Released:
        """The S3 client, with run 101's release landing between run 202's two calls."""

        def __getattr__(self, name: str) -> Any:
            return getattr(s3, name)

        def get_object(self, **kwargs: Any) -> Any:
            s3.delete_object(Bucket=BUCKET, Key=KEY)
            return s3.get_object(**kwargs)

    lock.take(Released(), BUCKET, "dev", "202")

    assert held(s3)[0]["run_id"] == "202"
    assert "took the dev lock" in capsys.readouterr().out


def test_a_lock_that_is_not_a_holder_record_is_refused_all_the_same(
    s3: Any, run: Run, job: Job
) -> None:
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"written by hand")
    job("202")

    result = run("lock", "--env", "dev")

    assert result.code == 1
    assert "its lock is held by run (unknown), content written by hand (s3://" in result.err
    assert "written by hand" in run("lock-status", "--env", "dev").out


def test_only_the_run_that_holds_the_lock_releases_it(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    before = taken
    job("202")

    refused = run("unlock", "--env", "dev")

    assert refused.code == 1
    assert "the dev lock is held by run 101 (attempt 1)" in refused.err
    assert "not by run 202: left as it is; nothing was changed" in refused.err
    assert held(s3) == before

    job("101")
    released = run("unlock", "--env", "dev")

    assert released.code == 0, released.err
    assert released.out == "released the dev lock of run 101\n"
    assert free(s3)
    # The bucket is versioned: the next run takes the lock over the delete marker.
    job("202")
    assert run("lock", "--env", "dev").code == 0
    assert held(s3)[0]["run_id"] == "202"


def test_unlock_without_the_lock_fails(s3: Any, run: Run, job: Job) -> None:
    job("101")

    result = run("unlock", "--env", "dev")

    assert result.code == 1
    assert "the dev lock is not held: someone removed it while run 101 held it" in result.err


def test_lock_status_shows_the_holder_and_the_etag_to_remove_it_by(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    _, etag = taken

    result = run("lock-status", "--env", "dev")

    assert result.code == 0
    assert result.out.startswith("the dev lock is held by run 101 (attempt 1) of ")
    assert f"object s3://{BUCKET}/{KEY}, ETag {etag}\n" in result.out
    assert (
        f"nox -s env-break-lock -- --env dev --state-bucket {BUCKET} --etag {etag}\n" in result.out
    )
    assert run("lock-status", "--env", "prod").out == (
        f"the prod lock is free (s3://{BUCKET}/locks/prod.lock)\n"
    )


def test_break_lock_with_a_wrong_etag_removes_nothing(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    before = held(s3)

    result = run("break-lock", "--env", "dev", "--etag", "0" * 32)

    assert result.code == 1
    assert result.err == (
        f"hello-release break-lock: s3://{BUCKET}/{KEY} is no longer the lock with ETag"
        f" {'0' * 32} (released or taken again since): left as it is; `lock-status` shows it"
        " now; nothing was changed\n"
    )
    assert held(s3) == before


def test_break_lock_removes_exactly_the_lock_it_was_shown(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    _, stale = taken

    result = run("break-lock", "--env", "dev", "--etag", f'"{stale}"')

    assert result.code == 0, result.err
    assert result.out.startswith("removed the dev lock of run 101 (attempt 1) of ")
    assert free(s3)


def test_break_lock_never_removes_a_lock_taken_since(
    s3: Any, run: Run, job: Job, taken: Taken
) -> None:
    _, stale = taken
    assert run("unlock", "--env", "dev").code == 0
    job("202")
    assert run("lock", "--env", "dev").code == 0
    fresh = held(s3)

    result = run("break-lock", "--env", "dev", "--etag", stale)

    assert result.code == 1
    assert "is no longer the lock with ETag" in result.err
    assert held(s3) == fresh


def test_break_lock_of_a_free_lock_says_so(s3: Any, run: Run) -> None:
    result = run("break-lock", "--env", "dev", "--state-bucket", BUCKET, "--etag", "a" * 32)

    assert result.code == 1
    assert f"the dev lock is free (s3://{BUCKET}/{KEY}): nothing to remove" in result.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lock", "--env", "dev", "--run-id", "1"], "required: --state-bucket"),
        (["lock", "--env", "dev", "--state-bucket", BUCKET], "required: --run-id"),
        (["unlock", "--env", "dev", "--state-bucket", BUCKET], "required: --run-id"),
        (["lock", "--env", "staging", "--state-bucket", BUCKET, "--run-id", "1"], "--env"),
        (["lock", "--env", "dev", "--state-bucket", "Bucket_1", "--run-id", "1"], "S3 bucket"),
        (["lock", "--env", "dev", "--state-bucket", BUCKET, "--run-id", "1 2"], "a run id"),
        (["lock-status", "--env", "dev"], "required: --state-bucket"),
        (["break-lock", "--env", "dev", "--state-bucket", BUCKET], "required: --etag"),
        (["break-lock", "--env", "dev", "--state-bucket", BUCKET, "--etag", "x"], "an ETag"),
    ],
)
def test_bad_input_exits_2_before_anything_is_contacted(
    run: Run, argv: list[str], message: str
) -> None:
    # No moto here: a call to AWS would fail on the fake credentials with exit 1.
    result = run(*argv)

    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1
