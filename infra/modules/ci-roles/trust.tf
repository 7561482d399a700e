# Who may assume each GitHub Actions role: a token of GitHub's OIDC provider for STS whose
# subject (`sub`) is exactly the workflow file, ref and environment that needs the role,
# as the repository's subject template (repo, context, job_workflow_ref) builds it.

locals {
  repo_subject = "repo:${var.github_repository}"
  workflows    = "${var.github_repository}/.github/workflows"

  # Role -> its trust statements: Sid, the condition test on `sub`, the subjects.
  github_trusts = {
    publish = [{
      sid      = "BuildJobOfDeployWorkflowOnMain"
      test     = "StringEquals"
      subjects = ["${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main"]
    }]
    deploy = [{
      sid  = "ReleaseWorkflowsOnMain"
      test = "StringEquals"
      subjects = [
        "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/deploy.yml@refs/heads/main",
        "${local.repo_subject}:environment:${var.environment}:job_workflow_ref:${local.workflows}/release.yml@refs/heads/main",
      ]
    }]
    infra = [{
      sid      = "InfraWorkflowOnMain"
      test     = "StringEquals"
      subjects = ["${local.repo_subject}:environment:${var.environment}-infra:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"]
    }]
    plan = [
      # The job on main that saves the plan prod-infra applies (no environment).
      {
        sid      = "InfraWorkflowOnMain"
        test     = "StringEquals"
        subjects = ["${local.repo_subject}:ref:refs/heads/main:job_workflow_ref:${local.workflows}/infra.yml@refs/heads/main"]
      },
      # Pull requests of this repository (GitHub gives pull requests from forks no token);
      # the wildcard stands for the pull request number only.
      {
        sid      = "InfraWorkflowInPullRequests"
        test     = "StringLike"
        subjects = ["${local.repo_subject}:pull_request:job_workflow_ref:${local.workflows}/infra.yml@refs/pull/*/merge"]
      },
    ]
  }
}

data "aws_iam_policy_document" "trust" {
  for_each = local.github_trusts

  dynamic "statement" {
    for_each = each.value

    content {
      sid     = statement.value.sid
      actions = ["sts:AssumeRoleWithWebIdentity"]

      principals {
        type        = "Federated"
        identifiers = [local.oidc_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "${local.github_oidc_url}:aud"
        values   = ["sts.amazonaws.com"]
      }

      condition {
        test     = statement.value.test
        variable = "${local.github_oidc_url}:sub"
        values   = statement.value.subjects
      }
    }
  }
}
