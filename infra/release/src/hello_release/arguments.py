"""The command line of hello-release: commands, options and the checks on their values.

Bad input exits 2 with one line, before anything is contacted.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlsplit

from hello_release import soak
from hello_release.names import ENVIRONMENTS, PROVENANCE_CHECKED

DESCRIPTION = "deploy, verify, promote, roll back and publish the hello service on ECS"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _matching(pattern: str, what: str) -> Callable[[str], str]:
    """An argument type that takes a value only when all of it matches `pattern`."""
    whole = re.compile(pattern)

    def check(value: str) -> str:
        if not whole.fullmatch(value):
            raise argparse.ArgumentTypeError(f"{value!r} is not {what}")
        return value

    return check


_sha = _matching(r"[0-9a-f]{40}", "a full git commit SHA (40 lowercase hex characters)")
_digest = _matching(
    r"sha256:[0-9a-f]{64}", "an image digest (sha256: and 64 lowercase hex characters)"
)
_account = _matching(r"\d{12}", "a 12-digit AWS account id")
_role_arn = _matching(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+", "an IAM role ARN")
_bucket = _matching(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "an S3 bucket name")
_run_id = _matching(r"[A-Za-z0-9_.-]{1,100}", "a run id (GitHub's, or a name such as manual-alice)")
_etag = _matching(r'"?[0-9a-f]{32}"?', "an ETag (32 hex characters, as lock-status prints it)")


def _base_url(value: str) -> str:
    """A URL that `/version` can be appended to: http(s), a host, no query or fragment."""
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a base URL (http:// or https://, a host, an optional port and path)"
        )
    if parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"{value!r} is not a base URL: it has a query or fragment")
    return value


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds")
    return seconds


def _minutes(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of minutes")
    return int(value)


def _revision_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a revision number (1, 2, ...)")
    return int(value)


def parser() -> Parser:
    """The command line; each command's name is `args.command`."""
    parser = Parser(prog="hello-release", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> Parser:
        sub: Parser = commands.add_parser(name, help=help_text, description=help_text)
        return sub

    def env(sub: Parser) -> None:
        sub.add_argument("--env", required=True, choices=ENVIRONMENTS)

    def sha(sub: Parser, required: bool = True) -> None:
        sub.add_argument("--sha", required=required, type=_sha, help="full git commit SHA")

    def digest(sub: Parser) -> None:
        sub.add_argument(
            "--digest",
            required=True,
            type=_digest,
            help="the image digest the build pushed (sha256:...); ECR's tag must resolve to it",
        )

    def repo_dir(sub: Parser) -> None:
        sub.add_argument(
            "--repo-dir",
            default=os.environ.get("HELLO_REPO_DIR") or ".",
            help="git checkout with the history, to check the SHA only moves forward"
            " (env HELLO_REPO_DIR; default: the current directory)",
        )

    def registry(sub: Parser) -> None:
        sub.add_argument(
            "--registry-id",
            type=_account,
            default=os.environ.get("HELLO_ECR_REGISTRY_ID") or None,
            help="account holding the ECR registry (env HELLO_ECR_REGISTRY_ID; default: own)",
        )

    def timing(sub: Parser, timeout: float, interval: float) -> None:
        sub.add_argument("--timeout", type=_seconds, default=timeout, help=f"default {timeout:g}")
        sub.add_argument(
            "--poll-interval", type=_seconds, default=interval, help=f"default {interval:g}"
        )

    sub = command("deploy", "deploy the image tagged SHA to an environment and wait")
    env(sub)
    sha(sub)
    digest(sub)
    repo_dir(sub)
    registry(sub)
    timing(sub, 600, 10)

    sub = command("verify", "poll URL/version until it reports SHA")
    where = sub.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", type=_base_url, help="base URL of the service")
    where.add_argument("--env", choices=ENVIRONMENTS, help="use the ALB hello-<env>")
    sha(sub)
    timing(sub, 300, 5)

    sub = command("promote", "deploy to prod the digest dev runs healthy for SHA")
    sha(sub)
    digest(sub)
    repo_dir(sub)
    registry(sub)
    timing(sub, 600, 10)
    sub.add_argument(
        "--dev-role-arn",
        type=_role_arn,
        default=os.environ.get("HELLO_DEV_ROLE_ARN") or None,
        help="role to assume to read dev's service (env HELLO_DEV_ROLE_ARN; default: own)",
    )
    sub.add_argument(
        "--soak-minutes",
        type=_minutes,
        default=soak.SOAK_MINUTES,
        help=f"how long dev must have run the digest (default {soak.SOAK_MINUTES}; a shorter"
        " soak is recorded in the output)",
    )
    sub.add_argument(
        "--wait", action="store_true", help="wait out the rest of the soak, then check again"
    )
    sub.add_argument(
        "--break-glass",
        action="store_true",
        help="promote although a load-only alarm of dev (p99 latency) is not OK, for a flood"
        " of dev; the 5xx rate and every other check still apply (docs/runbooks/break-glass.md)",
    )

    def rollback_to(sub: Parser) -> None:
        env(sub)
        to = sub.add_mutually_exclusive_group(required=True)
        to.add_argument("--to-revision", type=_revision_number, metavar="N")
        to.add_argument(
            "--to-sha", type=_sha, metavar="SHA", help="the newest revision tagged revision=SHA"
        )

    sub = command("rollback", "return an environment to an earlier revision and wait")
    rollback_to(sub)
    timing(sub, 600, 10)

    sub = command(
        "rollback-target",
        "show the revision a rollback would go to, its SHA and digest; change nothing",
    )
    rollback_to(sub)

    sub = command("status", "show what an environment runs")
    env(sub)

    # The environment lock (lock.py): in GitHub Actions its environment variables name the
    # run and the state bucket; elsewhere the options must.
    def from_env(
        sub: Parser, flag: str, variable: str, kind: Callable[[str], str], text: str
    ) -> None:
        default = os.environ.get(variable) or None
        sub.add_argument(
            flag,
            type=kind,
            default=default,
            required=default is None,
            help=f"{text} (env {variable})",
        )

    def lock_target(sub: Parser, run: bool = True) -> None:
        env(sub)
        from_env(sub, "--state-bucket", "HELLO_STATE_BUCKET", _bucket, "the lock's bucket")
        if run:
            from_env(sub, "--run-id", "GITHUB_RUN_ID", _run_id, "the run that holds the lock")

    lock_target(command("lock", "take the environment's lock, or take over this run's own"))
    lock_target(command("unlock", "release the environment's lock this run holds"))
    lock_target(command("lock-status", "show who holds the environment's lock"), run=False)
    sub = command("break-lock", "remove the environment's lock while its ETag is ETAG")
    lock_target(sub, run=False)
    sub.add_argument("--etag", required=True, type=_etag, help="as lock-status prints it")

    # The last applied commit (applied.py), next to the lock: the checkout's HEAD is applied.
    sub = command(
        "apply-check", "refuse unless HEAD is the commit last applied to the environment or a"
        " descendant of it (any commit when none is recorded yet)",
    )  # fmt: skip
    lock_target(sub, run=False)
    repo_dir(sub)
    sub = command("apply-record", "record HEAD as the commit last applied to the environment")
    lock_target(sub)
    repo_dir(sub)

    sub = command(
        "copy-image",
        "copy the image the build pushed for SHA into an environment's own repository, by"
        " digest and untagged, as a release there does first (for the first image at bootstrap)",
    )
    sub.add_argument("--env", required=True, choices=[PROVENANCE_CHECKED])
    sha(sub)
    digest(sub)
    registry(sub)

    sub = command("publish", "push a local image to ECR as hello:SHA")
    sub.add_argument("--image", required=True, help="local image name or id")
    sub.add_argument(
        "--archive",
        metavar="FILE",
        help="load the image from FILE first (written by `nox -s image -- --save FILE`)",
    )
    sha(sub)
    registry(sub)
    return parser
