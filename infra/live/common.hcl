# Facts shared by both environments. Read with read_terragrunt_config by root.hcl and
# the unit templates in _units/; what differs per environment lives in <env>/env.hcl.
locals {
  service           = "hello"
  github_repository = "example-org/hello-platform"
  modules_dir       = "${get_terragrunt_dir()}/../modules"

  # Who may approve deployments to the prod and prod-infra environments: GitHub logins
  # and, in an organization, team slugs, one to six in all (docs/bootstrap.md).
  prod_reviewers = {
    users = ["example-reviewer"]
    teams = []
  }

  # The image repository lives in the dev account only; prod pulls from it
  # (cross-account when prod has its own), so both derive its address from dev/env.hcl.
  environments = {
    dev  = read_terragrunt_config("${get_terragrunt_dir()}/dev/env.hcl").locals
    prod = read_terragrunt_config("${get_terragrunt_dir()}/prod/env.hcl").locals
  }
  image_home           = local.environments.dev
  image_repository_arn = "arn:aws:ecr:${local.image_home.aws_region}:${local.image_home.account_id}:repository/${local.service}"
  image_repository_url = "${local.image_home.account_id}.dkr.ecr.${local.image_home.aws_region}.amazonaws.com/${local.service}"

  # Image of the task family's first revision: the SHA of the first image pushed at
  # bootstrap (docs/bootstrap.md). Releases register every later revision from the
  # latest one, so this never has to follow releases.
  initial_image_tag = "0000000000000000000000000000000000000000"
}
