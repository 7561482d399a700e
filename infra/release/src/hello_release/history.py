"""Git ancestry in the checkout: environments only move forward along the commit history."""

from __future__ import annotations

import subprocess

from hello_release.errors import ReleaseError


def _git(repo: str, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", repo, *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise ReleaseError("the git command is not installed") from None


def head(repo: str) -> str:
    """The commit checked out at `repo`."""
    found = _git(repo, "rev-parse", "--verify", "HEAD^{commit}")
    if found.returncode != 0:
        raise ReleaseError(f"{repo} is not a git checkout with a commit checked out")
    return found.stdout.strip()


def check_forward(
    repo: str,
    env: str,
    running: str | None,
    new: str,
    command: str,
    *,
    last: str | None = None,
    back: str = "use rollback to go back",
) -> None:
    """Raises unless `new` is `running` or a descendant of it (`running` None: anything goes).
    `last` names `running` in the messages (default: the commit `env` runs); `back` says how
    to go back on purpose."""
    if running is None or running == new:
        return
    for sha, role in (
        (running, last or f"the commit {env} runs"),
        (new, f"the commit to {command}"),
    ):
        if _git(repo, "cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
            raise ReleaseError(
                f"{role}, {sha}, is not in the git checkout at {repo}: fetch full history"
                " (git fetch --unshallow; actions/checkout with fetch-depth: 0)"
            )
    code = _git(repo, "merge-base", "--is-ancestor", running, new).returncode
    if code == 1:
        raise ReleaseError(
            f"refusing to {command} {new} to {env}: it is not a descendant of {running},"
            f" {last or f'which {env} runs now'}; environments only move forward ({back})"
        )
    if code != 0:
        raise ReleaseError(f"`git merge-base --is-ancestor` failed in {repo} (exit {code})")
