# Unit template, included by <env>/ci-roles. A human admin applies this unit at
# bootstrap (docs/bootstrap.md), never the pipeline: the infra role it creates must not
# be able to change itself. `nox -s apply` excludes it.
locals {
  common = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  env    = read_terragrunt_config(find_in_parent_folders("env.hcl")).locals

  # Promotion dev -> prod: prod's deploy role reads dev's service, through dev's
  # release-reader role when the accounts differ.
  dev      = local.common.environments.dev
  prod     = local.common.environments.prod
  separate = local.dev.account_id != local.prod.account_id
  is_prod  = local.env.environment == "prod"
  names    = local.common.resource_names
}

terraform {
  source = "${local.common.modules_dir}//ci-roles"
}

inputs = {
  service              = local.common.service
  environment          = local.env.environment
  github_repository    = local.common.github_repository
  create_oidc_provider = local.env.create_oidc_provider
  build_repository_arn = local.common.build_repository.arn
  repository_arn       = local.common.image_repositories[local.env.environment].arn
  state_bucket         = local.env.state_bucket

  # What the infra role may change at the edge: the domain's certificate and records in
  # its zone, and (without deletion protection) the access logs when the edge goes.
  domain_name         = local.env.domain_name
  hosted_zone_id      = local.env.hosted_zone_id
  deletion_protection = local.env.deletion_protection

  release_reader_trusted_role_arns = !local.is_prod && local.separate ? ["arn:aws:iam::${local.prod.account_id}:role/${local.names.prod}-deploy"] : []
  promote_from_role_arn            = local.is_prod && local.separate ? "arn:aws:iam::${local.dev.account_id}:role/${local.names.dev}-release-reader" : null
  promote_from_service_arn         = local.is_prod && !local.separate ? "arn:aws:ecs:${local.dev.aws_region}:${local.dev.account_id}:service/${local.names.dev}/${local.names.dev}" : null
}
