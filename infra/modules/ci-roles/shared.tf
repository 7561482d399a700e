# Statements more than one role needs, each said once: the roles' documents list these in
# source_policy_documents, which merges them into each role's policy.

# Pull the service's image: the release roles, and the task roles through the boundary.
data "aws_iam_policy_document" "ecr_pull" {
  statement {
    sid     = "EcrAuth"
    actions = ["ecr:GetAuthorizationToken"]
    # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
    resources = ["*"]
  }

  statement {
    sid = "PullImage"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
    ]
    resources = [var.ecr_repository_arn]
  }
}

# What the release tool reads of the repository (publish and deploy roles): the image, and
# its tags and the repository's address, to refuse a tag that already holds another image.
data "aws_iam_policy_document" "ecr_read" {
  source_policy_documents = [data.aws_iam_policy_document.ecr_pull.json]

  statement {
    sid       = "EcrDescribe"
    actions   = ["ecr:DescribeImages", "ecr:DescribeRepositories"]
    resources = [var.ecr_repository_arn]
  }
}

# A revision of the service's task definition (deploy and infra roles).
# RegisterTaskDefinition is authorised on the new revision's ARN, so only the service's
# family; the roles its revisions may name are the two task roles, for ECS tasks only.
data "aws_iam_policy_document" "register_task_definitions" {
  statement {
    sid       = "TaskDefinitionsRegister"
    actions   = ["ecs:RegisterTaskDefinition"]
    resources = [local.task_family_arn]
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = local.task_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}
