# The policies of the GitHub Actions roles of one environment account (infra/modules/ci-roles
# attaches them), computed without a provider: every fact an AWS data source would give is
# an input, and each document is built with jsonencode().
#
# One file a concern: trust.tf (who may assume each role), one file a role's own policy
# (publish.tf, deploy.tf, release_reader.tf, infra.tf with infra_edge.tf, infra_logs.tf
# and infra_alerts.tf), read.tf (the read policies of plans and applies), boundary.tf (the
# most a role the infra role makes can do), shared.tf (statements more than one document
# needs, said once and concatenated into each), outputs.tf (which role gets which
# document).
#
# Statements whose Resource is "*" carry an `aws-api-requires-wildcard:` comment naming
# the API that has no resource-level permissions; parliament (tools/iam_lint.py) reports a
# "*" on any action that has them.

module "names" {
  source = "../platform-names"

  name       = local.name
  account_id = var.account_id
  region     = var.region
  partition  = var.partition
}

locals {
  name       = "${var.service}-${var.environment}"
  account_id = var.account_id
  region     = var.region
  partition  = var.partition
  # Where the build repository is the environment's own (dev): the publish role exists
  # there, and no deploy role writes an image.
  publishes = var.repository_arn == var.build_repository_arn
  # The OIDC provider's host: the prefix of its token's claims (`<host>:sub`).
  oidc_host = split("oidc-provider/", var.oidc_provider_arn)[1]

  iam_prefix   = "arn:${local.partition}:iam::${local.account_id}"
  ecs_prefix   = "arn:${local.partition}:ecs:${local.region}:${local.account_id}"
  elb_prefix   = "arn:${local.partition}:elasticloadbalancing:${local.region}:${local.account_id}"
  ec2_prefix   = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"
  alarm_prefix = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm"

  # Names fixed by the ecs-service module (`<name>-execution`, `<name>-task`).
  task_role_arns = [
    "${local.iam_prefix}:role/${local.name}-execution",
    "${local.iam_prefix}:role/${local.name}-task",
  ]
  cluster_arn     = "${local.ecs_prefix}:cluster/${local.name}"
  service_arn     = "${local.ecs_prefix}:service/${local.name}/${local.name}"
  task_family_arn = "${local.ecs_prefix}:task-definition/${local.name}:*"
  # The cluster, the service and its task definitions.
  ecs_arns             = [local.cluster_arn, local.service_arn, local.task_family_arn]
  log_group_arn        = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${local.name}"
  scalable_targets_arn = "arn:${local.partition}:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*"
  service_alarms_arn   = "${local.alarm_prefix}:${local.name}-*"
  # The service's alarms, and those target tracking creates for its scaling policy.
  alarm_arns = [local.service_alarms_arn, "${local.alarm_prefix}:TargetTracking-service/${local.name}/*"]
  # The ecs-service module's EventBridge rules (release_audit.tf), on the default bus.
  event_rules_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.name}-*"

  # What the alb and alerts modules create, by the names they take from ../platform-names.
  access_logs_bucket_arn = module.names.access_logs_bucket_arn
  waf_log_group_arn      = module.names.waf_log_group_arn
  web_acl_arn            = module.names.web_acl_arn
  load_balancer_arn      = module.names.load_balancer_arn
  alerts_topic_arn       = module.names.alerts_topic_arn
  certificates_arn       = "arn:${local.partition}:acm:${local.region}:${local.account_id}:certificate/*"
  # The service's log group and the web ACL's, each with its log streams.
  log_group_arns = ["${local.log_group_arn}*", "${local.waf_log_group_arn}*"]
  # The environment's public name, when it has one: its certificate and DNS records.
  domains = compact([var.domain_name])

  # State keys are `<env>/<unit>/tofu.tfstate` (infra/live/root.hcl); the bucket may be
  # shared by both environments when they share an account.
  state_bucket_arn = "arn:${local.partition}:s3:::${var.state_bucket}"
  state_prefix     = "${var.environment}/"
  state_keys_arn   = "${local.state_bucket_arn}/${local.state_prefix}*"
  # The units an administrator applies (docs/bootstrap.md): no CI role reads or writes
  # their state, which holds the CI roles' own settings and the repository's.
  admin_state_keys_arns = [for unit in ["ci-roles", "github-repo"] : "${local.state_bucket_arn}/${local.state_prefix}${unit}/*"]

  # The tags the provider's default_tags put on everything the project creates: in a
  # request (a new resource), and on an existing resource.
  project_tags  = { service = var.service, environment = var.environment }
  request_tags  = { for key, value in local.project_tags : "aws:RequestTag/${key}" => value }
  resource_tags = { for key, value in local.project_tags : "aws:ResourceTag/${key}" => value }

  boundary_arn = "${local.iam_prefix}:policy/${local.name}-boundary"
  # The CI roles and their OIDC provider: nothing these documents allow may change them.
  ci_identity_arns = concat(
    [var.oidc_provider_arn],
    [for role in ["deploy", "infra", "plan", "publish", "release-reader"] : "${local.iam_prefix}:role/${local.name}-${role}"],
  )
  # Dev's alarms (`<service>-dev-*`) when prod promotes from a service in the same account.
  promote_from_alarms = var.promote_from_service_arn == null ? [] : ["${local.alarm_prefix}:${split("/", var.promote_from_service_arn)[2]}-*"]
}
