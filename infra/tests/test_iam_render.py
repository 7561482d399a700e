"""tools/iam_render.py renders shared documents and per-key documents as the provider does:
`source_policy_documents` merged in order with Sids replaced, `for_each` instances by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.iam_render import Context, Policy, Unrenderable, policies, render

ROLE = 'resource "aws_iam_role_policy" "r" {\n  policy = data.aws_iam_policy_document.%s.json\n}\n'


def statement(sid: str, action: str, resource: str = "*") -> str:
    return (
        f'  statement {{\n    sid = "{sid}"\n    actions = ["{action}"]\n'
        f'    resources = ["{resource}"]\n  }}\n'
    )


def document(name: str, body: str, sources: tuple[str, ...] = ()) -> str:
    listed = ", ".join(f"data.aws_iam_policy_document.{s}.json" for s in sources)
    source_line = f"  source_policy_documents = [{listed}]\n" if sources else ""
    return f'data "aws_iam_policy_document" "{name}" {{\n{source_line}{body}}}\n'


def module(tmp_path: Path, *blocks: str) -> Path:
    path = tmp_path / "m"
    path.mkdir()
    (path / "main.tf").write_text("\n".join(blocks))
    return path


def sids_and_actions(policy: Policy) -> list[tuple[str, str]]:
    return [(s["Sid"], s["Action"]) for s in policy["Statement"]]


def test_sources_come_first_in_order_and_a_statement_replaces_the_source_sid(
    tmp_path: Path,
) -> None:
    path = module(
        tmp_path,
        document("login", statement("Login", "ecr:GetAuthorizationToken")),
        document("pull", statement("Pull", "ecr:BatchGetImage"), sources=("login",)),
        document("read", statement("Read", "ecr:DescribeImages")),
        document(
            "role",
            statement("Pull", "ecr:GetDownloadUrlForLayer") + statement("Own", "ecs:ListTasks"),
            sources=("pull", "read"),
        ),
        ROLE % "role",
    )
    rendered = render(path, Context(variables={}))
    assert sids_and_actions(rendered["pull"]) == [
        ("Login", "ecr:GetAuthorizationToken"),
        ("Pull", "ecr:BatchGetImage"),
    ]
    assert sids_and_actions(rendered["role"]) == [
        ("Login", "ecr:GetAuthorizationToken"),
        ("Pull", "ecr:GetDownloadUrlForLayer"),
        ("Read", "ecr:DescribeImages"),
        ("Own", "ecs:ListTasks"),
    ]
    # Only the document a resource uses is a policy of its own; the others feed it.
    assert set(policies(path, Context(variables={}))) == {"role"}


def test_a_source_used_by_a_resource_too_is_a_policy_of_its_own(tmp_path: Path) -> None:
    path = module(
        tmp_path,
        document("reader", statement("Read", "ecs:DescribeServices")),
        document("deploy", statement("Update", "ecs:UpdateService"), sources=("reader",)),
        ROLE % "reader",
        ROLE.replace('"r"', '"d"') % "deploy",
    )
    assert set(policies(path, Context(variables={}))) == {"reader", "deploy"}


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        # The provider refuses a Sid that two source documents both carry.
        (
            (
                document("a", statement("Same", "s3:GetObject")),
                document("b", statement("Same", "s3:PutObject")),
                document("c", "", sources=("a", "b")),
            ),
            "duplicate Sid Same",
        ),
        ((document("a", statement("Same", "s3:GetObject") * 2),), "duplicate Sid Same"),
        ((document("a", "", sources=("a",)),), "its own source"),
        ((document("a", "", sources=("missing",)),), "no policy document missing"),
        (
            (
                'data "aws_iam_policy_document" "a" {\n'
                "  source_policy_documents = [jsonencode(local.policy)]\n}\n",
            ),
            "source document",
        ),
    ],
)
def test_renderer_refuses_sources_the_provider_would_refuse_or_it_cannot_read(
    tmp_path: Path, blocks: tuple[str, ...], message: str
) -> None:
    with pytest.raises(Unrenderable, match=message):
        render(module(tmp_path, *blocks), Context(variables={}))


TRUSTS = """
variable "repo" {
  type = string
}

locals {
  trusts = {
    deploy = [{ sid = "Main", test = "StringEquals", subjects = ["repo:${var.repo}:main"] }]
    plan = [
      { sid = "Main", test = "StringEquals", subjects = ["repo:${var.repo}:main"] },
      { sid = "Pulls", test = "StringLike", subjects = ["repo:${var.repo}:pull/*"] },
    ]
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.trusts

  dynamic "statement" {
    for_each = each.value

    content {
      sid     = statement.value.sid
      actions = ["sts:AssumeRoleWithWebIdentity"]

      condition {
        test     = statement.value.test
        variable = "sub"
        values   = statement.value.subjects
      }
    }
  }
}

resource "aws_iam_role" "deploy" {
  assume_role_policy = data.aws_iam_policy_document.trust["deploy"].json
}
"""


def test_a_document_with_for_each_renders_one_instance_per_key(tmp_path: Path) -> None:
    path = module(tmp_path, TRUSTS)
    rendered = policies(path, Context(variables={"repo": "o/r"}))
    assert set(rendered) == {'trust["deploy"]', 'trust["plan"]'}
    assert [s["Condition"] for s in rendered['trust["plan"]']["Statement"]] == [
        {"StringEquals": {"sub": "repo:o/r:main"}},
        {"StringLike": {"sub": "repo:o/r:pull/*"}},
    ]
    assert [s["Sid"] for s in rendered['trust["deploy"]']["Statement"]] == ["Main"]


def test_renderer_refuses_an_attribute_an_object_does_not_have(tmp_path: Path) -> None:
    path = module(tmp_path, TRUSTS.replace("statement.value.test", "statement.value.kind"))
    with pytest.raises(Unrenderable, match="has no kind"):
        render(path, Context(variables={"repo": "o/r"}))


def test_a_source_must_name_one_instance_of_a_document_with_for_each(tmp_path: Path) -> None:
    path = module(tmp_path, TRUSTS, document("x", "", sources=("trust",)))
    with pytest.raises(Unrenderable, match="has instances"):
        render(path, Context(variables={"repo": "o/r"}))


def test_dynamic_statements_and_conditions_are_written_out(tmp_path: Path) -> None:
    body = (
        '  dynamic "statement" {\n    for_each = ["ecs:ListTasks", "ecs:ListServices"]\n'
        '    content {\n      actions = [statement.value]\n      resources = ["*"]\n'
        '      dynamic "condition" {\n        for_each = { service = "hello" }\n'
        "        content {\n"
        '          test = "StringEquals"\n'
        '          variable = "aws:ResourceTag/${condition.key}"\n'
        "          values = [condition.value]\n        }\n      }\n    }\n  }\n"
    )
    rendered = render(module(tmp_path, document("d", body)), Context(variables={}))
    tagged = {"StringEquals": {"aws:ResourceTag/service": "hello"}}
    assert rendered["d"]["Statement"] == [
        {"Effect": "Allow", "Action": action, "Resource": "*", "Condition": tagged}
        for action in ("ecs:ListTasks", "ecs:ListServices")
    ]


def test_a_dynamic_statement_over_an_unknown_value_is_refused(tmp_path: Path) -> None:
    body = (
        '  dynamic "statement" {\n    for_each = aws_sns_topic.t.arn\n'
        '    content {\n      actions = ["sns:Publish"]\n      resources = ["*"]\n    }\n  }\n'
    )
    with pytest.raises(Unrenderable, match="cannot evaluate"):
        render(module(tmp_path, document("d", body)), Context(variables={}))
