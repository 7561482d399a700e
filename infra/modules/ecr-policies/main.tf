# An image repository's policies: which other accounts may read it (repository policy),
# and which images expire (lifecycle policy).

locals {
  pull_accounts = [for id in var.pull_account_ids : "arn:${var.partition}:iam::${id}:root"]

  # Read only: the other account's release copies the image into its own repository.
  repository_statements = [{
    Sid       = "CrossAccountPull"
    Effect    = "Allow"
    Principal = { AWS = local.pull_accounts }
    Action = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
    ]
  }]

  # No rule selects by tag, so no tag anyone writes can steer what expires. Amazon ECR
  # User Guide, "Lifecycle policy properties" (rulePriority): "A rule with a tagStatus
  # value of any must have the highest value for rulePriority and be evaluated last."
  lifecycle_rules = concat(
    var.untagged_expiry_days == null ? [] : [{
      description = "Drop untagged images (interrupted pushes) after ${var.untagged_expiry_days} days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = var.untagged_expiry_days
      }
    }],
    [{
      description = "Keep the newest ${var.keep_images} images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.keep_images
      }
    }],
  )
}
