# Who may assume each GitHub Actions role: a token of GitHub's OIDC provider for STS whose
# subject (`sub`) is exactly the workflow file, ref and environment that needs the role,
# as the repository's subject template (repo, context, job_workflow_ref) builds it.

locals {
  repo_subject = "repo:${var.github_repository}"
  workflows    = "${var.github_repository}/.github/workflows"
  aud          = { "${local.oidc_host}:aud" = "sts.amazonaws.com" }
  sub          = "${local.oidc_host}:sub"

  # Role -> its trust statements: the Sid and the condition on the audience and `sub`.
  github_trusts = {
    publish = [{
      Sid = "PushJobOfDeployWorkflowOnMain"
      Condition = { StringEquals = merge(local.aud, {
        (local.sub) = "${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main"
      }) }
    }]
    deploy = [{
      Sid = "ReleaseWorkflowsOnMain"
      Condition = { StringEquals = merge(local.aud, {
        (local.sub) = [
          "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main",
          "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/release.yml@refs/heads/main",
        ]
      }) }
    }]
    infra = [{
      Sid = "InfraWorkflowOnMain"
      Condition = { StringEquals = merge(local.aud, {
        (local.sub) = "${local.repo_subject}:environment:${var.environment}-infra:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"
      }) }
    }]
    plan = [
      # The job on main that saves the plan prod-infra applies (no environment).
      {
        Sid = "InfraWorkflowOnMain"
        Condition = { StringEquals = merge(local.aud, {
          (local.sub) = "${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"
        }) }
      },
      # Pull requests of this repository (GitHub gives pull requests from forks no token);
      # the wildcard stands for the pull request number only.
      {
        Sid = "InfraWorkflowInPullRequests"
        Condition = {
          StringEquals = local.aud
          StringLike   = { (local.sub) = "${local.repo_subject}:pull_request:job_workflow_ref:${local.workflows}/infra.yml@refs/pull/*/merge" }
        }
      },
    ]
  }

  github_trust = {
    for role, statements in local.github_trusts : role => jsonencode({
      Version = "2012-10-17"
      Statement = [for statement in statements : merge(statement, {
        Effect    = "Allow"
        Action    = "sts:AssumeRoleWithWebIdentity"
        Principal = { Federated = var.oidc_provider_arn }
      })]
    })
  }
}
