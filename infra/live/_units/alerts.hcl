# Unit template, included by <env>/alerts: the topic every alarm of the environment notifies.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = local.common.resource_names[local.env.environment]
}

terraform {
  source = "${local.common.modules_dir}//alerts"
}

inputs = {
  name   = local.name
  emails = local.env.alert_emails
}
