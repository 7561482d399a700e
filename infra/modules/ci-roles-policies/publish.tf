# publish (dev): push the build's image to the build repository, nothing else.

locals {
  publish = concat([local.ecr_auth], local.build_repository_read, [
    # The image and its attestations.
    {
      Sid      = "EcrPush"
      Effect   = "Allow"
      Action   = ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"]
      Resource = var.build_repository_arn
    },
  ])
}
