# Unit template, included by prod/github-repo only: the repository's own settings
# (environments, the ruleset on main, the OIDC subject, Actions variables). A repository
# admin applies it at bootstrap with their GITHUB_TOKEN (docs/bootstrap.md), never the
# pipeline: nothing the workflows can do may loosen what guards them. `nox -s plan` and
# `nox -s apply` exclude it. Its state lives in the prod account, like prod's units.
locals {
  common     = read_terragrunt_config(find_in_parent_folders("common.hcl")).locals
  dev        = local.common.environments.dev
  prod       = local.common.environments.prod
  owner      = split("/", local.common.github_repository)[0]
  repository = split("/", local.common.github_repository)[1]

  # Role ARNs without their kind: the ci-roles module names its roles
  # hello-<env>-<kind> (deploy, infra, plan, ...) in each environment's account.
  role = {
    for env, values in local.common.environments :
    env => "arn:aws:iam::${values.account_id}:role/${local.common.resource_names[env]}"
  }
  separate = local.dev.account_id != local.prod.account_id

  # The checks main requires: the job names of .github/workflows/ci.yml, reported by
  # GitHub Actions (infra/tests compares the two lists).
  required_checks = ["lint", "tests", "smoke", "infra", "workflows"]
}

terraform {
  source = "${local.common.modules_dir}//github-repo"
}

# The token is the GITHUB_TOKEN environment variable of whoever applies (a repository
# admin); it is never written in code or state.
generate "github_provider" {
  path      = "provider_github.tf"
  if_exists = "overwrite_terragrunt"
  contents  = <<-EOT
    provider "github" {
      owner = "${local.owner}"
    }
  EOT
}

inputs = {
  repository        = local.repository
  deployment_branch = "main"
  required_checks   = local.required_checks

  environments = {
    # deploy.yml's attest job: no variables and no role trusts it; being in an environment
    # keeps its OIDC token out of the publish role's subject (a job without environment).
    attest = {}
    # HELLO_STATE_BUCKET: where the environment lock lives (docs/runbooks/stale-lock.md).
    dev = {
      variables = {
        AWS_REGION         = local.dev.aws_region
        AWS_ROLE_ARN       = "${local.role.dev}-deploy"
        HELLO_STATE_BUCKET = local.dev.state_bucket
      }
    }
    dev-infra = {
      variables = {
        AWS_REGION         = local.dev.aws_region
        AWS_ROLE_ARN       = "${local.role.dev}-infra"
        HELLO_STATE_BUCKET = local.dev.state_bucket
      }
    }
    prod = {
      reviewers = local.common.prod_reviewers
      # Promotion reads dev from prod: the build repository's registry and, across
      # accounts, dev's release-reader role (unset when both are one account).
      variables = merge(
        {
          AWS_REGION            = local.prod.aws_region
          AWS_ROLE_ARN          = "${local.role.prod}-deploy"
          HELLO_STATE_BUCKET    = local.prod.state_bucket
          HELLO_ECR_REGISTRY_ID = local.common.build_repository.account_id
        },
        local.separate ? { HELLO_DEV_ROLE_ARN = "${local.role.dev}-release-reader" } : {},
      )
    }
    prod-infra = {
      reviewers = local.common.prod_reviewers
      variables = {
        AWS_REGION         = local.prod.aws_region
        AWS_ROLE_ARN       = "${local.role.prod}-infra"
        HELLO_STATE_BUCKET = local.prod.state_bucket
      }
    }
  }

  # Read by jobs that run in no environment: the image push on main (in the account and
  # region of the build repository) and the pull-request plans.
  repository_variables = {
    AWS_REGION             = local.common.build_repository.region
    AWS_PUBLISH_ROLE_ARN   = "${local.role.dev}-publish"
    AWS_PLAN_ROLE_ARN_DEV  = "${local.role.dev}-plan"
    AWS_PLAN_ROLE_ARN_PROD = "${local.role.prod}-plan"
  }
}
