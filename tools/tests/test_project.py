"""Paths, pins and the commit the sessions rely on."""

from __future__ import annotations

import re
from pathlib import Path

from tools import image_build
from tools.go_tools import GO_TOOLS
from tools.project import (
    ROOT,
    default_noxfile_sessions,
    git_sha,
    install_groups,
    noxfile_sessions,
    pinned_versions,
    run_script,
)
from tools.tests.fakes import FakeSession


def test_root_is_the_checkout() -> None:
    assert (ROOT / "noxfile.py").is_file()
    assert (ROOT / "tools" / "project.py").is_file()


def test_pinned_versions_come_from_the_tools_table(tmp_path: Path) -> None:
    pins = tmp_path / "mise.toml"
    pins.write_text('min_version = "2026.1.1"\n[tools]\ntflint = "1.2.3"\npython = "3.13.1"\n')
    assert pinned_versions(pins) == {"tflint": "1.2.3", "python": "3.13.1"}


def test_mise_toml_pins_every_go_tool() -> None:
    pins = pinned_versions()
    for name in GO_TOOLS:
        assert re.fullmatch(r"\d+\.\d+\.\d+", pins[name]), name


def test_python_is_pinned_exactly_at_the_containers_minor_version() -> None:
    # The workflows run nox on this Python; the image runs the service on the base image's.
    pinned = re.fullmatch(r"(\d+\.\d+)\.\d+", pinned_versions()["python"])
    assert pinned, f"python = {pinned_versions()['python']!r} in mise.toml is not X.Y.Z"
    base = image_build.default_base_image()
    container = re.fullmatch(r"(?:[\w./-]+/)?python:(\d+\.\d+)-[\w-]+", base)
    assert container, f"cannot read a Python version from the base image {base}"
    assert pinned[1] == container[1], f"mise.toml python {pinned[0]}, container {base}"


def test_install_groups_syncs_the_locked_groups_into_the_session_venv() -> None:
    fake = FakeSession()
    install_groups(fake.session, "tests", "lint")
    (install,) = fake.installs
    assert install.args == (
        "uv", "sync", "--locked", "--no-default-groups", "--group=tests", "--group=lint",
    )  # fmt: skip
    assert install.kwargs["env"] == {"UV_PROJECT_ENVIRONMENT": "/venv"}


def test_git_sha_is_a_full_commit() -> None:
    assert re.fullmatch(r"[0-9a-f]{40}", git_sha())


def test_scripts_run_with_the_root_importable() -> None:
    fake = FakeSession()
    run_script(fake.session, ROOT / "tools" / "x.py", "out.json", python_args=("-W", "error"))
    (run,) = fake.runs
    assert run.args == ("python", "-W", "error", str(ROOT / "tools" / "x.py"), "out.json")
    assert run.kwargs["env"] == {"PYTHONPATH": str(ROOT)}


def readme_sessions() -> dict[str, bool]:
    """The README's sessions table: each session named in its first column (`a` / `b` rows
    name two), and whether its "in `nox`" column says yes."""
    table = (ROOT / "README.md").read_text().split("## Sessions", 1)[1].split("\n## ", 1)[0]
    found = {}
    for row in re.findall(r"^\| (`.*?) \|.*\| *(yes)? *\|$", table, flags=re.MULTILINE):
        for name in re.findall(r"`([\w-]+)`", row[0]):
            found[name] = row[1] == "yes"
    return found


def test_the_readme_lists_every_session_and_marks_the_default_ones() -> None:
    listed = readme_sessions()
    assert sorted(listed) == sorted(noxfile_sessions())
    assert sorted(name for name, default in listed.items() if default) == sorted(
        default_noxfile_sessions()
    )


def test_the_noxfile_defines_its_sessions_by_name() -> None:
    sessions = noxfile_sessions()
    assert "attest-verify" in sessions  # a `name=` wins over the function's name
    assert "attest_verify" not in sessions
    assert set(default_noxfile_sessions()) <= set(sessions)
