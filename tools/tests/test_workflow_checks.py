"""actionlint and zizmor as the workflows session runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import workflow_checks
from tools.project import pinned_versions
from tools.tests.fakes import FakeSession, SessionError, program


def test_actionlint_needs_shellcheck(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(bin_dir))
    fake = FakeSession()
    with pytest.raises(SessionError, match="shellcheck is not on PATH"):
        workflow_checks.actionlint(fake.session)
    assert fake.runs == []


def test_actionlint_runs_with_shellcheck(bin_dir: Path) -> None:
    shellcheck = program(bin_dir, "shellcheck", "exit 0")
    actionlint = program(bin_dir, "actionlint", f"echo {pinned_versions()['actionlint']}")
    fake = FakeSession()
    workflow_checks.actionlint(fake.session)
    assert fake.commands() == [(str(actionlint), f"-shellcheck={shellcheck}")]


@pytest.fixture
def zizmor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FakeSession, Path]:
    """A session whose venv has a zizmor that logs its arguments and speaks as zizmor's
    verbose log does; it exits with the code in ./exit-code."""
    for name in workflow_checks.ZIZMOR_TOKEN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    log = tmp_path / "zizmor-args"
    (tmp_path / "exit-code").write_text("0")
    program(
        tmp_path,
        "zizmor",
        f"""
echo "$@" >> {log}
echo "no findings"
echo "INFO scheduling artipacked on deploy.yml" >&2
echo "INFO scheduling template-injection on deploy.yml" >&2
echo "INFO scheduling artipacked on ci.yml" >&2
echo "WARN skipping impostor-commit: can't run without a GitHub API token" >&2
exit $(cat {tmp_path}/exit-code)""",
    )
    return FakeSession(bin=str(tmp_path)), log


def test_zizmor_runs_offline_at_each_persona_without_a_token(
    zizmor: tuple[FakeSession, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, log = zizmor
    workflow_checks.zizmor(fake.session)
    calls = log.read_text().splitlines()
    assert [call.split()[:2] for call in calls] == [
        ["--offline", "--persona=regular"],
        ["--offline", "--persona=auditor"],
    ]
    assert "zizmor (regular) ran 2 audits" in fake.logs
    assert (
        "zizmor skipped its 1 online audits (impostor-commit): no GitHub token; "
        "set GH_TOKEN to run them"
    ) in fake.logs
    assert capsys.readouterr().out == "no findings\n" * 2


def test_zizmor_runs_online_with_a_token(
    zizmor: tuple[FakeSession, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, log = zizmor
    monkeypatch.setenv("GH_TOKEN", "a-token")
    workflow_checks.zizmor(fake.session)
    assert all("--offline" not in call for call in log.read_text().splitlines())


def test_zizmor_findings_fail_the_session(zizmor: tuple[FakeSession, Path]) -> None:
    fake, log = zizmor
    (log.parent / "exit-code").write_text("13")
    with pytest.raises(SessionError, match=r"zizmor --persona=regular failed \(exit 13\)"):
        workflow_checks.zizmor(fake.session)
