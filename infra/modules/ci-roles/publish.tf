# publish (dev): push the build's image, nothing else.

data "aws_iam_policy_document" "publish" {
  source_policy_documents = [data.aws_iam_policy_document.ecr_read.json]

  # The image and its attestations.
  statement {
    sid = "EcrPush"
    actions = [
      "ecr:CompleteLayerUpload",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }
}

resource "aws_iam_role" "publish" {
  count = var.repository_in_account ? 1 : 0

  name                 = "${local.name}-publish"
  description          = "GitHub Actions: the build job of deploy.yml on main pushes the image"
  assume_role_policy   = data.aws_iam_policy_document.trust["publish"].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "publish" {
  count = var.repository_in_account ? 1 : 0

  name   = "push-image"
  role   = aws_iam_role.publish[0].id
  policy = data.aws_iam_policy_document.publish.json
}
