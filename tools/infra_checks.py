"""infra/: the offline checks of the modules and Terragrunt environments, and the plan and
apply runs over an environment's units."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from tools import provider_locks
from tools.go_tools import TOOLS_CACHE, tofu_env, tool
from tools.policy_documents import policy_modules
from tools.project import (
    ENVIRONMENTS,
    INFRA_BUILD,
    INFRA_LIVE,
    INFRA_MODULES,
    RENDERED,
    ROOT,
    run_script,
)

if TYPE_CHECKING:
    import nox

INFRA = ROOT / "infra"
# The repository's own checkov checks (infra/checkov/__init__.py says how they are written).
CHECKOV_CHECKS = INFRA / "checkov"
TOOLS = Path(__file__).parent
# What `tofu init` says when it cannot reach the provider registry (offline machines).
REGISTRY_UNREACHABLE = re.compile(
    r"registry\.opentofu\.org|Failed to query available provider packages|"
    r"could not connect|no such host|i/o timeout|connection refused",
)
# Units an administrator applies at bootstrap (docs/bootstrap.md); the pipeline's plan and
# apply leave them out, so no CI role needs the rights they hold.
ADMIN_UNITS = ("ci-roles", "github-repo")
# The file name `terragrunt run --all plan --out-dir DIR` gives each unit's plan: DIR/<unit>/.
SAVED_PLAN = "tfplan.tfplan"
# Set for a plan saved to be applied: dependencies then may not stand in mock outputs
# (`mock_outputs_commands` in infra/live/common.hcl).
PLAN_TO_APPLY = "PLAN_TO_APPLY"
# GitHub rejects a job summary above 1 MiB; the plan is cut well below that.
SUMMARY_LIMIT = 900_000


def modules() -> list[Path]:
    return sorted(path.parent for path in INFRA_MODULES.glob("*/main.tf"))


def units(environment: str) -> list[Path]:
    return sorted(path.parent for path in (INFRA_LIVE / environment).glob("*/terragrunt.hcl"))


def terragrunt_env(tofu: str) -> dict[str, str]:
    """Terragrunt runs non-interactively with the pinned tofu."""
    return {
        "TG_TF_PATH": tofu, "TG_NON_INTERACTIVE": "true", "TG_LOG_FORMAT": "bare", **tofu_env()
    }  # fmt: skip


def offline_env(tofu: str) -> dict[str, str]:
    """For checks that must not reach AWS: no credentials, no instance metadata lookups.

    `terragrunt render` tries to read each dependency's outputs and, when that fails,
    falls back to its mock_outputs. Without auto-init the read fails at once on the
    uninitialised S3 backend, and without credentials nothing could reach AWS anyway.
    """
    blank = {name: "" for name in os.environ if name.startswith("AWS_")}
    return {
        **terragrunt_env(tofu),
        **blank,
        "TG_NO_AUTO_INIT": "true",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


# --- the offline checks (nox -s infra), in the order the session runs them ---------------


def formatting(
    session: nox.Session, tofu: str, terragrunt: str, env: dict[str, str], *, fix: bool
) -> None:
    session.log("formatting: tofu fmt, terragrunt hcl fmt")
    session.run(tofu, "fmt", "-recursive", *([] if fix else ["-check", "-diff"]), str(INFRA),
                external=True)  # fmt: skip
    session.run(terragrunt, "hcl", "fmt", *([] if fix else ["--check", "--diff"]),
                "--working-dir", str(INFRA_LIVE), external=True, env=env)  # fmt: skip


def hcl_validate(session: nox.Session, terragrunt: str, env: dict[str, str]) -> None:
    for environment in ENVIRONMENTS:
        session.log(f"terragrunt hcl validate (syntax, then inputs): {environment}")
        with session.chdir(INFRA_LIVE / environment):
            session.run(terragrunt, "hcl", "validate", external=True, env=env)
            session.run(terragrunt, "hcl", "validate", "--inputs", "--strict", external=True,
                        env=env)  # fmt: skip


def render(session: nox.Session, terragrunt: str, env: dict[str, str]) -> None:
    """`terragrunt render --json` of every unit into build/infra/rendered/<env>/<unit>.json."""
    for environment in ENVIRONMENTS:
        target = RENDERED / environment
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for unit in units(environment):
            session.log(f"terragrunt render --json: {environment}/{unit.name}")
            result = subprocess.run(
                [terragrunt, "render", "--json", "--working-dir", str(unit)],
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr[-4000:], end="")
                session.error(f"terragrunt render failed in {unit.relative_to(ROOT)}")
            (target / f"{unit.name}.json").write_text(result.stdout)


# What `tofu test` prints last: "Success! 12 passed, 0 failed." (or "Failure! ...").
TOFU_TEST_TOTALS = re.compile(r"(\d+) passed, (\d+) failed")


def policy_tests(session: nox.Session, tofu: str) -> None:
    """`tofu test` in every provider-free module: each policy module (infra/modules/
    *-policies, which must have tests) and each other module with a tests/ folder of
    .tftest.hcl files. The real OpenTofu computes what the module outputs and checks the
    module's rules on it."""
    work = INFRA_BUILD / "module-tests"
    shutil.rmtree(work, ignore_errors=True)
    passed = 0
    with_tests = {path.parent.parent for path in INFRA_MODULES.glob("*/tests/*.tftest.hcl")}
    tested = sorted(with_tests | set(policy_modules()))
    # All of infra/modules, so each module's `../<module>` sources resolve.
    shutil.copytree(INFRA_MODULES, work, ignore=shutil.ignore_patterns(".terraform*"))
    for module in tested:
        copy = work / module.name
        session.log(f"tofu test: {module.name}")
        with session.chdir(copy):
            session.run(tofu, "init", "-backend=false", "-input=false", "-no-color",
                        external=True, silent=True)  # fmt: skip
            output = session.run(tofu, "test", "-no-color", external=True, silent=True)
        totals = TOFU_TEST_TOTALS.findall(str(output))
        if not totals:
            session.error(f"tofu test in {module.name} reported no totals: {output}")
        ran, failed = map(int, totals[-1])
        if ran == 0 or failed:
            session.error(f"tofu test in {module.name}: {ran} passed, {failed} failed")
        session.log(f"tofu test {module.name}: {ran} passed")
        passed += ran
    session.log(f"tofu test: {passed} passed in {len(tested)} modules")


def policy_quotas(session: nox.Session) -> None:
    """Every policy document's size against its AWS quota (tools/policy_quotas.py)."""
    session.log("policy quotas (each document the policy modules produce, as tofu computes it)")
    run_script(session, TOOLS / "policy_quotas.py", str(INFRA_BUILD / "policy-quotas.json"))


def deploy_budget(session: nox.Session) -> None:
    """The rolling deploy's time budget (tools/deploy_budget.py); over the target fails."""
    session.log("deploy-time budget (rolling deploy, from the rendered ecs-service inputs)")
    run_script(session, TOOLS / "deploy_budget.py", str(INFRA_BUILD / "deploy-budget.json"))


def iam_lint(session: nox.Session) -> None:
    """parliament over every IAM policy the modules render (tools/iam_lint.py): zero
    findings; each accepted one is a suppression with its reason in that file."""
    run_script(
        session, TOOLS / "iam_lint.py", str(INFRA_BUILD / "iam-lint.json"),
        python_args=("-W", "ignore:pkg_resources is deprecated:UserWarning"),
    )  # fmt: skip


def tflint(session: nox.Session, binary: str) -> None:
    """tflint's bundled terraform ruleset (preset `all`, see .tflint.hcl) on every module."""
    total, checked = 0, modules()
    for module in checked:
        result = subprocess.run(
            [binary, f"--chdir={module}", f"--config={ROOT / '.tflint.hcl'}", "--format=json"],
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(result.stdout or "{}")
        issues, errors = report.get("issues", []), report.get("errors", [])
        for issue in issues:
            where = issue["range"]
            print(f"  {where['filename']}:{where['start']['line']}: {issue['rule']['name']}: "
                  f"{issue['message']}")  # fmt: skip
        for error in errors:
            print(f"  error: {error.get('message', error)}")
        if errors or (result.returncode != 0 and not issues):
            print(result.stderr[-2000:], end="")
            session.error(f"tflint could not lint {module.relative_to(ROOT)}")
        total += len(issues)
        session.log(f"tflint {module.name}: {len(issues)} issue(s)")
    session.log(f"tflint: {total} issue(s) in {len(checked)} modules")
    if total:
        session.error("tflint found issues")


def checkov(session: nox.Session) -> None:
    """checkov over infra/modules, with the repository's own checks (infra/checkov); every
    skip is inline with its reason."""
    out = INFRA_BUILD / "checkov.json"
    session.run(
        "checkov", "--directory", str(INFRA_MODULES), "--framework", "terraform",
        "--external-checks-dir", str(CHECKOV_CHECKS), "--skip-download", "--compact", "--quiet",
        "--output", "cli", "--output", "json", "--output-file-path", f"console,{out}",
        success_codes=[0, 1],
    )  # fmt: skip
    summary = json.loads(out.read_text())["summary"]
    session.log(
        f"checkov: {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['skipped']} skipped (inline, with reasons), "
        f"{summary['parsing_errors']} parsing errors"
    )
    if summary["failed"] or summary["parsing_errors"]:
        session.error("checkov found failures")


def module_docs(session: nox.Session, terraform_docs: str, *, fix: bool) -> None:
    """terraform-docs input/output tables between the README markers of each module."""
    documented = modules()
    for module in documented:
        session.run(
            terraform_docs, "markdown", "table", "--output-file", "README.md",
            "--output-mode", "inject", "--lockfile=false",
            *([] if fix else ["--output-check"]), str(module),
            external=True, silent=not fix,
        )  # fmt: skip
    state = "written" if fix else "up to date"
    session.log(f"terraform-docs: {len(documented)} module READMEs {state}")


def validate(session: nox.Session, tofu: str) -> None:
    """`tofu init -backend=false -lockfile=readonly` + `tofu validate` of every unit as
    Terragrunt assembles it (module, generated provider blocks, the unit's lock file), when
    the registry answers: the same fail-closed init root.hcl gives every Terragrunt run."""
    work = INFRA_BUILD / "validate"
    shutil.rmtree(work, ignore_errors=True)
    env = {**os.environ, **tofu_env(), "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
           "TF_PLUGIN_CACHE_DIR": str(TOOLS_CACHE.parent / "tofu-plugins")}  # fmt: skip
    Path(env["TF_PLUGIN_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    validated = [unit for environment in ENVIRONMENTS for unit in units(environment)]
    for index, unit in enumerate(validated):
        name = unit.relative_to(INFRA_LIVE)
        config = json.loads((RENDERED / f"{name}.json").read_text())
        copy = provider_locks.assemble(config, unit, work / name, lock=True)
        session.log(f"tofu init -backend=false -lockfile=readonly: {name}")
        init = subprocess.run(
            [tofu, "init", "-backend=false", "-lockfile=readonly", "-input=false", "-no-color"],
            cwd=copy, env=env, capture_output=True, text=True, check=False, timeout=300,
        )  # fmt: skip
        if init.returncode != 0:
            output = init.stderr + init.stdout
            if index == 0 and REGISTRY_UNREACHABLE.search(output):
                # The first error paragraph: "Error: <title>", blank, then its explanation.
                error = output[output.find("Error:") :].split("\n\n")[:2]
                said = " ".join(" ".join(error).split())
                session.warn(
                    "skipped: provider registry unreachable, so no tofu init/validate of the "
                    f"units (tofu init -backend=false said: {said})"
                )
                return
            print(output[-4000:], end="")
            session.error(f"tofu init failed in {unit.relative_to(ROOT)} (with its lock file)")
        with session.chdir(copy):
            session.run(tofu, "validate", "-no-color", external=True, env=env)
    session.log(f"tofu validate: {len(validated)} units valid")


# --- plan and apply over an environment's units (nox -s plan / apply) -------------------


def pipeline_units(environment: str) -> list[str]:
    return [unit.name for unit in units(environment) if unit.name not in ADMIN_UNITS]


def run_all(terragrunt: str, environment: str, plan_dir: Path | None) -> list[str]:
    """`terragrunt run --all` over the environment's units, without the admin-applied ones."""
    excluded = [arg for unit in ADMIN_UNITS for arg in ("--queue-exclude-dir", unit)]
    saved = ["--out-dir", str(plan_dir)] if plan_dir else []
    return [terragrunt, "run", "--all", "--working-dir", str(INFRA_LIVE / environment),
            *excluded, *saved]  # fmt: skip


def plan(session: nox.Session, environment: str, plan_dir: Path | None) -> None:
    """Streams the plan of every pipeline unit; in GitHub Actions also to the job summary."""
    if plan_dir and plan_dir.exists() and any(plan_dir.iterdir()):
        session.error(f"{plan_dir} is not empty: saved plans go to a new or empty directory")
    tofu = tool(session, "opentofu")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    command = [
        *run_all(tool(session, "terragrunt"), environment, plan_dir),
        "--", "plan", "-lock=false", "-input=false", *(["-no-color"] if summary else []),
    ]  # fmt: skip
    session.log(" ".join(command))
    # A plan saved to be applied takes no mock outputs (infra/live/common.hcl).
    env = {**os.environ, **terragrunt_env(tofu), **({PLAN_TO_APPLY: "1"} if plan_dir else {})}
    # Streamed as it runs and kept for the summary; terragrunt's own log goes to stderr.
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        for line in process.stdout or ():
            print(line, end="", flush=True)
            lines.append(line)
    if summary:
        write_plan_summary(Path(summary), environment, plan_dir, "".join(lines))
    if process.returncode != 0 and plan_dir:
        session.error(
            f"terragrunt run --all plan failed (exit {process.returncode}); nothing saved to "
            "apply. A saved plan takes no mock outputs: where Terragrunt says a dependency "
            "has no outputs, that unit was never applied (a fresh account, a new unit), and "
            "its first apply is an administrator's (docs/bootstrap.md)"
        )
    if process.returncode != 0:
        session.error(f"terragrunt run --all plan failed (exit {process.returncode})")
    if plan_dir:
        saved = sorted(plan_dir.glob(f"*/{SAVED_PLAN}"))
        session.log(f"saved {len(saved)} plans under {plan_dir}")


def write_plan_summary(summary: Path, environment: str, plan_dir: Path | None, output: str) -> None:
    if len(output) > SUMMARY_LIMIT:
        output = output[:SUMMARY_LIMIT] + "\n... (cut here: the full plan is in the job log)\n"
    fence = "```"
    saved = " (saved: the apply job applies exactly this plan)" if plan_dir else ""
    with summary.open("a", encoding="utf-8") as file:
        file.write(f"## terragrunt plan: {environment}{saved}\n\n")
        file.write(f"Left to an administrator, not planned: {', '.join(ADMIN_UNITS)}.\n\n")
        file.write(f"{fence}text\n{output.replace(fence, '` ` `')}\n{fence}\n")


def apply(session: nox.Session, environment: str, plan_dir: Path | None) -> None:
    """Applies every pipeline unit; with a plan directory, exactly the plans saved there."""
    if plan_dir:
        check_saved_plans(session, environment, plan_dir)
    tofu = tool(session, "opentofu")
    session.run(
        *run_all(tool(session, "terragrunt"), environment, plan_dir),
        "--", "apply", "-input=false",
        external=True, env=terragrunt_env(tofu),
    )  # fmt: skip


def check_saved_plans(session: nox.Session, environment: str, plan_dir: Path) -> None:
    """A saved plan for every unit the pipeline applies, and none for any other."""
    if not plan_dir.is_dir():
        session.error(f"no saved plans: {plan_dir} is not a directory")
    expected = set(pipeline_units(environment))
    found = {path.parent.name for path in plan_dir.glob(f"*/{SAVED_PLAN}")}
    if missing := sorted(expected - found):
        session.error(f"{plan_dir} has no saved plan for {', '.join(missing)}: nothing applied")
    if unknown := sorted(found - expected):
        session.error(
            f"{plan_dir} holds plans for units the pipeline does not apply in {environment}: "
            f"{', '.join(unknown)}; nothing applied"
        )
    session.log(f"applying the {len(found)} saved plans in {plan_dir}")
