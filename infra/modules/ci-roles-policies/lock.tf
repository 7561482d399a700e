# The environment lock (hello-release lock, infra/release/src/hello_release/lock.py): one
# object beside the state, outside every unit's state (keys `<env>/<unit>/...`). Only the
# roles that change the environment take and release it: a pull request's plan, the image
# push and the other environment's roles (when both share a bucket) cannot.
# Beside it, the commit last applied to the environment (hello_release/applied.py), which
# an apply moves forward only: of the CI roles only the infra role, which applies, writes it.

locals {
  lock_arn    = "${local.state_bucket_arn}/locks/${var.environment}.lock"
  applied_key = "locks/${var.environment}.applied"

  environment_lock = [
    {
      Sid      = "EnvironmentLock"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      Resource = local.lock_arn
    },
  ]

  infra_lock = concat(local.environment_lock, [
    {
      Sid      = "LastApplied"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "${local.state_bucket_arn}/${local.applied_key}"
    },
    # Listing it tells a first apply (no record yet) from a read that is denied.
    {
      Sid       = "LastAppliedList"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = local.state_bucket_arn
      Condition = { StringEquals = { "s3:prefix" = local.applied_key } }
    },
  ])
}
