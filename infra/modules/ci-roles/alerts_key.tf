# The key of the environment's alerts topic (the alerts module names it by this alias).
# An admin applies it here, so the infra role needs no kms:CreateKey or kms:TagResource:
# tagging on create cannot be told apart from tagging someone else's untagged key into
# the project's scope (docs/decisions/0005-shared-account.md).

module "names" {
  source = "../platform-names"

  name       = local.name
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
}

module "alerts_policies" {
  source = "../alerts-policies"

  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  # Every alarm of this environment is named `<name>-...` (the ecs-service module's too).
  alarm_name_prefix      = module.names.alarm_name_prefix
  event_rule_name_prefix = module.names.release_audit_rule_prefix
  topic_arn              = module.names.alerts_topic_arn
}

resource "aws_kms_key" "alerts" {
  description             = "Encrypts the ${module.names.alerts_topic_name} SNS topic; CloudWatch alarms of ${local.name} may use it"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = module.alerts_policies.key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "alerts" {
  name          = module.names.alerts_key_alias
  target_key_id = aws_kms_key.alerts.key_id
}
