# The documents of a service's two roles (the ecs-service module creates them): the
# execution role the ECS agent uses to pull the image and write the logs, and the task
# role of the application, which calls no AWS API and so has no policy at all.

locals {
  ecs_tasks_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      # Only tasks of this account: no confused deputy through another account's ECS.
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })

  execution = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "EcrAuth"
        Effect = "Allow"
        Action = "ecr:GetAuthorizationToken"
        # GetAuthorizationToken has no resource-level permissions.
        Resource = "*"
      },
      {
        Sid    = "PullImage"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ]
        Resource = var.ecr_repository_arn
      },
      {
        Sid      = "WriteLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${var.log_group_arn}:log-stream:*"
      },
    ]
  })
}
