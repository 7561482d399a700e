"""Checks of .github/workflows: actionlint (with shellcheck) and zizmor."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from tools.go_tools import tool
from tools.project import ROOT

if TYPE_CHECKING:
    import nox

ZIZMOR_TOKEN_VARIABLES = ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")

# zizmor's personas: its default, then the auditor's, which also reports what may be
# harmless. Both must find nothing; an accepted finding is an inline
# `# zizmor: ignore[<audit>]` comment that says why.
ZIZMOR_PERSONAS = ("regular", "auditor")


def actionlint(session: nox.Session) -> None:
    """actionlint on .github/workflows, with shellcheck on every run: script."""
    shellcheck = shutil.which("shellcheck")
    if not shellcheck:
        session.error(
            "shellcheck is not on PATH, and actionlint needs it to check run: scripts; "
            "install it (apt-get install shellcheck, or brew install shellcheck) and rerun"
        )
    session.log(f"actionlint (shellcheck: {shellcheck}) on .github/workflows")
    session.run(tool(session, "actionlint"), f"-shellcheck={shellcheck}", external=True)


def zizmor(session: nox.Session) -> None:
    """zizmor at each persona; its online audits run only when a GitHub token is set."""
    online = any(os.environ.get(name) for name in ZIZMOR_TOKEN_VARIABLES)
    for persona in ZIZMOR_PERSONAS:
        command = [
            str(Path(session.bin) / "zizmor"),
            *([] if online else ["--offline"]), f"--persona={persona}",
            "--strict-collection", "--verbose", "--no-progress", "--color=never", ".",
        ]  # fmt: skip
        session.log(" ".join(["zizmor", *command[1:]]))
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        # The verbose log names every audit zizmor scheduled and every one it skipped.
        ran = set(re.findall(r"scheduling ([\w-]+) on ", result.stderr))
        skipped = re.findall(
            r"skipping ([\w-]+): can't run without a GitHub API token", result.stderr
        )
        print(result.stdout, end="")
        session.log(f"zizmor ({persona}) ran {len(ran)} audits")
        if skipped:
            session.log(
                f"zizmor skipped its {len(skipped)} online audits ({', '.join(skipped)}): "
                "no GitHub token; set GH_TOKEN to run them"
            )
        if result.returncode != 0:
            print(result.stderr[-4000:], end="")
            session.error(f"zizmor --persona={persona} failed (exit {result.returncode})")
