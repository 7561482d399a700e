# The one image repository. Images are built once (tag = the 40-char git SHA) and
# promoted by digest, so tags are immutable and other accounts may be allowed to pull.

resource "aws_ecr_repository" "this" {
  # checkov:skip=CKV_AWS_136:AES256 (AWS-managed) encryption is on; a customer KMS key is an input (kms_key_arn) because cross-account pulls then also need key grants.
  name                 = var.name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = false

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = var.kms_key_arn == null ? "AES256" : "KMS"
    kms_key         = var.kms_key_arn
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = alltrue([for arn in var.release_tag_role_arns : contains(var.pull_account_ids, split(":", arn)[4])])
      error_message = "Each release_tag_role_arns role must be in one of pull_account_ids: tagging needs the pull grant to read the image."
    }
  }
}

# Retention. Tags: `<sha>` (the build), then `dev-<sha>` and `prod-<sha>`, which the
# release tool adds after a rollout to that environment is stable. Rules apply in
# rulePriority order, and the Amazon ECR User Guide's lifecycle policy evaluation rules
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
# infra/tests/test_ecr_retention.py replays a release history against these rules.
resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = templatefile("${path.module}/lifecycle-policy.json.tftpl", {
    keep_prod_releases   = var.keep_prod_releases
    keep_dev_releases    = var.keep_dev_releases
    untagged_expiry_days = var.untagged_expiry_days
    keep_builds          = var.keep_builds
  })
}

data "aws_iam_policy_document" "pull" {
  count = length(var.pull_account_ids) > 0 ? 1 : 0

  statement {
    sid    = "CrossAccountPull"
    effect = "Allow"

    principals {
      type        = "AWS"
      identifiers = [for id in var.pull_account_ids : "arn:aws:iam::${id}:root"]
    }

    # Pull, plus the describes a release in the other account uses to resolve a tag to its digest.
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:DescribeImages",
      "ecr:DescribeRepositories",
      "ecr:GetDownloadUrlForLayer",
    ]
  }

  # A release in the other account tags the digest it deployed (`prod-<sha>`): PutImage of
  # the manifest it read with the pull grant above. Only the named roles, through the
  # account as principal: ECR refuses a policy naming a role that does not exist yet.
  dynamic "statement" {
    for_each = length(var.release_tag_role_arns) > 0 ? [1] : []

    content {
      sid     = "CrossAccountReleaseTag"
      effect  = "Allow"
      actions = ["ecr:PutImage"]

      principals {
        type        = "AWS"
        identifiers = [for id in var.pull_account_ids : "arn:aws:iam::${id}:root"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = var.release_tag_role_arns
      }
    }
  }
}

resource "aws_ecr_repository_policy" "pull" {
  count = length(var.pull_account_ids) > 0 ? 1 : 0

  repository = aws_ecr_repository.this.name
  policy     = data.aws_iam_policy_document.pull[0].json
}
