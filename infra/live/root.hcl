# Included by every unit: remote state and the generated provider.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
}

# Every init (Terragrunt's auto-init too) installs exactly what the unit's committed
# .terraform.lock.hcl pins, or fails: a provider release that is not in the lock, or a
# package whose checksum is not in it, never runs. infra/live/README.md says how to update.
terraform {
  extra_arguments "lockfile" {
    commands  = ["init"]
    arguments = ["-lockfile=readonly"]
  }
}

remote_state {
  backend = "s3"

  generate = {
    path      = "backend.tf"
    if_exists = "overwrite_terragrunt"
  }

  config = {
    bucket       = local.env.state_bucket
    key          = "${path_relative_to_include()}/tofu.tfstate"
    region       = local.env.aws_region
    encrypt      = true
    use_lockfile = true
  }
}

generate "provider" {
  path      = "provider.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "aws" {
      region              = "${local.env.aws_region}"
      allowed_account_ids = ["${local.env.account_id}"]

      default_tags {
        tags = {
          service     = "${local.common.service}"
          environment = "${local.env.environment}"
          repository  = "${local.common.github_repository}"
          managed-by  = "terragrunt"
        }
      }
    }
  EOT
}
