"""The quota check measures what each document is held to, as IAM counts it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools.policy_quotas import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY,
    ROLE_INLINE_POLICIES,
    Measure,
    iam_size,
    measure,
    table,
)


def policy(*actions: str) -> str:
    statements = [{"Effect": "Allow", "Action": action, "Resource": "*"} for action in actions]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


def outputs(inline: list[str], managed: dict[str, str]) -> dict[str, Any]:
    return {
        "roles": {
            "infra": {
                "trust": policy("sts:AssumeRoleWithWebIdentity"),
                "inline": {f"p{i}": doc for i, doc in enumerate(inline)},
                "managed": sorted(managed),
            }
        },
        "managed_policies": managed,
    }


def by_what(measures: list[Measure]) -> dict[str, Measure]:
    return {m.what: m for m in measures}


def test_whitespace_is_not_counted() -> None:
    assert iam_size('{ "a" :\n\t"b" }') == len('{"a":"b"}')


def test_inline_policies_of_a_role_count_together() -> None:
    # Each of the two fits the limit alone; together they do not.
    half = policy(*[f"s3:GetObject{i:04}" for i in range(120)])
    assert ROLE_INLINE_POLICIES / 2 < iam_size(half) < ROLE_INLINE_POLICIES
    inline = by_what(measure("case", outputs([half, half], {})))["role infra: inline policies"]
    assert inline.size == 2 * iam_size(half)
    assert inline.over


def test_one_more_statement_takes_a_managed_policy_over() -> None:
    actions = [f"ec2:Describe{i:04}" for i in range(60)]
    while iam_size(policy(*actions)) <= MANAGED_POLICY:
        actions.append(f"ec2:Describe{len(actions):04}")
    fits = by_what(measure("case", outputs([], {"edge": policy(*actions[:-1])})))
    over = by_what(measure("case", outputs([], {"edge": policy(*actions)})))
    assert not fits["managed policy edge"].over
    assert over["managed policy edge"].over
    assert "OVER" in table(list(over.values()))


def test_a_role_takes_at_most_ten_managed_policies() -> None:
    eleven = {f"p{i}": policy("s3:GetObject") for i in range(MANAGED_POLICIES_PER_ROLE + 1)}
    assert by_what(measure("case", outputs([], eleven)))["role infra: managed policies"].over


def test_resource_policies_are_held_to_their_service_limit() -> None:
    big = policy(*[f"s3:GetObject{i:05}" for i in range(600)])
    (bucket,) = measure("case", {"bucket_policy": big})
    assert (bucket.limit, bucket.over) == (20_480, True)


def test_an_output_of_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="no policy document this check knows"):
        measure("case", {"queue_policy": policy("sqs:SendMessage")})


def test_a_role_attaching_an_unknown_managed_policy_is_refused() -> None:
    broken = outputs([], {})
    broken["roles"]["infra"]["managed"] = ["missing"]
    with pytest.raises(ValueError, match="unknown policies"):
        measure("case", broken)
