# Unit template, included by <env>/ci-roles. A human admin applies this unit at
# bootstrap (docs/bootstrap.md), never the pipeline: the infra role it creates must not
# be able to change itself. `nox -s apply` excludes it.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = "${local.common.service}-${local.env.environment}"
}

terraform {
  source = "${local.common.modules_dir}//ci-roles"
}

inputs = {
  service               = local.common.service
  environment           = local.env.environment
  github_repository     = local.common.github_repository
  create_oidc_provider  = local.env.create_oidc_provider
  ecr_repository_arn    = local.common.image_repository_arn
  repository_in_account = local.common.image_home.account_id == local.env.account_id
  state_bucket          = local.env.state_bucket
}
