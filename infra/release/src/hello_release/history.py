"""Git ancestry in the checkout: environments only move forward along the commit history."""

from __future__ import annotations

import subprocess

from hello_release.errors import ReleaseError


def _git(repo: str, *args: str) -> int:
    try:
        return subprocess.run(
            ["git", "-C", repo, *args], capture_output=True, check=False
        ).returncode
    except FileNotFoundError:
        raise ReleaseError("the git command is not installed") from None


def check_forward(repo: str, env: str, running: str | None, new: str, command: str) -> None:
    """Raises unless `new` is `running` or a descendant of it (`running` None: anything goes)."""
    if running is None or running == new:
        return
    for sha, role in ((running, f"the commit {env} runs"), (new, f"the commit to {command}")):
        if _git(repo, "cat-file", "-e", f"{sha}^{{commit}}") != 0:
            raise ReleaseError(
                f"{role}, {sha}, is not in the git checkout at {repo}: fetch full history"
                " (git fetch --unshallow; actions/checkout with fetch-depth: 0)"
            )
    code = _git(repo, "merge-base", "--is-ancestor", running, new)
    if code == 1:
        raise ReleaseError(
            f"refusing to {command} {new} to {env}: it is not a descendant of {running}, which"
            f" {env} runs now; environments only move forward (use rollback to go back)"
        )
    if code != 0:
        raise ReleaseError(f"`git merge-base --is-ancestor` failed in {repo} (exit {code})")
