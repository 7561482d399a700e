# infra (alerts): the alerts module's KMS key and alias, its topic and subscriptions.
# A managed policy of the infra role (outputs.tf).

locals {
  infra_alerts = [
    # Keys have IDs, not names: the alerts key is the project's by its tags, set when it
    # is created (the provider tags it in CreateKey, which needs TagResource on every key).
    {
      Sid    = "AlertsKeyCreate"
      Effect = "Allow"
      Action = "kms:CreateKey"
      # aws-api-requires-wildcard: CreateKey has no key ARN before the key exists; the request tag conditions scope it.
      Resource  = "*"
      Condition = { StringEquals = local.request_tags }
    },
    # Never onto a key another environment or project has tagged.
    {
      Sid       = "AlertsKeyTagOnCreate"
      Effect    = "Allow"
      Action    = "kms:TagResource"
      Resource  = local.kms_keys_arn
      Condition = { StringEquals = local.request_tags, StringEqualsIfExists = local.resource_tags }
    },
    {
      Sid    = "AlertsKeyOfTheEnvironment"
      Effect = "Allow"
      Action = [
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
      Resource  = local.kms_keys_arn
      Condition = { StringEquals = local.resource_tags }
    },
    # An alias call is authorised on the alias and on its key (AlertsKeyOfTheEnvironment).
    {
      Sid      = "AlertsKeyAlias"
      Effect   = "Allow"
      Action   = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
      Resource = local.alerts_alias_arn
    },
    {
      Sid      = "AlertsTopic"
      Effect   = "Allow"
      Action   = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource"]
      Resource = local.alerts_topic_arn
    },
    # Alerts go out by e-mail only.
    {
      Sid       = "AlertsTopicSubscribe"
      Effect    = "Allow"
      Action    = "sns:Subscribe"
      Resource  = local.alerts_topic_arn
      Condition = { StringEquals = { "sns:Protocol" = "email" } }
    },
    {
      Sid    = "AlertsTopicUnsubscribe"
      Effect = "Allow"
      Action = "sns:Unsubscribe"
      # aws-api-requires-wildcard: sns:Unsubscribe has no resource-level permissions.
      Resource = "*"
    },
  ]
}
