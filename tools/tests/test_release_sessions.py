"""The release sessions run through real nox: they exit with hello-release's own code, so
refused input (2) stays apart from a failure at run time (1) (README, "Sessions")."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tools.project import ROOT


def nox_session(envdir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    nox = shutil.which("nox")
    assert nox, "nox is not on PATH"
    # Not this run's nox session nor its virtualenv; no AWS settings from the machine.
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NOX", "AWS_")) and key != "VIRTUAL_ENV"
    }
    return subprocess.run(
        [nox, "-f", str(ROOT / "noxfile.py"), "--envdir", str(envdir), "-s", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_refused_input_exits_2_and_a_runtime_failure_1(tmp_path: Path) -> None:
    envdir = tmp_path / "envs"
    no_config = str(tmp_path / "none")

    refused = nox_session(envdir, "status", "--", "--env", "staging")
    failed = nox_session(
        envdir, "status", "--", "--env", "dev",
        AWS_CONFIG_FILE=no_config, AWS_SHARED_CREDENTIALS_FILE=no_config,
    )  # fmt: skip

    # nox shows the tool's stderr on its own stdout, and its log on stderr.
    assert refused.returncode == 2, refused.stderr
    assert "hello-release status: error: argument --env: invalid choice: 'staging'" in (
        refused.stdout
    )
    assert "failed with exit code 2" in refused.stderr
    assert failed.returncode == 1, failed.stderr
    assert "hello-release status: no AWS region configured" in failed.stdout
    assert "Session status failed." in failed.stderr
