# GitHub Actions roles for one environment account. A human admin applies this unit
# at bootstrap (docs/bootstrap.md); the infra role cannot change these roles.
#
# Each role trusts exactly the workflow file, ref and environment that needs it, through
# the repository's OIDC subject template (repo, context, job_workflow_ref):
#   hello-dev-publish   deploy.yml on main, job without environment (the build job)    ECR push
#   hello-<env>-deploy  deploy.yml and release.yml on main, environment <env>           releases
#   hello-<env>-infra   infra.yml on main, environment <env>-infra                      terragrunt apply
#   hello-<env>-plan    infra.yml in pull requests, and on main without environment     read-only plans
#   hello-dev-release-reader  prod's deploy role, when prod is another account: reads dev's service
#
# One file a concern: trust.tf (who may assume each role), one file a role (publish.tf,
# deploy.tf, release_reader.tf, infra.tf with infra_edge.tf and infra_alerts.tf, plan.tf),
# read.tf (the read policy of plans and applies), boundary.tf (the most a role the infra
# role makes can do), and shared.tf (statements more than one role needs, said once and
# merged into their policies with source_policy_documents).
#
# Statements whose Resource is "*" carry an `aws-api-requires-wildcard:` comment naming
# the API that has no resource-level permissions; infra/tests checks that.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  github_oidc_url = "token.actions.githubusercontent.com"
  account_id      = data.aws_caller_identity.current.account_id
  region          = data.aws_region.current.region
  partition       = data.aws_partition.current.partition
  name            = "${var.service}-${var.environment}"
  oidc_arn        = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

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

  # Names fixed by the alb module (access_logs.tf, waf.tf) and the alerts module.
  access_logs_bucket_arn = "arn:${local.partition}:s3:::${local.name}-alb-logs-${local.account_id}"
  waf_log_group_arn      = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:aws-waf-logs-${local.name}"
  web_acl_arn            = "arn:${local.partition}:wafv2:${local.region}:${local.account_id}:regional/webacl/${local.name}/*"
  load_balancer_arn      = "${local.elb_prefix}:loadbalancer/app/${local.name}/*"
  alerts_topic_arn       = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.name}-alerts"
  alerts_alias_arn       = "arn:${local.partition}:kms:${local.region}:${local.account_id}:alias/${local.name}-alerts"
  kms_keys_arn           = "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"
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

  boundary_name = "${local.name}-boundary"
  boundary_arn  = "${local.iam_prefix}:policy/${local.boundary_name}"
  # The CI roles and their OIDC provider: no role this module creates may change them.
  ci_identity_arns = [
    "${local.iam_prefix}:oidc-provider/${local.github_oidc_url}",
    "${local.iam_prefix}:role/${local.name}-deploy",
    "${local.iam_prefix}:role/${local.name}-infra",
    "${local.iam_prefix}:role/${local.name}-plan",
    "${local.iam_prefix}:role/${local.name}-publish",
    "${local.iam_prefix}:role/${local.name}-release-reader",
  ]
  # Dev's alarms (`<service>-dev-*`) when prod promotes from a service in the same account.
  promote_from_alarms = var.promote_from_service_arn == null ? [] : ["${local.alarm_prefix}:${split("/", var.promote_from_service_arn)[2]}-*"]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_oidc_url}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 0 : 1

  url = "https://${local.github_oidc_url}"
}
