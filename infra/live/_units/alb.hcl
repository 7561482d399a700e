# Unit template, included by <env>/alb.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = "${local.common.service}-${local.env.environment}"
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
  mock_outputs_allowed_terraform_commands = ["validate", "plan"]
}

inputs = {
  name                = local.name
  vpc_id              = dependency.network.outputs.vpc_id
  subnet_ids          = dependency.network.outputs.public_subnet_ids
  deletion_protection = local.env.deletion_protection
}
