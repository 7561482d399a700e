# publish (dev): push the build's image, nothing else.

locals {
  publish = concat(local.ecr_read, [
    # The image and its attestations.
    {
      Sid      = "EcrPush"
      Effect   = "Allow"
      Action   = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
      Resource = var.ecr_repository_arn
    },
  ])
}
