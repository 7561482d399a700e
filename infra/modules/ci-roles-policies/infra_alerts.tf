# infra (alerts): the alerts module's topic and subscriptions. A managed policy of the
# infra role (outputs.tf). No KMS write: the topic's key is ci-roles' (an admin applies
# it), because creating a key with tags needs kms:TagResource on every key of the
# account, and that lets an untagged key be tagged into the project's scope.

locals {
  infra_alerts = [
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
