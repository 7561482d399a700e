# The alerts topic's key policy and topic policy. CloudWatch publishes alarm
# notifications as the service principal cloudwatch.amazonaws.com, and to an encrypted
# topic it needs kms:Decrypt and kms:GenerateDataKey on the topic's key: both policies
# grant it exactly that, only for this environment's alarms in this account. EventBridge
# (events.amazonaws.com) gets the same for this environment's release-audit rules.

locals {
  alarm_arn_pattern = "arn:${var.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:${var.alarm_name_prefix}*"
  from_the_alarms = {
    StringEquals = { "aws:SourceAccount" = var.account_id }
    ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
  }
  # The release-audit rules (ecs-service's release_audit.tf), the only rules that notify.
  rule_arn_pattern = "arn:${var.partition}:events:${var.region}:${var.account_id}:rule/${var.event_rule_name_prefix}*"
  from_the_rules = {
    StringEquals = { "aws:SourceAccount" = var.account_id }
    ArnLike      = { "aws:SourceArn" = local.rule_arn_pattern }
  }

  # In a key policy "*" is the key the policy is attached to, nothing else.
  key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersAndUsesTheKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${var.partition}:iam::${var.account_id}:root" }
        # Explicit actions (no kms:*): administration, plus what publishing to the topic needs.
        Action = [
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
        Resource = "*"
      },
      {
        Sid       = "CloudWatchAlarmsPublishToTheEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = local.from_the_alarms
      },
      {
        Sid       = "EventBridgeRulesPublishToTheEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = local.from_the_rules
      },
    ]
  })

  # The account's own principals keep the access their IAM policies give them; this
  # policy adds CloudWatch and refuses publishing over plain HTTP.
  topic_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = var.topic_arn
        Condition = local.from_the_alarms
      },
      {
        Sid       = "EventBridgeRulesPublish"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = var.topic_arn
        Condition = local.from_the_rules
      },
      {
        Sid       = "DenyPublishWithoutTls"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "sns:Publish"
        Resource  = var.topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}
