# Facts shared by every environment. Read with read_terragrunt_config by root.hcl and
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

  # The environments: the folders next to this file that hold an env.hcl, by folder name.
  environments = {
    for path in fileset(get_terragrunt_dir(), "*/env.hcl") :
    dirname(path) => read_terragrunt_config("${get_terragrunt_dir()}/${path}").locals
  }

  # What each environment's AWS resources are called: cluster, service, task family, ALB,
  # target group, log group /ecs/<name>, and the prefix of its roles, alarms and topic.
  resource_names = { for env in keys(local.environments) : env => "${local.service}-${env}" }

  # The image repository lives in the dev account only; prod pulls from it
  # (cross-account when prod has its own), so both derive its address from dev/env.hcl.
  image_home           = local.environments.dev
  image_repository_arn = "arn:aws:ecr:${local.image_home.aws_region}:${local.image_home.account_id}:repository/${local.service}"
  image_repository_url = "${local.image_home.account_id}.dkr.ecr.${local.image_home.aws_region}.amazonaws.com/${local.service}"

  # The commands for which a dependency that has no outputs yet (a fresh account, a new
  # unit) may stand in its mock_outputs: offline validation and pull-request plans. A plan
  # saved to be applied (`nox -s plan -- <env> --plan-dir DIR` sets PLAN_TO_APPLY) must hold
  # no mock value, so there Terragrunt fails naming the unit and the dependency instead.
  mock_outputs_commands = get_env("PLAN_TO_APPLY", "") == "" ? ["validate", "plan"] : ["validate"]

  # Image of the task family's first revision: the SHA of the first image pushed at
  # bootstrap (docs/bootstrap.md). Releases register every later revision from the
  # latest one, so this never has to follow releases.
  initial_image_tag = "0000000000000000000000000000000000000000"
}
