"""The infra checks and the plan/apply runs, on stand-in modules, units and programs."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tools import infra_checks
from tools.project import ENVIRONMENTS, INFRA_BUILD, INFRA_LIVE, ROOT
from tools.tests.fakes import FakeSession, SessionError, program

if TYPE_CHECKING:
    import nox


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout in tmp_path: modules alb and ecr; units alb, ci-roles, github-repo in each
    environment; build/ for the outputs."""
    monkeypatch.setattr(infra_checks, "ROOT", tmp_path)
    monkeypatch.setattr(infra_checks, "INFRA_MODULES", tmp_path / "infra" / "modules")
    monkeypatch.setattr(infra_checks, "INFRA_LIVE", tmp_path / "infra" / "live")
    monkeypatch.setattr(infra_checks, "INFRA_BUILD", tmp_path / "build" / "infra")
    monkeypatch.setattr(infra_checks, "RENDERED", tmp_path / "build" / "infra" / "rendered")
    monkeypatch.setattr(infra_checks, "TOOLS_CACHE", tmp_path / "cache" / "tools")
    for module in ("alb", "ecr"):
        (tmp_path / "infra" / "modules" / module).mkdir(parents=True)
        (tmp_path / "infra" / "modules" / module / "main.tf").write_text("")
    for environment in ENVIRONMENTS:
        for unit in ("alb", *infra_checks.ADMIN_UNITS):
            (tmp_path / "infra" / "live" / environment / unit).mkdir(parents=True)
            (tmp_path / "infra" / "live" / environment / unit / "terragrunt.hcl").write_text("")
    (tmp_path / "build" / "infra").mkdir(parents=True)
    return tmp_path


def test_offline_env_blanks_every_aws_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    env = infra_checks.offline_env("/bin/tofu")
    assert env["AWS_PROFILE"] == ""
    assert env["AWS_SHARED_CREDENTIALS_FILE"] == env["AWS_CONFIG_FILE"] == "/dev/null"
    assert env["TG_TF_PATH"] == "/bin/tofu"
    assert env["TG_NO_AUTO_INIT"] == "true"


@pytest.mark.parametrize(("configured", "expected"), [("missing", os.devnull), ("present", None)])
def test_tofu_env_drops_a_cli_config_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str, expected: str | None
) -> None:
    (tmp_path / "present").write_text("")
    monkeypatch.setenv("TF_CLI_CONFIG_FILE", str(tmp_path / configured))
    assert infra_checks.terragrunt_env("/bin/tofu").get("TF_CLI_CONFIG_FILE") == expected


@pytest.mark.parametrize(("fix", "tofu_flags"), [(False, ["-check", "-diff"]), (True, [])])
def test_formatting_checks_or_rewrites(fix: bool, tofu_flags: list[str]) -> None:
    fake = FakeSession()
    infra_checks.formatting(fake.session, "tofu", "terragrunt", {}, fix=fix)
    tofu, terragrunt = fake.commands()
    assert tofu == ("tofu", "fmt", "-recursive", *tofu_flags, str(infra_checks.INFRA))
    assert ("--check" in terragrunt) is not fix


def test_hcl_validate_runs_in_each_environment(infra: Path) -> None:
    fake = FakeSession()
    infra_checks.hcl_validate(fake.session, "terragrunt", {})
    assert fake.directories == [infra / "infra" / "live" / "dev", infra / "infra" / "live" / "prod"]
    assert fake.commands()[1] == ("terragrunt", "hcl", "validate", "--inputs", "--strict")


def test_render_writes_each_unit(infra: Path, bin_dir: Path) -> None:
    terragrunt = program(bin_dir, "terragrunt", 'echo "{\\"inputs\\": {\\"dir\\": \\"$4\\"}}"')
    infra_checks.render(FakeSession().session, str(terragrunt), {})
    rendered = infra / "build" / "infra" / "rendered" / "prod" / "alb.json"
    assert json.loads(rendered.read_text()) == {
        "inputs": {"dir": str(infra / "infra" / "live" / "prod" / "alb")}
    }


def test_render_stops_at_a_unit_that_fails(infra: Path, bin_dir: Path) -> None:
    terragrunt = program(bin_dir, "terragrunt", 'echo "Error: bad input" >&2; exit 1')
    with pytest.raises(SessionError, match="terragrunt render failed in infra/live/dev/alb"):
        infra_checks.render(FakeSession().session, str(terragrunt), {})


@pytest.mark.parametrize(
    "check", [infra_checks.deploy_budget, infra_checks.iam_lint, infra_checks.policy_quotas]
)
def test_scripts_run_from_tools_with_the_root_importable(
    check: Callable[[nox.Session], None],
) -> None:
    fake = FakeSession()
    check(fake.session)
    (run,) = fake.runs
    script = next(Path(arg) for arg in run.args if arg.endswith(".py"))
    assert script.parent == ROOT / "tools"
    assert script.is_file()
    assert run.args[-1].startswith(str(INFRA_BUILD))
    assert run.kwargs["env"] == {"PYTHONPATH": str(ROOT)}


def tflint_program(bin_dir: Path, report: dict[str, object], code: int) -> str:
    """A tflint that prints `report` as its JSON output for every module."""
    return str(program(bin_dir, "tflint", f"echo '{json.dumps(report)}'; exit {code}"))


ISSUE = {
    "rule": {"name": "terraform_unused_declarations"},
    "message": 'variable "x" is declared but not used',
    "range": {"filename": "variables.tf", "start": {"line": 3}},
}


def test_tflint_passes_clean_modules(infra: Path, bin_dir: Path) -> None:
    fake = FakeSession()
    infra_checks.tflint(fake.session, tflint_program(bin_dir, {"issues": [], "errors": []}, 0))
    assert fake.logs[-1] == "tflint: 0 issue(s) in 2 modules"


def test_tflint_lists_issues_and_fails(
    infra: Path, bin_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSession()
    tflint = tflint_program(bin_dir, {"issues": [ISSUE], "errors": []}, 2)
    with pytest.raises(SessionError, match="tflint found issues"):
        infra_checks.tflint(fake.session, tflint)
    assert "tflint: 2 issue(s) in 2 modules" in fake.logs
    assert capsys.readouterr().out.splitlines()[0] == (
        '  variables.tf:3: terraform_unused_declarations: variable "x" is declared but not used'
    )


@pytest.mark.parametrize(
    ("report", "code"),
    [({"issues": [], "errors": [{"message": "Failed to load configurations"}]}, 1), ({}, 1)],
)
def test_tflint_that_cannot_lint_is_an_error(
    infra: Path, bin_dir: Path, report: dict[str, object], code: int
) -> None:
    with pytest.raises(SessionError, match="tflint could not lint infra/modules/alb"):
        infra_checks.tflint(FakeSession().session, tflint_program(bin_dir, report, code))


def checkov_summary(infra: Path, **counts: int) -> None:
    summary = {"passed": 40, "failed": 0, "skipped": 3, "parsing_errors": 0, **counts}
    (infra / "build" / "infra" / "checkov.json").write_text(json.dumps({"summary": summary}))


def test_checkov_reports_its_summary(infra: Path) -> None:
    checkov_summary(infra)
    fake = FakeSession()
    infra_checks.checkov(fake.session)
    assert fake.runs[0].kwargs["success_codes"] == [0, 1]
    assert fake.logs == [
        "checkov: 40 passed, 0 failed, 3 skipped (inline, with reasons), 0 parsing errors"
    ]


@pytest.mark.parametrize("counts", [{"failed": 1}, {"parsing_errors": 1}])
def test_checkov_failures_fail(infra: Path, counts: dict[str, int]) -> None:
    checkov_summary(infra, **counts)
    with pytest.raises(SessionError, match="checkov found failures"):
        infra_checks.checkov(FakeSession().session)


@pytest.mark.parametrize("fix", [False, True])
def test_module_docs_check_or_write_each_readme(infra: Path, fix: bool) -> None:
    fake = FakeSession()
    infra_checks.module_docs(fake.session, "terraform-docs", fix=fix)
    assert [run.args[-1] for run in fake.runs] == [
        str(infra / "infra" / "modules" / "alb"),
        str(infra / "infra" / "modules" / "ecr"),
    ]
    assert all(("--output-check" in run.args) is not fix for run in fake.runs)


OFFLINE_INIT = """echo "
Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws: could not
connect to registry.opentofu.org
" >&2; exit 1"""


@pytest.fixture
def rendered(infra: Path) -> Path:
    """Each unit of the stand-in checkout rendered onto module alb, with a provider block
    generated into it and a lock file committed beside its terragrunt.hcl."""
    for unit in infra.glob("infra/live/*/*/terragrunt.hcl"):
        config = {
            "terraform": {"source": f"{infra}/infra/modules//alb"},
            "generate": {"provider": {"path": "provider.tf", "contents": 'provider "aws" {}'}},
        }
        target = infra / "build" / "infra" / "rendered" / unit.parent.parent.name
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{unit.parent.name}.json").write_text(json.dumps(config))
        (unit.parent / ".terraform.lock.hcl").write_text(f"# {unit.parent.name}\n")
    return infra


def test_validate_is_skipped_and_said_when_the_registry_is_unreachable(
    rendered: Path, bin_dir: Path
) -> None:
    tofu = program(bin_dir, "tofu", OFFLINE_INIT)
    fake = FakeSession()
    infra_checks.validate(fake.session, str(tofu))
    (warning,) = fake.warnings
    assert warning.startswith("skipped: provider registry unreachable")
    assert "said: Error: Failed to query available provider packages Could not" in warning
    assert fake.runs == []


def test_validate_inits_each_assembled_unit_with_its_lock_read_only(
    rendered: Path, bin_dir: Path
) -> None:
    tofu = program(bin_dir, "tofu", f'echo "$PWD $*" >> {bin_dir}/inits')
    fake = FakeSession()
    infra_checks.validate(fake.session, str(tofu))
    copies = rendered / "build" / "infra" / "validate"
    expected = [copies / env / unit / "alb" for env in ENVIRONMENTS
                for unit in sorted(("alb", *infra_checks.ADMIN_UNITS))]  # fmt: skip
    assert fake.directories == expected
    assert fake.commands() == [(str(tofu), "validate", "-no-color")] * len(expected)
    inits = (bin_dir / "inits").read_text().splitlines()
    assert inits == [
        f"{copy} init -backend=false -lockfile=readonly -input=false -no-color" for copy in expected
    ]
    for copy in expected:
        assert (copy / "main.tf").exists()
        assert (copy / "provider.tf").read_text() == 'provider "aws" {}'
        assert (copy / ".terraform.lock.hcl").read_text() == f"# {copy.parent.name}\n"
    assert (rendered / "cache" / "tofu-plugins").is_dir()


def test_validate_copies_the_policy_modules_the_modules_call(rendered: Path, bin_dir: Path) -> None:
    called = rendered / "infra" / "modules" / "alb-policies"
    called.mkdir()
    (called / "main.tf").write_text("")
    # `tofu init` of alb resolves `source = "../alb-policies"` next to its copy.
    tofu = program(bin_dir, "tofu", "test -f ../alb-policies/main.tf")
    fake = FakeSession()
    infra_checks.validate(fake.session, str(tofu))
    assert len(fake.commands()) == 2 * len(ENVIRONMENTS) + len(ENVIRONMENTS)


def test_validate_fails_on_any_other_init_error(rendered: Path, bin_dir: Path) -> None:
    tofu = program(bin_dir, "tofu", 'echo "Error: Unsupported block type" >&2; exit 1')
    with pytest.raises(SessionError, match="tofu init failed in infra/live/dev/alb"):
        infra_checks.validate(FakeSession().session, str(tofu))


# --- plan and apply ------------------------------------------------------------------------


def excluded(command: list[str] | tuple[str, ...]) -> set[str]:
    return {command[i + 1] for i, arg in enumerate(command) if arg == "--queue-exclude-dir"}


def test_run_all_leaves_out_the_admin_units(tmp_path: Path) -> None:
    command = infra_checks.run_all("terragrunt", "prod", tmp_path)
    assert command[:5] == [
        "terragrunt", "run", "--all", "--working-dir", str(INFRA_LIVE / "prod"),
    ]  # fmt: skip
    assert excluded(command) == {"ci-roles", "github-repo"}
    assert command[-2:] == ["--out-dir", str(tmp_path)]
    assert "--out-dir" not in infra_checks.run_all("terragrunt", "prod", None)


def test_the_admin_units_are_real_units() -> None:
    every_unit: set[str] = set()
    for environment in ENVIRONMENTS:
        names = {unit.name for unit in infra_checks.units(environment)}
        assert set(infra_checks.pipeline_units(environment)) == names - {"ci-roles", "github-repo"}
        every_unit |= names
    assert set(infra_checks.ADMIN_UNITS) <= every_unit


@pytest.fixture
def run_all_programs(
    bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """`tool` gives a tofu and a terragrunt that logs its arguments, prints a plan and
    exits with the code in ./exit-code."""
    log, code = tmp_path / "terragrunt-args", tmp_path / "exit-code"
    code.write_text("0")
    tools = {
        "opentofu": program(bin_dir, "tofu", "exit 0"),
        "terragrunt": program(
            bin_dir, "terragrunt",
            f'printf "%s\\n" "$@" > {log}\n'
            f'echo "${{PLAN_TO_APPLY:-}}" > {log}.plan-to-apply\n'
            "echo 'Plan: 1 to add ```'\n"
            f"exit $(cat {code})",
        ),
    }  # fmt: skip
    monkeypatch.setattr(infra_checks, "tool", lambda session, name: str(tools[name]))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return log, code


def test_plan_saves_and_summarises(
    run_all_programs: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log, _code = run_all_programs
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fake = FakeSession()
    infra_checks.plan(fake.session, "prod", tmp_path / "plans")
    args = log.read_text().splitlines()
    assert excluded(args) == {"ci-roles", "github-repo"}
    assert args[args.index("--") + 1 :] == ["plan", "-lock=false", "-input=false", "-no-color"]
    assert summary.read_text() == (
        "## terragrunt plan: prod (saved: the apply job applies exactly this plan)\n\n"
        "Left to an administrator, not planned: ci-roles, github-repo.\n\n"
        "```text\nPlan: 1 to add ` ` `\n\n```\n"
    )
    assert fake.logs[-1] == f"saved 0 plans under {tmp_path / 'plans'}"


def test_a_failed_plan_fails_the_session(run_all_programs: tuple[Path, Path]) -> None:
    _log, code = run_all_programs
    code.write_text("3")
    with pytest.raises(SessionError, match=r"terragrunt run --all plan failed \(exit 3\)"):
        infra_checks.plan(FakeSession().session, "dev", None)


@pytest.mark.parametrize(("saved", "plan_to_apply"), [(True, "1"), (False, "")])
def test_only_a_plan_saved_to_be_applied_refuses_mock_outputs(
    run_all_programs: tuple[Path, Path], tmp_path: Path, saved: bool, plan_to_apply: str
) -> None:
    log, _code = run_all_programs
    infra_checks.plan(FakeSession().session, "prod", tmp_path / "plans" if saved else None)
    assert Path(f"{log}.plan-to-apply").read_text().strip() == plan_to_apply


def test_a_failed_saved_plan_says_where_a_first_apply_belongs(
    run_all_programs: tuple[Path, Path], tmp_path: Path
) -> None:
    _log, code = run_all_programs
    code.write_text("1")
    with pytest.raises(SessionError, match=r"nothing saved to apply.*docs/bootstrap\.md"):
        infra_checks.plan(FakeSession().session, "prod", tmp_path / "plans")


def test_plan_refuses_a_plan_dir_with_files(
    run_all_programs: tuple[Path, Path], tmp_path: Path
) -> None:
    log, _code = run_all_programs
    (tmp_path / "plans" / "alb").mkdir(parents=True)
    with pytest.raises(SessionError, match="is not empty"):
        infra_checks.plan(FakeSession().session, "prod", tmp_path / "plans")
    assert not log.exists()


def test_long_plans_are_cut_for_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(infra_checks, "SUMMARY_LIMIT", 10)
    infra_checks.write_plan_summary(tmp_path / "summary.md", "dev", None, "x" * 11)
    text = (tmp_path / "summary.md").read_text()
    assert "## terragrunt plan: dev\n" in text
    assert "x" * 10 + "\n... (cut here: the full plan is in the job log)\n" in text
    assert "x" * 11 not in text


def save_plans(plan_dir: Path, units: list[str]) -> None:
    for unit in units:
        (plan_dir / unit).mkdir(parents=True)
        (plan_dir / unit / infra_checks.SAVED_PLAN).write_bytes(b"plan")


def test_apply_hands_the_saved_plans_to_terragrunt(
    infra: Path, run_all_programs: tuple[Path, Path], tmp_path: Path
) -> None:
    save_plans(tmp_path / "plans", ["alb"])
    fake = FakeSession()
    infra_checks.apply(fake.session, "prod", tmp_path / "plans")
    (run,) = fake.runs
    assert run.args[-4:] == (str(tmp_path / "plans"), "--", "apply", "-input=false")
    assert excluded(run.args) == {"ci-roles", "github-repo"}
    assert run.kwargs["env"]["TG_TF_PATH"].endswith("/tofu")
    assert fake.logs == [f"applying the 1 saved plans in {tmp_path / 'plans'}"]


@pytest.mark.parametrize(
    ("saved", "message"),
    [
        (None, "is not a directory"),
        ([], "has no saved plan for alb: nothing applied"),
        (["alb", "ci-roles"], "does not apply in prod: ci-roles; nothing applied"),
    ],
)
def test_apply_refuses_plans_that_are_not_exactly_the_pipeline_units(
    infra: Path, tmp_path: Path, saved: list[str] | None, message: str
) -> None:
    if saved is not None:
        (tmp_path / "plans").mkdir()
        save_plans(tmp_path / "plans", saved)
    fake = FakeSession()
    with pytest.raises(SessionError, match=message):
        infra_checks.apply(fake.session, "prod", tmp_path / "plans")
    assert fake.runs == []


@pytest.fixture
def policy_module(infra: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    module = infra / "infra" / "modules" / "ecr-policies"
    (module / "tests").mkdir(parents=True)
    (module / "main.tf").write_text("")
    monkeypatch.setattr(infra_checks, "policy_modules", lambda: [module])
    return module


def test_policy_tests_run_tofu_test_in_a_copy_of_each_policy_module(policy_module: Path) -> None:
    fake = FakeSession(output="Success! 7 passed, 0 failed.")
    infra_checks.policy_tests(fake.session, "tofu")
    copy = policy_module.parents[2] / "build" / "infra" / "module-tests" / "ecr-policies"
    assert fake.directories == [copy]
    assert (copy / "tests").is_dir()
    assert [command[:2] for command in fake.commands()] == [("tofu", "init"), ("tofu", "test")]
    assert fake.logs[-1] == "tofu test: 7 passed in 1 modules"


def test_policy_tests_also_run_other_modules_with_tofu_test_files(policy_module: Path) -> None:
    other = policy_module.parent / "ecs-container-definitions"
    (other / "tests").mkdir(parents=True)
    (other / "tests" / "contract.tftest.hcl").write_text("")
    (policy_module.parent / "alb" / "tests").mkdir()  # a folder without test files
    fake = FakeSession(output="Success! 3 passed, 0 failed.")
    infra_checks.policy_tests(fake.session, "tofu")
    work = policy_module.parents[2] / "build" / "infra" / "module-tests"
    assert fake.directories == [work / "ecr-policies", work / "ecs-container-definitions"]
    assert fake.logs[-1] == "tofu test: 6 passed in 2 modules"


@pytest.mark.parametrize(
    "output", ["Failure! 6 passed, 1 failed.", "Success! 0 passed, 0 failed.", "nothing"]
)
def test_policy_tests_fail_on_a_failed_empty_or_unreadable_run(
    policy_module: Path, output: str
) -> None:
    with pytest.raises(SessionError, match="ecr-policies"):
        infra_checks.policy_tests(FakeSession(output=output).session, "tofu")
