# Where the environment's alarms go: one SNS topic, `<name>-alerts`, encrypted with a
# customer-managed KMS key, with e-mail subscriptions.
#
# Why a customer-managed key: CloudWatch publishes alarm notifications as the service
# principal cloudwatch.amazonaws.com, and to an encrypted topic it needs kms:Decrypt and
# kms:GenerateDataKey on the topic's key. The AWS-managed key (alias/aws/sns) has a
# policy nobody can change, so alarms publishing to a topic encrypted with it are
# dropped without an error. This key's policy (alerts-policies) grants CloudWatch exactly
# that, only for this environment's alarms (`<name>-*`) in this account.

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The topic's and the key alias's names, which ci-roles grants the infra role.
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
  alarm_name_prefix = "${var.name}-"
  # The ecs-service module's rules that notify of ECS calls a release never makes.
  event_rule_name_prefix = "${var.name}-release-audit-"
  topic_arn              = aws_sns_topic.this.arn
}

# --- key ----------------------------------------------------------------------------

resource "aws_kms_key" "this" {
  description             = "Encrypts the ${local.topic_name} SNS topic; CloudWatch alarms of ${var.name} may use it"
  enable_key_rotation     = true
  deletion_window_in_days = var.key_deletion_window_days
  policy                  = module.policies.key_policy
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = module.names.alerts_key_alias
  target_key_id = aws_kms_key.this.key_id
}

# --- topic --------------------------------------------------------------------------

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
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
