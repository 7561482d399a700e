# Where the environment's alarms go: one SNS topic, `<name>-alerts`, encrypted with a
# customer-managed KMS key, with e-mail subscriptions. The key and its alias are the
# admin-applied ci-roles unit's (alerts_key.tf there): the infra role that applies this
# module creates, tags and changes no KMS key, so it cannot tag someone else's key into
# its scope (docs/decisions/0005-shared-account.md).
#
# Why a customer-managed key: CloudWatch publishes alarm notifications as the service
# principal cloudwatch.amazonaws.com, and to an encrypted topic it needs kms:Decrypt and
# kms:GenerateDataKey on the topic's key. The AWS-managed key (alias/aws/sns) has a
# policy nobody can change, so alarms publishing to a topic encrypted with it are
# dropped without an error. That key's policy (alerts-policies) grants CloudWatch exactly
# that, only for this environment's alarms (`<name>-*`) in this account.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The topic's name, which ci-roles grants the infra role, and the key's alias, which
# ci-roles creates.
module "names" {
  source = "../platform-names"

  name       = var.name
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition
}

locals {
  topic_name = module.names.alerts_topic_name
}

# --- policies -----------------------------------------------------------------------

module "policies" {
  source = "../alerts-policies"

  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  # Every alarm of this environment is named `<name>-...` (the ecs-service module's too).
  alarm_name_prefix = module.names.alarm_name_prefix
  # The ecs-service module's rules that notify of ECS calls a release never makes.
  event_rule_name_prefix = module.names.release_audit_rule_prefix
  topic_arn              = aws_sns_topic.this.arn
}

# --- key ----------------------------------------------------------------------------

# Created here before, now ci-roles' (docs/bootstrap.md says how an environment that has
# them moves them there): forgotten, never destroyed.
removed {
  from = aws_kms_key.this

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_kms_alias.this

  lifecycle {
    destroy = false
  }
}

# --- topic --------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = module.names.alerts_key_alias
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = module.policies.topic_policy
}

# Each address receives a confirmation mail from AWS; alerts reach it once confirmed.
resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.emails)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}
