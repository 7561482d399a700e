# Unit template, included by <env>/ecr: the environment's image repository
# (common.hcl `image_repositories`), applied in its own account by its own infra role.
# Dev's is the build repository, which other accounts read; every other environment's
# holds only the images its releases copied in by digest, untagged.
locals {
  common     = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env        = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals
  repository = local.common.image_repositories[local.env.environment]
  is_build   = local.env.environment == local.common.build_environment
}

terraform {
  source = "${local.common.modules_dir}//ecr"
}

inputs = {
  name = local.repository.name

  # The other environments' accounts copy from the build repository.
  pull_account_ids = local.is_build ? distinct([
    for env, values in local.common.environments : values.account_id if values.account_id != local.env.account_id
  ]) : []

  keep_images = local.env.ecr_keep_images
  # Interrupted pushes leave untagged images in the build repository only; elsewhere every
  # image is untagged, and an age rule would expire them all.
  untagged_expiry_days = local.is_build ? 7 : null
}
