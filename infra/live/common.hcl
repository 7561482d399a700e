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

  # Image repositories. The build repository (`<service>`, in dev's account and region)
  # holds every image as built, tagged with its git SHA; dev runs from it. Every other
  # environment runs from its own repository (`<resource name>`, in its own account and
  # region), into which its release copies the image by digest, so nothing dev applies
  # or deploys can expire or change what it runs (infra/modules/ecr/README.md).
  build_environment = "dev"
  image_repository_names = {
    for env in keys(local.environments) : env => env == local.build_environment ? local.service : local.resource_names[env]
  }
  image_repositories = {
    for env, name in local.image_repository_names : env => {
      account_id = local.environments[env].account_id
      region     = local.environments[env].aws_region
      name       = name
      arn        = "arn:aws:ecr:${local.environments[env].aws_region}:${local.environments[env].account_id}:repository/${name}"
      url        = "${local.environments[env].account_id}.dkr.ecr.${local.environments[env].aws_region}.amazonaws.com/${name}"
    }
  }
  build_repository = local.image_repositories[local.build_environment]

  # The commands for which a dependency that has no outputs yet (a fresh account, a new
  # unit) may stand in its mock_outputs: offline validation and pull-request plans. A plan
  # saved to be applied (`nox -s plan -- <env> --plan-dir DIR` sets PLAN_TO_APPLY) must hold
  # no mock value, so there Terragrunt fails naming the unit and the dependency instead.
  mock_outputs_commands = get_env("PLAN_TO_APPLY", "") == "" ? ["validate", "plan"] : ["validate"]

  # Digest of the first image published at bootstrap (docs/bootstrap.md): each
  # environment's first revision runs it from its own repository, by digest. Releases
  # register every later revision from the latest one, so this never has to follow them.
  initial_image_digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
}
