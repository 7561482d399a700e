"""ECR retention replayed: a release history against the lifecycle policy.

The policy is the ecr-policies module's, as OpenTofu computes it with the settings
the dev/ecr unit gives the ecr module (its rendered inputs and the module's defaults);
infra/tests/ecr_lifecycle.py evaluates it the way the ECR User Guide documents. The
history: builds pushed on every merge (tag: the SHA), dev releases (`dev-<sha>` added
after a stable dev rollout), some promoted to prod (`prod-<sha>`), a prod rollback to
the previous release, interrupted pushes (untagged) and, at the end, a streak of builds
that never made it to dev.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra.tests.ecr_lifecycle import DAY, Image, expired, validate
from tools.go_tools import built
from tools.policy_documents import documents
from tools.rendered import MODULES, load

Policy = dict[str, Any]

RETENTION = ("keep_prod_releases", "keep_dev_releases", "keep_builds", "untagged_expiry_days")


def ecr_variables(inputs: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The ecr module's variables `names` as `inputs` set them or their defaults give them:
    `tofu apply` of the module's variables.tf alone (no resources, so no provider)."""
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "variables.tf").write_text((MODULES / "ecr" / "variables.tf").read_text())
        (Path(work) / "outputs.tf").write_text(
            "".join(f'output "{name}" {{\n  value = var.{name}\n}}\n' for name in names)
        )
        (Path(work) / "inputs.auto.tfvars.json").write_text(json.dumps(inputs))
        run = [built("opentofu"), "apply", "-auto-approve", "-input=false", "-no-color"]
        subprocess.run(run, cwd=work, capture_output=True, text=True, check=True, timeout=120)
        shown = subprocess.run(
            [built("opentofu"), "output", "-json", "-no-color"],
            cwd=work, capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
    return {name: output["value"] for name, output in json.loads(shown.stdout).items()}


UNIT = load("dev", "ecr")["inputs"]
SETTINGS = ecr_variables(UNIT, RETENTION)
POLICY: Policy = documents(
    "ecr-policies",
    {
        "partition": "aws",
        "pull_account_ids": UNIT["pull_account_ids"],
        "release_tag_role_arns": UNIT["release_tag_role_arns"],
        **SETTINGS,
    },
)["lifecycle_policy"]


def sha(n: int) -> str:
    return hashlib.sha1(str(n).encode()).hexdigest()  # noqa: S324 - a stand-in commit id


@dataclass
class History:
    """What the pipeline and the release tool do to the repository, in order."""

    clock: float = 0.0
    images: dict[str, Image] = field(default_factory=dict)
    running: dict[str, str] = field(default_factory=dict)
    prod_releases: list[str] = field(default_factory=list)
    builds: int = 0

    def push(self) -> str:
        self.clock += 3 * 3600
        self.builds += 1
        digest = f"sha256:{sha(self.builds)}"
        self.images[digest] = Image(digest, self.clock, frozenset({sha(self.builds)}))
        return digest

    def tag(self, digest: str, env: str) -> None:
        """A stable rollout: the release tool adds `<env>-<sha>` (idempotent)."""
        image = self.images[digest]
        build = next(t for t in image.tags if re.fullmatch(r"[0-9a-f]{40}", t))
        self.images[digest] = Image(digest, image.pushed_at, image.tags | {f"{env}-{build}"})
        self.running[env] = digest
        if env == "prod" and digest not in self.prod_releases:
            self.prod_releases.append(digest)

    def interrupted_push(self, age_days: float) -> str:
        digest = f"sha256:untagged-{len(self.images)}"
        self.images[digest] = Image(digest, self.clock - age_days * DAY)
        return digest


def scenario() -> History:
    history = History()
    dev_releases = 0
    history.interrupted_push(age_days=0)  # the oldest leftover, weeks old by the end
    for merge in range(1, 121):
        digest = history.push()
        if merge % 7 == 0:
            continue  # dev's deployment alarms rolled it back: never tagged
        history.tag(digest, "dev")
        dev_releases += 1
        if dev_releases % 4 == 0:
            history.tag(digest, "prod")  # promoted after the soak
    # The last prod release misbehaves once stable: `rollback` puts the previous one back.
    history.tag(history.prod_releases[-2], "prod")
    # Four more dev releases, then a streak of builds dev's alarms all roll back.
    for _ in range(4):
        history.tag(history.push(), "dev")
    for _ in range(SETTINGS["keep_builds"] + 10):
        history.push()
    history.interrupted_push(age_days=1)
    return history


HISTORY = scenario()
NOW = HISTORY.clock + 3600


def violations(policy: Policy, history: History = HISTORY) -> list[str]:
    gone = expired(policy, history.images.values(), NOW)
    problems = [
        f"{env} runs {digest}, expired" for env, digest in history.running.items() if digest in gone
    ]
    keep = SETTINGS["keep_prod_releases"]
    by_push = sorted(history.prod_releases, key=lambda d: history.images[d].pushed_at)
    problems += [
        f"prod release {d} among the last {keep}, expired" for d in by_push[-keep:] if d in gone
    ]
    return problems


def test_the_policy_keeps_what_the_unit_asks_for() -> None:
    rules = validate(POLICY)
    assert [r["selection"]["tagStatus"] for r in rules][-1] == "any"
    numbers = {
        tuple(r["selection"].get("tagPatternList", [r["selection"]["tagStatus"]])): r["selection"][
            "countNumber"
        ]
        for r in rules
    }
    assert numbers[("prod-*",)] == SETTINGS["keep_prod_releases"]
    assert numbers[("dev-*",)] == SETTINGS["keep_dev_releases"]
    assert numbers[("untagged",)] == SETTINGS["untagged_expiry_days"]
    assert numbers[("any",)] == SETTINGS["keep_builds"]


def test_contract_defaults_keep_ten_prod_and_five_dev_releases() -> None:
    defaults = ecr_variables({"name": "hello"}, ("keep_prod_releases", "keep_dev_releases"))
    assert defaults == {"keep_prod_releases": 10, "keep_dev_releases": 5}


def test_the_scenario_exercises_every_rule() -> None:
    """Without this the protective rules could pass by luck: what they protect is old."""
    images = HISTORY.images
    newest = sorted(images.values(), key=lambda i: i.pushed_at, reverse=True)
    newer_than = {i.digest: n for n, i in enumerate(newest)}
    dev_running, prod_running = HISTORY.running["dev"], HISTORY.running["prod"]
    # Both running images are older than the newest keep_builds images ...
    assert newer_than[dev_running] >= SETTINGS["keep_builds"]
    assert newer_than[prod_running] >= SETTINGS["keep_builds"]
    # ... prod's rollback target is older than the last keep_dev_releases dev releases ...
    dev_tagged = [i for i in newest if any(t.startswith("dev-") for t in i.tags)]
    assert dev_tagged.index(images[prod_running]) >= SETTINGS["keep_dev_releases"]
    # ... and is not prod's newest release.
    assert HISTORY.prod_releases[-1] != prod_running
    assert len(HISTORY.prod_releases) > SETTINGS["keep_prod_releases"]


def test_running_images_and_the_last_prod_releases_survive() -> None:
    assert violations(POLICY) == []


def test_old_unreleased_builds_untagged_leftovers_and_old_releases_expire() -> None:
    gone = expired(POLICY, HISTORY.images.values(), NOW)
    images = HISTORY.images.values()
    newest = sorted(images, key=lambda i: i.pushed_at, reverse=True)
    old = newest[SETTINGS["keep_builds"] :]
    plain_old = [i for i in old if i.tags and all(re.fullmatch(r"[0-9a-f]{40}", t) for t in i.tags)]
    assert plain_old
    assert all(gone.get(i.digest) == 4 for i in plain_old)
    untagged = [i for i in images if not i.tags]
    for image in untagged:
        old_enough = NOW - image.pushed_at > SETTINGS["untagged_expiry_days"] * DAY
        assert (image.digest in gone) is old_enough, image
    assert any(NOW - i.pushed_at > SETTINGS["untagged_expiry_days"] * DAY for i in untagged)
    prod_by_push = sorted(HISTORY.prod_releases, key=lambda d: HISTORY.images[d].pushed_at)
    assert all(d in gone for d in prod_by_push[: -SETTINGS["keep_prod_releases"]])
    kept_dev = [i for i in newest if any(t.startswith("dev-") for t in i.tags)]
    assert any(i.digest in gone for i in kept_dev[SETTINGS["keep_dev_releases"] :])


def _rule(policy: Policy, status_or_pattern: str) -> dict[str, Any]:
    for rule in policy["rules"]:
        selection = rule["selection"]
        if status_or_pattern in (selection["tagStatus"], *selection.get("tagPatternList", [])):
            return rule  # type: ignore[no-any-return]
    raise AssertionError(f"no rule for {status_or_pattern}")


def without(pattern: str) -> Callable[[Policy], None]:
    def mutate(policy: Policy) -> None:
        policy["rules"].remove(_rule(policy, pattern))

    return mutate


def dev_before_prod(policy: Policy) -> None:
    prod, dev = _rule(policy, "prod-*"), _rule(policy, "dev-*")
    prod["rulePriority"], dev["rulePriority"] = dev["rulePriority"], prod["rulePriority"]


def count_rule_first(policy: Policy) -> None:
    """The build count as the first rule (a tagged `*` rule: `any` must come last)."""
    rule = _rule(policy, "any")
    rule["rulePriority"] = 0
    rule["selection"] = {**rule["selection"], "tagStatus": "tagged", "tagPatternList": ["*"]}


@pytest.mark.parametrize(
    "mutate",
    [without("prod-*"), without("dev-*"), dev_before_prod, count_rule_first],
    ids=["no-prod-rule", "no-dev-rule", "dev-rule-before-prod-rule", "count-rule-first"],
)
def test_dropping_or_reordering_a_protective_rule_loses_images_in_use(
    mutate: Callable[[Policy], None],
) -> None:
    policy = copy.deepcopy(POLICY)
    mutate(policy)
    assert violations(policy), "the scenario no longer tells this policy from the real one"


def test_ecr_refuses_a_catch_all_rule_ahead_of_others() -> None:
    policy = copy.deepcopy(POLICY)
    _rule(policy, "any")["rulePriority"] = 0
    with pytest.raises(ValueError, match="tagStatus any must have the highest"):
        validate(policy)


def test_evaluator_reproduces_the_user_guides_example_a() -> None:
    """ECR User Guide, lifecycle policy examples, "Example A": only image A expires."""
    images = [
        Image("A", 0 * DAY, frozenset({"beta-1", "prod-1"})),
        Image("B", 1 * DAY, frozenset({"beta-2", "prod-2"})),
        Image("C", 2 * DAY, frozenset({"beta-3"})),
    ]

    def rule(priority: int, prefix: str) -> dict[str, Any]:
        return {
            "rulePriority": priority,
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": [prefix],
                "countType": "imageCountMoreThan",
                "countNumber": 1,
            },
            "action": {"type": "expire"},
        }

    policy = {"rules": [rule(1, "prod"), rule(2, "beta")]}
    assert expired(policy, images, 10 * DAY) == {"A": 1}
