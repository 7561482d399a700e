# Unit template, included by dev/ecr only: the image repository lives in the dev account.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  prod   = local.common.environments.prod
}

terraform {
  source = "${local.common.modules_dir}//ecr"
}

inputs = {
  name             = local.common.service
  pull_account_ids = local.env.image_pull_account_ids

  # Prod's deploy role tags what it released (`prod-<sha>`) here when prod is another account.
  release_tag_role_arns = local.prod.account_id != local.env.account_id ? ["arn:aws:iam::${local.prod.account_id}:role/${local.common.resource_names.prod}-deploy"] : []

  keep_prod_releases = local.env.ecr_keep_prod_releases
  keep_dev_releases  = local.env.ecr_keep_dev_releases
  keep_builds        = local.env.ecr_keep_builds
}
