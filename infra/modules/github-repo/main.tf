locals {
  # The app ID of GitHub Actions: a required check counts only when GitHub Actions
  # reports it, never a commit status that anyone with write access can post under the
  # same name.
  github_actions_app_id = 15368

  # Every Actions token's `sub` becomes repo:<owner>/<repo>:<context>:job_workflow_ref:
  # <owner>/<repo>/.github/workflows/<file>@<ref>, where <context> is the environment,
  # the ref (a job without environment) or pull_request. The ci-roles trust policies
  # match these subjects, so a role names the workflow file and ref it trusts.
  oidc_subject_claim_keys = ["repo", "context", "job_workflow_ref"]

  reviewed = { for name, environment in var.environments : name => environment.reviewers != null }
  reviewer_users = toset(flatten([
    for environment in var.environments : environment.reviewers.users if environment.reviewers != null
  ]))
  reviewer_teams = toset(flatten([
    for environment in var.environments : environment.reviewers.teams if environment.reviewers != null
  ]))

  environment_variables = merge([
    for environment_name, environment in var.environments : {
      for name, value in environment.variables : "${environment_name}/${name}" => {
        environment = environment_name
        name        = name
        value       = value
      }
    }
  ]...)
}

# Reviewers are named by login and team slug in the configuration; GitHub wants IDs.
data "github_user" "reviewer" {
  for_each = local.reviewer_users

  username = each.value
}

data "github_team" "reviewer" {
  for_each = local.reviewer_teams

  slug = each.value
}

resource "github_repository_environment" "this" {
  for_each = var.environments

  repository  = var.repository
  environment = each.key

  # Nobody, repository admins included, deploys around the rules below.
  can_admins_bypass = false
  # Whoever started the run cannot approve it: a second person sees every prod change.
  prevent_self_review = local.reviewed[each.key]

  dynamic "reviewers" {
    for_each = local.reviewed[each.key] ? [each.value.reviewers] : []

    content {
      users = [for login in reviewers.value.users : data.github_user.reviewer[login].id]
      teams = [for slug in reviewers.value.teams : data.github_team.reviewer[slug].id]
    }
  }

  # Deployable from the branches the policies below name, and from nothing else.
  deployment_branch_policy {
    protected_branches     = false
    custom_branch_policies = true
  }
}

resource "github_repository_environment_deployment_policy" "this" {
  for_each = github_repository_environment.this

  repository     = var.repository
  environment    = each.value.environment
  branch_pattern = var.deployment_branch
}

resource "github_repository_ruleset" "this" {
  name        = var.deployment_branch
  repository  = var.repository
  target      = "branch"
  enforcement = "active"

  # No bypass_actors: the rules bind admins too.

  conditions {
    ref_name {
      include = ["refs/heads/${var.deployment_branch}"]
      exclude = []
    }
  }

  rules {
    deletion         = true
    non_fast_forward = true

    pull_request {
      required_approving_review_count   = var.required_approvals
      dismiss_stale_reviews_on_push     = true
      require_last_push_approval        = true
      required_review_thread_resolution = true
      # CODEOWNERS names who must approve changes to the workflows, infra and tools.
      require_code_owner_review = true
    }

    required_status_checks {
      strict_required_status_checks_policy = true

      dynamic "required_check" {
        for_each = toset(var.required_checks)

        content {
          context        = required_check.value
          integration_id = local.github_actions_app_id
        }
      }
    }
  }
}

resource "github_actions_repository_oidc_subject_claim_customization_template" "this" {
  repository         = var.repository
  use_default        = false
  include_claim_keys = local.oidc_subject_claim_keys
}

resource "github_actions_variable" "this" {
  for_each = var.repository_variables

  repository    = var.repository
  variable_name = each.key
  value         = each.value
}

resource "github_actions_environment_variable" "this" {
  for_each = local.environment_variables

  repository    = var.repository
  environment   = github_repository_environment.this[each.value.environment].environment
  variable_name = each.value.name
  value         = each.value.value
}
