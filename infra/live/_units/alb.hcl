# Unit template, included by <env>/alb.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = local.common.resource_names[local.env.environment]

  # prod serves HTTPS only. Terragrunt has no assert, so a failing conversion carries the
  # message: `terragrunt render` and `hcl validate --inputs` fail on it before any plan
  # (the module's own require_https precondition stops a plan too).
  require_https = local.env.environment == "prod"
  https_required_check = (
    local.require_https && local.env.domain_name == ""
    ? tobool("${local.name} serves HTTPS only: set domain_name and hosted_zone_id in ${local.env.environment}/env.hcl (docs/bootstrap.md)")
    : true
  )
}

terraform {
  source = "${local.common.modules_dir}//alb"
}

dependency "network" {
  config_path = "${get_terragrunt_dir()}/../network"

  mock_outputs = {
    vpc_id            = "vpc-00000000000000000"
    public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"]
  }
  mock_outputs_allowed_terraform_commands = local.common.mock_outputs_commands
}

inputs = {
  name                = local.name
  vpc_id              = dependency.network.outputs.vpc_id
  subnet_ids          = dependency.network.outputs.public_subnet_ids
  deletion_protection = local.env.deletion_protection

  # Without a domain (dev only) the service stays on plain HTTP; the unit's `https` output says so.
  domain_name    = local.env.domain_name
  hosted_zone_id = local.env.hosted_zone_id
  require_https  = local.require_https
  dualstack      = local.env.alb_dualstack

  ingress_cidr_blocks = local.env.ingress_cidr_blocks

  access_logs_expiration_days = local.env.access_logs_expiration_days
  waf_enabled                 = local.env.waf_enabled
  waf_rate_limit              = local.env.waf_rate_limit
  waf_log_retention_days      = local.env.log_retention_days
}
