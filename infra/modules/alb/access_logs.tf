# Access logs of the load balancer, in a bucket made for them: private, TLS only,
# SSE-S3 (the only encryption ALB log delivery supports), versioned so a deleted log
# stays recoverable for a while, locked with deletion protection, and expired after
# access_logs_expiration_days.

# The regional Elastic Load Balancing account writes the logs (alb-policies).
data "aws_elb_service_account" "this" {}

resource "aws_s3_bucket" "access_logs" {
  # checkov:skip=CKV_AWS_18:This bucket holds access logs; logging its own access would need yet another bucket, and CloudTrail data events cover it where required.
  # checkov:skip=CKV_AWS_144:Access logs are operational data kept for access_logs_expiration_days; a cross-region replica is not worth its cost here.
  # checkov:skip=CKV_AWS_145:ALB log delivery supports only SSE-S3 (AES256), not KMS keys.
  # checkov:skip=CKV2_AWS_62:Nothing consumes new-log events; query the logs with Athena when needed.
  bucket = module.names.access_logs_bucket
  # Without deletion protection (dev) the environment can be torn down with its logs.
  force_destroy = !var.deletion_protection
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_logs_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.access_logs_noncurrent_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"

    filter {}

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

# With deletion protection (prod) every log version is locked for as long as the
# lifecycle keeps it, so nobody short of a governance bypass (which the infra role is
# denied, ci-roles-policies) can delete it early. Object Lock is switched on here, on the
# versioned bucket, not at its creation: an existing bucket keeps its name and logs.
resource "aws_s3_bucket_object_lock_configuration" "access_logs" {
  count  = var.deletion_protection ? 1 : 0
  bucket = aws_s3_bucket.access_logs.id

  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = var.access_logs_expiration_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

module "policies" {
  source = "../alb-policies"

  account_id              = data.aws_caller_identity.current.account_id
  bucket_arn              = aws_s3_bucket.access_logs.arn
  elb_service_account_arn = data.aws_elb_service_account.this.arn
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = module.policies.bucket_policy

  # S3 answers OperationAborted to concurrent configuration changes of one bucket.
  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}
