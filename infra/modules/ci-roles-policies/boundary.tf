# Permissions boundary: the most any role the infra role manages can ever do.
#
# The infra role may create and change roles only with this boundary attached
# (iam:PermissionsBoundary), and nothing may change the boundary itself: a role it
# makes can pull the image from the environment's own repository and write the
# service's logs, never touch IAM.

locals {
  boundary = [
    local.ecr_auth,
    {
      Sid      = "PullImage"
      Effect   = "Allow"
      Action   = local.ecr_pull_actions
      Resource = var.repository_arn
    },
    {
      Sid      = "WriteLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.log_group_arn}:log-stream:*"
    },
    # Belt and braces: even a policy that allows IAM gets nothing through this boundary.
    {
      Sid    = "DenyIam"
      Effect = "Deny"
      Action = "iam:*"
      # aws-api-requires-wildcard: a Deny of every IAM call on every resource, including the calls that have no resource-level permissions.
      Resource = "*"
    },
  ]
}
