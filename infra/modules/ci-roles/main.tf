# GitHub Actions roles of one environment account. A human admin applies this unit at
# bootstrap (docs/bootstrap.md); the infra role cannot change these roles.
#
# Each role trusts exactly the workflow file, ref and environment that needs it, through
# the repository's OIDC subject template (repo, context, job_workflow_ref):
#   <name>-publish         deploy.yml on main, job without environment (the push job)     ECR push
#   <name>-deploy          deploy.yml and release.yml on main, environment <env>           releases
#   <name>-infra           infra.yml on main, environment <env>-infra                      terragrunt apply
#   <name>-plan            infra.yml in pull requests, and on main without environment     read-only plans
#   <name>-release-reader  prod's deploy role, when prod is another account: reads dev's service
#
# Every policy document comes from ../ci-roles-policies (provider-free, tested with
# `tofu test`); this module creates the roles and attaches exactly what it outputs
# (policies.tf). It also creates what only an admin may (docs/decisions/0005-shared-account.md): the
# alerts topic's key (alerts_key.tf) and the domain's certificate (certificate.tf).

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  github_oidc_url = "token.actions.githubusercontent.com"
  name            = "${var.service}-${var.environment}"
  oidc_arn        = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn
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

module "policies" {
  source = "../ci-roles-policies"

  partition         = data.aws_partition.current.partition
  account_id        = data.aws_caller_identity.current.account_id
  region            = data.aws_region.current.region
  oidc_provider_arn = local.oidc_arn

  service                          = var.service
  environment                      = var.environment
  github_repository                = var.github_repository
  build_repository_arn             = var.build_repository_arn
  repository_arn                   = var.repository_arn
  release_reader_trusted_role_arns = var.release_reader_trusted_role_arns
  promote_from_role_arn            = var.promote_from_role_arn
  promote_from_service_arn         = var.promote_from_service_arn
  state_bucket                     = var.state_bucket
  domain_name                      = var.domain_name
  hosted_zone_id                   = var.hosted_zone_id
  deletion_protection              = var.deletion_protection
}
