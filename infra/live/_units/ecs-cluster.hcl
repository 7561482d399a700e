# Unit template, included by <env>/ecs-cluster.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = local.common.resource_names[local.env.environment]
}

terraform {
  source = "${local.common.modules_dir}//ecs-cluster"
}

inputs = {
  name = local.name
}
