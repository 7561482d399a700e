# Unit template, included by <env>/network: the VPC and subnets the environment runs in.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  name   = local.common.resource_names[local.env.environment]
}

terraform {
  source = "${local.common.modules_dir}//network"
}

inputs = {
  name                 = local.name
  vpc_id               = local.env.vpc_id
  subnet_ids           = local.env.subnet_ids
  public_subnet_ids    = local.env.public_subnet_ids
  private_subnet_cidrs = local.env.private_subnet_cidrs
}
