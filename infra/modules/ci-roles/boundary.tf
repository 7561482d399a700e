# Permissions boundary: the most any role the infra role manages can ever do.
#
# The infra role may create and change roles only with this boundary attached
# (iam:PermissionsBoundary), and nothing may change the boundary itself: a role it
# makes can pull the image and write the service's logs, never touch IAM.

data "aws_iam_policy_document" "boundary" {
  source_policy_documents = [data.aws_iam_policy_document.ecr_pull.json]

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  # Belt and braces: even a policy that allows IAM gets nothing through this boundary.
  statement {
    sid     = "DenyIam"
    effect  = "Deny"
    actions = ["iam:*"]
    # aws-api-requires-wildcard: a Deny of every IAM call on every resource, including the calls that have no resource-level permissions.
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permissions boundary of the roles the ${local.name} infra role manages: pull the image, write logs, no IAM"
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = var.tags
}
