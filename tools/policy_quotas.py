"""Checks every policy document the modules produce against the quota AWS enforces on it
(`nox -s infra`), so an oversized policy fails here and not in the first apply.

`python tools/policy_quotas.py [OUTPUT.json]` applies each case of tools/policy_cases.py
with the real OpenTofu, prints every document's size against its limit, writes them all
to OUTPUT.json and exits 1 when any is over. Sizes are counted as IAM counts them: the
characters of the JSON the resource attaches, whitespace excluded.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# AWS's default quotas (IAM: "IAM and AWS STS quotas"; the others from each service's
# quota page). Resource policies are counted in full, as their services do.
ROLE_TRUST_POLICY = 2_048
ROLE_INLINE_POLICIES = 10_240  # all inline policies of one role together
MANAGED_POLICY = 6_144
MANAGED_POLICIES_PER_ROLE = 10
RESOURCE_POLICY_LIMITS = {
    "repository_policy": 10_240,  # ECR repository policy
    "lifecycle_policy": 30_720,  # ECR lifecycle policy
    "bucket_policy": 20_480,  # S3 bucket policy, 20 KB
    "key_policy": 32_768,  # KMS key policy, 32 KB
    "topic_policy": 30_720,  # SNS topic policy, 30 KB
}
# What the modules aim for, to leave room to grow; printed, not enforced.
HEADROOM = 0.8

_WHITESPACE = re.compile(r"\s")


def iam_size(document: str) -> int:
    return len(_WHITESPACE.sub("", document))


@dataclass(frozen=True)
class Measure:
    case: str
    what: str
    size: int
    limit: int

    @property
    def over(self) -> bool:
        return self.size > self.limit


def measure(case: str, outputs: dict[str, Any]) -> list[Measure]:
    """Every quota the outputs of one policy module's case are held to."""
    found: list[Measure] = []
    managed = outputs.get("managed_policies", {})
    for policy, document in managed.items():
        found.append(Measure(case, f"managed policy {policy}", iam_size(document), MANAGED_POLICY))
    for role, docs in outputs.get("roles", {}).items():
        found.append(
            Measure(case, f"role {role}: trust policy", iam_size(docs["trust"]), ROLE_TRUST_POLICY)
        )
        inline = sum(iam_size(document) for document in docs["inline"].values())
        found.append(Measure(case, f"role {role}: inline policies", inline, ROLE_INLINE_POLICIES))
        attached = len(docs["managed"])
        found.append(
            Measure(case, f"role {role}: managed policies", attached, MANAGED_POLICIES_PER_ROLE)
        )
        unknown = set(docs["managed"]) - set(managed)
        if unknown:
            raise ValueError(f"{case}: role {role} attaches unknown policies {sorted(unknown)}")
    for name, value in outputs.items():
        if name in ("roles", "managed_policies"):
            continue
        if name not in RESOURCE_POLICY_LIMITS:
            raise ValueError(
                f"{case}: output {name} is no policy document this check knows: name a role "
                f"policy in `roles`/`managed_policies`, or add its quota to RESOURCE_POLICY_LIMITS"
            )
        found.append(Measure(case, name, len(value), RESOURCE_POLICY_LIMITS[name]))
    return found


def table(measures: list[Measure]) -> str:
    rows = [f"{'case':<40} {'document':<52} {'size':>6} {'limit':>6} {'used':>5}"]
    for m in measures:
        flag = "  OVER" if m.over else ("  above headroom" if m.size > HEADROOM * m.limit else "")
        rows.append(
            f"{m.case:<40} {m.what:<52} {m.size:>6} {m.limit:>6} {m.size / m.limit:>5.0%}{flag}"
        )
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    from tools.policy_cases import CASES, uncovered_modules
    from tools.policy_documents import outputs

    uncovered = uncovered_modules()
    if uncovered:
        print(f"no case applies the policy modules {uncovered}: add them to tools/policy_cases.py")
        return 1
    measures = [
        m
        for case in CASES
        for m in measure(f"{case.module} ({case.layout})", outputs(case.module, case.variables))
    ]
    print(table(measures))
    if argv:
        Path(argv[0]).parent.mkdir(parents=True, exist_ok=True)
        Path(argv[0]).write_text(json.dumps([asdict(m) for m in measures], indent=2) + "\n")
    over = [m for m in measures if m.over]
    print(f"policy quotas: {len(measures)} measured, {len(over)} over the limit")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
