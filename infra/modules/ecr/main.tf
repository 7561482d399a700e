# An image repository: the build repository (images pushed once, tagged with their git
# SHA) or an environment's own (images copied in by digest at promote). Tags are
# immutable either way, and other accounts may be allowed to read.

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

# Retention by count (no rule reads tags), and the other accounts' read grant (ecr-policies).
module "policies" {
  source = "../ecr-policies"

  partition            = data.aws_partition.current.partition
  pull_account_ids     = var.pull_account_ids
  keep_images          = var.keep_images
  untagged_expiry_days = var.untagged_expiry_days
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
