# Statements more than one document needs, each said once and concatenated into each.

locals {
  ecr_auth = {
    Sid    = "EcrAuth"
    Effect = "Allow"
    Action = "ecr:GetAuthorizationToken"
    # aws-api-requires-wildcard: ecr:GetAuthorizationToken has no resource-level permissions.
    Resource = "*"
  }
  ecr_pull_actions = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

  # What the release tool reads of the build repository (publish and deploy roles): the
  # image, its tags and the repository's address, to resolve a SHA to its digest and
  # refuse a tag that already holds another image; prod's deploy role reads the image
  # to copy it. No GetAuthorizationToken: the release tool pulls no image with docker.
  build_repository_read = [{
    Sid      = "BuildRepositoryRead"
    Effect   = "Allow"
    Action   = concat(local.ecr_pull_actions, ["ecr:DescribeImages", "ecr:DescribeRepositories"])
    Resource = var.build_repository_arn
  }]

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
