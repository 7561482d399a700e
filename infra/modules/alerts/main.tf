# Where the environment's alarms go: one SNS topic, `<name>-alerts`, encrypted with a
# customer-managed KMS key, with e-mail subscriptions.
#
# Why a customer-managed key: CloudWatch publishes alarm notifications as the service
# principal cloudwatch.amazonaws.com, and to an encrypted topic it needs kms:Decrypt and
# kms:GenerateDataKey on the topic's key. The AWS-managed key (alias/aws/sns) has a
# policy nobody can change, so alarms publishing to a topic encrypted with it are
# dropped without an error. This key's policy grants CloudWatch exactly that, only for
# this environment's alarms (`<name>-*`) in this account.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  topic_name = "${var.name}-alerts"
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Every alarm of this environment is named `<name>-...` (the ecs-service module's too).
  alarm_arn_pattern = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*"
}

# --- key ----------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  # checkov:skip=CKV_AWS_109:This is a key policy: its resource "*" is this key alone, and the account must keep managing its own key.
  # checkov:skip=CKV_AWS_111:This is a key policy: its resource "*" is this key alone; writes are limited to administering and using it.
  # checkov:skip=CKV_AWS_356:This is a key policy, where "*" means the key the policy is attached to; no other resource is reachable.
  statement {
    sid = "AccountAdministersAndUsesTheKey"
    # Explicit actions (no kms:*): administration, plus what publishing to the topic needs.
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:Decrypt",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:GenerateDataKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListGrants",
      "kms:ListKeyRotations",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    # aws-api-requires-wildcard: in a key policy "*" is the key the policy is attached to.
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid     = "CloudWatchAlarmsPublishToTheEncryptedTopic"
    actions = ["kms:Decrypt", "kms:GenerateDataKey"]
    # aws-api-requires-wildcard: in a key policy "*" is the key the policy is attached to.
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arn_pattern]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${local.topic_name} SNS topic; CloudWatch alarms of ${var.name} may use it"
  enable_key_rotation     = true
  deletion_window_in_days = var.key_deletion_window_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.topic_name}"
  target_key_id = aws_kms_key.this.key_id
}

# --- topic --------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arn_pattern]
    }
  }

  # The account's own principals keep the access their IAM policies give them; this
  # policy adds CloudWatch and refuses publishing over plain HTTP.
  statement {
    sid       = "DenyPublishWithoutTls"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# Each address receives a confirmation mail from AWS; alerts reach it once confirmed.
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}
