# release-reader (dev): what prod's deploy role may read of dev when promoting. The deploy
# role reads its own service the same way (deploy.tf).

data "aws_iam_policy_document" "release_reader_trust" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    # The account as principal plus the exact role in a condition: IAM refuses a trust
    # policy naming a role that does not exist yet, and this one may be applied first.
    principals {
      type        = "AWS"
      identifiers = distinct([for arn in var.release_reader_trusted_role_arns : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"])
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = var.release_reader_trusted_role_arns
    }
  }
}

data "aws_iam_policy_document" "release_reader" {
  statement {
    sid       = "ServiceRead"
    actions   = ["ecs:DescribeServices"]
    resources = [local.service_arn]
  }

  statement {
    sid     = "TaskDefinitionsRead"
    actions = ["ecs:DescribeTaskDefinition"]
    # aws-api-requires-wildcard: DescribeTaskDefinition has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    # The release tool reads the revision=<sha> tag with DescribeTaskDefinition(include=TAGS).
    sid       = "TaskDefinitionTagsRead"
    actions   = ["ecs:ListTagsForResource"]
    resources = [local.task_family_arn]
  }

  # Deployment alarms: the release tool names the alarm that rolled a release back, and
  # promotion requires every one of them to be OK.
  statement {
    sid       = "AlarmsRead"
    actions   = ["cloudwatch:DescribeAlarms"]
    resources = [local.service_alarms_arn]
  }
}

resource "aws_iam_role" "release_reader" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  name                 = "${local.name}-release-reader"
  description          = "Read-only view of ${local.name}'s service for promotions from another account"
  assume_role_policy   = data.aws_iam_policy_document.release_reader_trust[0].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "release_reader" {
  count = length(var.release_reader_trusted_role_arns) > 0 ? 1 : 0

  name   = "read-service"
  role   = aws_iam_role.release_reader[0].id
  policy = data.aws_iam_policy_document.release_reader.json
}
