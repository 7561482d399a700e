# release-reader (dev): what prod's deploy role may read of dev when promoting. The deploy
# role reads its own service the same way (deploy.tf).

locals {
  # The account as principal plus the exact role in a condition: IAM refuses a trust
  # policy naming a role that does not exist yet, and this one may be applied first.
  release_reader_trust = [{
    Effect    = "Allow"
    Action    = "sts:AssumeRole"
    Principal = { AWS = distinct([for arn in var.release_reader_trusted_role_arns : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"]) }
    Condition = { ArnEquals = { "aws:PrincipalArn" = var.release_reader_trusted_role_arns } }
  }]

  release_reader = [
    {
      Sid      = "ServiceRead"
      Effect   = "Allow"
      Action   = "ecs:DescribeServices"
      Resource = local.service_arn
    },
    {
      Sid    = "TaskDefinitionsRead"
      Effect = "Allow"
      Action = "ecs:DescribeTaskDefinition"
      # aws-api-requires-wildcard: DescribeTaskDefinition has no resource-level permissions.
      Resource = "*"
    },
    # The release tool reads the revision=<sha> tag with DescribeTaskDefinition(include=TAGS).
    {
      Sid      = "TaskDefinitionTagsRead"
      Effect   = "Allow"
      Action   = "ecs:ListTagsForResource"
      Resource = local.task_family_arn
    },
    # Deployment alarms: the release tool names the alarm that rolled a release back, and
    # promotion requires every one of them to be OK.
    {
      Sid      = "AlarmsRead"
      Effect   = "Allow"
      Action   = "cloudwatch:DescribeAlarms"
      Resource = local.service_alarms_arn
    },
  ]
}
