# infra (alerts): the alerts module's KMS key and alias, its topic and subscriptions.
# Part of the infra role's policy (infra.tf).

data "aws_iam_policy_document" "infra_alerts" {
  # Keys have IDs, not names: the alerts key is the project's by its tags, set when it
  # is created (the provider tags it in CreateKey, which needs TagResource on every key).
  statement {
    sid     = "AlertsKeyCreate"
    actions = ["kms:CreateKey"]
    # aws-api-requires-wildcard: CreateKey has no key ARN before the key exists; the request tag conditions scope it.
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/environment"
      values   = [var.environment]
    }
  }

  statement {
    sid       = "AlertsKeyTagOnCreate"
    actions   = ["kms:TagResource"]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/environment"
      values   = [var.environment]
    }

    # Never onto a key another environment or project has tagged.
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:ResourceTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:ResourceTag/environment"
      values   = [var.environment]
    }
  }

  statement {
    sid = "AlertsKeyOfTheEnvironment"
    actions = [
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:EnableKeyRotation",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    resources = [local.kms_keys_arn]

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/service"
      values   = [var.service]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/environment"
      values   = [var.environment]
    }
  }

  # An alias call is authorised on the alias and on its key (AlertsKeyOfTheEnvironment).
  statement {
    sid       = "AlertsKeyAlias"
    actions   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
    resources = [local.alerts_alias_arn]
  }

  statement {
    sid = "AlertsTopic"
    actions = [
      "sns:CreateTopic",
      "sns:DeleteTopic",
      "sns:SetTopicAttributes",
      "sns:TagResource",
      "sns:UntagResource",
    ]
    resources = [local.alerts_topic_arn]
  }

  # Alerts go out by e-mail only.
  statement {
    sid       = "AlertsTopicSubscribe"
    actions   = ["sns:Subscribe"]
    resources = [local.alerts_topic_arn]

    condition {
      test     = "StringEquals"
      variable = "sns:Protocol"
      values   = ["email"]
    }
  }

  statement {
    sid     = "AlertsTopicUnsubscribe"
    actions = ["sns:Unsubscribe"]
    # aws-api-requires-wildcard: sns:Unsubscribe has no resource-level permissions.
    resources = ["*"]
  }
}
