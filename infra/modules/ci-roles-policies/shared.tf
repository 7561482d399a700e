# Statements more than one document needs, each said once and concatenated into each.

locals {
  # Pull the service's image: the release roles, and the task roles through the boundary.
  ecr_pull = [
    {
      Sid    = "EcrAuth"
      Effect = "Allow"
      Action = "ecr:GetAuthorizationToken"
      # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
      Resource = "*"
    },
    {
      Sid      = "PullImage"
      Effect   = "Allow"
      Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Resource = var.ecr_repository_arn
    },
  ]

  # What the release tool reads of the repository (publish and deploy roles): the image,
  # its tags and the repository's address, to refuse a tag that already holds another image.
  ecr_read = concat(local.ecr_pull, [{
    Sid      = "EcrDescribe"
    Effect   = "Allow"
    Action   = ["ecr:DescribeImages", "ecr:DescribeRepositories"]
    Resource = var.ecr_repository_arn
  }])

  # A revision of the service's task definition (deploy and infra roles).
  # RegisterTaskDefinition is authorised on the new revision's ARN, so only the service's
  # family; the roles its revisions may name are the two task roles, for ECS tasks only.
  # What condition keys can bind of a revision: Fargate only (so no host network, mounts
  # or devices), no privileged container. Its image, user, root filesystem and command
  # they cannot: the release-audit rules (ecs-service) notify of any image that is not
  # the repository by digest.
  register_task_definitions = [
    {
      Sid      = "TaskDefinitionsRegister"
      Effect   = "Allow"
      Action   = "ecs:RegisterTaskDefinition"
      Resource = local.task_family_arn
      Condition = {
        "ForAllValues:StringEquals" = { "ecs:compute-compatibility" = ["FARGATE"] }
        Null                        = { "ecs:compute-compatibility" = "false" }
        StringEqualsIfExists        = { "ecs:privileged" = "false" }
      }
    },
    {
      Sid       = "PassTaskRoles"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = local.task_role_arns
      Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
    },
  ]
}
