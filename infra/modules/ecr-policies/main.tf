# The image repository's policies: who in other accounts may pull and tag (repository
# policy), and which images expire (lifecycle policy).

locals {
  pull_accounts = [for id in var.pull_account_ids : "arn:${var.partition}:iam::${id}:root"]

  repository_statements = concat(
    [{
      Sid       = "CrossAccountPull"
      Effect    = "Allow"
      Principal = { AWS = local.pull_accounts }
      # Pull, plus the describes a release in the other account uses to resolve a tag to its digest.
      Action = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:GetDownloadUrlForLayer",
      ]
    }],
    # A release in the other account tags the digest it deployed (`prod-<sha>`): PutImage
    # of the manifest it read with the pull grant above. Only the named roles, through the
    # account as principal: ECR refuses a policy naming a role that does not exist yet.
    length(var.release_tag_role_arns) == 0 ? [] : [{
      Sid       = "CrossAccountReleaseTag"
      Effect    = "Allow"
      Principal = { AWS = local.pull_accounts }
      Action    = "ecr:PutImage"
      Condition = { ArnEquals = { "aws:PrincipalArn" = var.release_tag_role_arns } }
    }],
  )

  # Tags: `<sha>` (the build), then `dev-<sha>` and `prod-<sha>`, which the release tool
  # adds after a rollout to that environment is stable. Rules apply in rulePriority order,
  # and the Amazon ECR User Guide's lifecycle policy evaluation rules
  # (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html) say:
  #   "An image that matches the tagging requirements of a higher priority rule cannot be
  #    expired by a rule with a lower priority."
  #   "Rules can never mark images that are marked by higher priority rules, but can still
  #    identify them as if they haven't been expired."
  # and ("Lifecycle policy properties", rulePriority): "A rule with a tagStatus value of
  # any must have the highest value for rulePriority and be evaluated last."
  # So the prod rule comes first: every prod release is also a dev release, and a dev rule
  # ahead of it would expire prod's rollback targets once dev has moved on. The last N
  # prod and M dev releases can then never be expired by the later rules (untagged
  # leftovers, builds never released), which also count them when counting images.
  lifecycle_rules = [
    {
      description = "Keep the last ${var.keep_prod_releases} prod releases (prod-<sha>): what prod runs and its rollback targets"
      selection = {
        tagStatus      = "tagged"
        tagPatternList = ["prod-*"]
        countType      = "imageCountMoreThan"
        countNumber    = var.keep_prod_releases
      }
    },
    {
      description = "Keep the last ${var.keep_dev_releases} dev releases (dev-<sha>): what dev runs and the next promotion candidates"
      selection = {
        tagStatus      = "tagged"
        tagPatternList = ["dev-*"]
        countType      = "imageCountMoreThan"
        countNumber    = var.keep_dev_releases
      }
    },
    {
      description = "Drop untagged images (interrupted pushes) after ${var.untagged_expiry_days} days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = var.untagged_expiry_days
      }
    },
    {
      description = "Expire builds never released (plain <sha> tag) once ${var.keep_builds} newer images exist"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.keep_builds
      }
    },
  ]
}
