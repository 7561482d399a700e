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
}

data "aws_partition" "current" {}

# Retention by release tag, and the other accounts' pull and tag grants (ecr-policies).
module "policies" {
  source = "../ecr-policies"

  partition             = data.aws_partition.current.partition
  pull_account_ids      = var.pull_account_ids
  release_tag_role_arns = var.release_tag_role_arns
  keep_prod_releases    = var.keep_prod_releases
  keep_dev_releases     = var.keep_dev_releases
  untagged_expiry_days  = var.untagged_expiry_days
  keep_builds           = var.keep_builds
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy     = module.policies.lifecycle_policy
}

resource "aws_ecr_repository_policy" "pull" {
  count = module.policies.repository_policy == null ? 0 : 1

  repository = aws_ecr_repository.this.name
  policy     = module.policies.repository_policy
}
