"""tools/hcl_module.py evaluates HCL as OpenTofu does, on small modules of its own:
each test breaks when the construct it names is evaluated wrongly or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tools.hcl_module import Module, Ref, block


def module(
    tmp_path: Path, text: str, inputs: dict[str, Any] | None = None, **kwargs: Any
) -> Module:
    (tmp_path / "main.tf").write_text(text)
    return Module(tmp_path, inputs or {}, **kwargs)


def local(tmp_path: Path, expression: str, inputs: dict[str, Any] | None = None, **kw: Any) -> Any:
    """One `local.value = <expression>` evaluated, next to the variables of VARIABLES."""
    return module(
        tmp_path, f"{VARIABLES}\nlocals {{\n  value = {expression}\n}}\n", inputs, **kw
    ).local("value")


VARIABLES = """
variable "name" {
  type    = string
  default = "hello"
}
variable "flag" {
  type    = bool
  default = true
}
variable "count_of" {
  type    = number
  default = 3
}
variable "names" {
  type    = list(string)
  default = ["a", "b", "c"]
}
variable "sizes" {
  type    = map(number)
  default = { small = 1, large = 4 }
}
"""


def test_a_variable_is_its_input_else_its_default(tmp_path: Path) -> None:
    assert local(tmp_path, "var.name") == "hello"
    assert local(tmp_path, "var.name", {"name": "given"}) == "given"


def test_optional_object_attributes_get_their_default_or_null(tmp_path: Path) -> None:
    config = module(
        tmp_path,
        'variable "settings" {\n'
        "  type = object({\n"
        "    name    = string\n"
        '    tier    = optional(string, "basic")\n'
        "    size    = optional(number)\n"
        "    extras  = optional(list(object({ key = string, on = optional(bool, false) })), [])\n"
        "  })\n"
        "}\n",
        {"settings": {"name": "x", "extras": [{"key": "k"}]}},
    )
    assert config.var("settings") == {
        "name": "x",
        "tier": "basic",
        "size": None,
        "extras": [{"key": "k", "on": False}],
    }


def test_locals_refer_to_locals_and_variables(tmp_path: Path) -> None:
    config = module(
        tmp_path,
        VARIABLES + 'locals {\n  prefix = "${var.name}-dev"\n  full = "${local.prefix}-app"\n}\n',
    )
    assert config.local("full") == "hello-dev-app"


def test_a_whole_interpolation_keeps_its_type_and_a_template_joins_text(tmp_path: Path) -> None:
    assert local(tmp_path, '"${var.count_of}"') == 3
    assert local(tmp_path, '"${var.name}:${var.count_of}"') == "hello:3"
    assert local(tmp_path, '"enabled=${var.flag}"') == "enabled=true"
    # Quotes inside an interpolation do not end the string.
    assert local(tmp_path, '["id:${var.name}:${split(",", "a,b")[1]}"]') == ["id:hello:b"]


@pytest.mark.parametrize(
    ("expression", "inputs", "expected"),
    [
        ('var.flag ? "yes" : "no"', {}, "yes"),
        ('var.flag ? "yes" : "no"', {"flag": False}, "no"),
        # `==` binds tighter than `? :`
        ('var.name == "hello" ? 1 : 2', {}, 1),
        ('var.name == "other" ? 1 : 2', {}, 2),
        ("length(var.names) > 2 ? var.names[0] : null", {}, "a"),
    ],
)
def test_conditionals(
    tmp_path: Path, expression: str, inputs: dict[str, Any], expected: Any
) -> None:
    assert local(tmp_path, expression, inputs) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),  # left to right
        ("var.count_of * 2 > 5 && !var.flag", False),
        ("var.count_of < 2 || var.count_of % 2 == 1", True),
        ("-var.count_of + 1", -2),
        ("var.flag && var.count_of == 3", True),
    ],
)
def test_operators_apply_hcl_precedence(tmp_path: Path, expression: str, expected: Any) -> None:
    assert local(tmp_path, expression) == expected


def test_for_expressions_make_lists_and_maps_with_conditions(tmp_path: Path) -> None:
    assert local(tmp_path, '[for n in var.names : "x-${n}" if n != "b"]') == ["x-a", "x-c"]
    assert local(tmp_path, "[for i, n in var.names : i]") == [0, 1, 2]
    assert local(tmp_path, "{for k, v in var.sizes : k => v * 2 if v > 1}") == {"large": 8}
    assert local(tmp_path, '{for n in var.names : n => "${var.name}/${n}"}') == {
        "a": "hello/a",
        "b": "hello/b",
        "c": "hello/c",
    }


def test_functions(tmp_path: Path) -> None:
    assert local(tmp_path, 'jsonencode({ name = var.name, ids = ["${var.count_of}"] })') == {
        "name": "hello",
        "ids": [3],
    }
    assert local(tmp_path, "merge(var.sizes, { small = 2 }, { tiny = 0 })") == {
        "small": 2,
        "large": 4,
        "tiny": 0,
    }
    assert local(tmp_path, 'concat(var.names, ["d"])') == ["a", "b", "c", "d"]
    assert local(tmp_path, 'toset(["b", "a", "b"])') == ["a", "b"]
    assert local(tmp_path, 'contains(keys(var.sizes), "large")') is True
    assert local(tmp_path, 'compact(["a", "", null, "b"])') == ["a", "b"]
    assert local(tmp_path, 'distinct(["b", "a", "b"])') == ["b", "a"]


def test_templatefile_renders_a_file_of_the_module_with_its_variables(tmp_path: Path) -> None:
    (tmp_path / "policy.tpl").write_text('{"name": "${name}", "size": ${size}}')
    rendered = local(
        tmp_path, 'templatefile("${path.module}/policy.tpl", { name = var.name, size = 4 })'
    )
    assert rendered == '{"name": "hello", "size": 4}'


RESOURCES = """
variable "zones" {
  type    = list(string)
  default = ["a", "b"]
}

resource "aws_subnet" "this" {
  count             = length(var.zones)
  availability_zone = var.zones[count.index]
  cidr_block        = "10.0.${count.index}.0/24"
}

resource "aws_s3_bucket" "named" {
  for_each = toset(["logs", "data"])
  bucket   = "hello-${each.key}"
}

resource "aws_s3_bucket_versioning" "named" {
  for_each = aws_s3_bucket.named
  bucket   = each.value.bucket
}

resource "aws_kms_key" "this" {
  description = "key"
}

resource "aws_sns_topic" "this" {
  name              = "topic-${aws_kms_key.this.description}"
  kms_master_key_id = aws_kms_key.this.arn
  display_name      = "${aws_kms_key.this.arn}/alerts"
  delivery_policy   = upper("x")
  policy            = aws_s3_bucket.named[*].arn
}
"""


def test_count_makes_one_instance_per_index(tmp_path: Path) -> None:
    subnets = module(tmp_path, RESOURCES).instances("aws_subnet")
    assert subnets == {
        0: {"count": 2, "availability_zone": "a", "cidr_block": "10.0.0.0/24"},
        1: {"count": 2, "availability_zone": "b", "cidr_block": "10.0.1.0/24"},
    }


def test_for_each_makes_one_instance_per_key_also_over_another_resource(tmp_path: Path) -> None:
    config = module(tmp_path, RESOURCES)
    buckets = config.instances("aws_s3_bucket", "named")
    assert {key: bucket["bucket"] for key, bucket in buckets.items()} == {
        "data": "hello-data",
        "logs": "hello-logs",
    }
    versioning = config.instances("aws_s3_bucket_versioning", "named")
    assert {key: v["bucket"] for key, v in versioning.items()} == {
        "data": "hello-data",
        "logs": "hello-logs",
    }


def test_what_only_aws_knows_stays_a_ref_naming_it(tmp_path: Path) -> None:
    topic = module(tmp_path, RESOURCES).resource("aws_sns_topic")
    assert topic["name"] == "topic-key"  # written in the module: resolved
    assert topic["kms_master_key_id"] == Ref("aws_kms_key.this.arn")
    assert isinstance(topic["kms_master_key_id"], Ref)
    assert topic["display_name"] == Ref("${aws_kms_key.this.arn}/alerts")
    assert isinstance(topic["delivery_policy"], Ref)  # a function it does not model
    assert isinstance(topic["policy"], Ref)  # a splat
    facts = {"aws_kms_key.this.arn": "arn:aws:kms:us-east-1:111111111111:key/k"}
    known = module(tmp_path, RESOURCES, facts=facts).resource("aws_sns_topic")
    assert known["display_name"] == "arn:aws:kms:us-east-1:111111111111:key/k/alerts"


def test_a_conditional_or_operation_on_an_unknown_value_stays_a_ref(tmp_path: Path) -> None:
    text = RESOURCES + 'locals {\n  pick = aws_kms_key.this.arn == "" ? 1 : 2\n}\n'
    assert isinstance(module(tmp_path, text).local("pick"), Ref)


DYNAMIC = """
variable "rules" {
  type    = map(number)
  default = { http = 80, https = 443 }
}

resource "aws_security_group" "this" {
  name = "web"

  dynamic "ingress" {
    for_each = var.rules
    iterator = rule
    content {
      description = rule.key
      from_port   = rule.value
    }
  }

  dynamic "egress" {
    for_each = aws_kms_key.none.arn
    content {
      from_port = 0
    }
  }
}
"""


def test_dynamic_blocks_expand_to_the_blocks_they_make(tmp_path: Path) -> None:
    group = module(tmp_path, DYNAMIC, expand_dynamic=True).resource("aws_security_group")
    assert block(group, "ingress") == [
        {"description": "http", "from_port": 80},
        {"description": "https", "from_port": 443},
    ]
    # One whose for_each is not known stays as written.
    assert [list(entry) for entry in group["dynamic"]] == [["egress"]]
    assert "ingress" not in module(tmp_path, DYNAMIC).resource("aws_security_group")


@pytest.mark.parametrize(
    ("expression", "inputs", "message"),
    [
        ("var.name", {"nmae": "typo"}, "inputs without a variable"),
        ("var.required", {}, "variable required has no input and no default"),
        ("var.sizes.medium", {}, "var.sizes.medium has no medium"),
    ],
)
def test_what_cannot_be_evaluated_raises_a_clear_error(
    tmp_path: Path, expression: str, inputs: dict[str, Any], message: str
) -> None:
    text = VARIABLES + 'variable "required" {\n  type = string\n}\n'
    with pytest.raises(KeyError, match=message):
        module(tmp_path, f"{text}\nlocals {{\n  value = {expression}\n}}\n", inputs).local("value")
