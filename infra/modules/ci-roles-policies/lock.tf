# The environment lock (hello-release lock, infra/release/src/hello_release/lock.py): one
# object beside the state, outside every unit's state (keys `<env>/<unit>/...`). Only the
# roles that change the environment take and release it: a pull request's plan, the image
# push and the other environment's roles (when both share a bucket) cannot.

locals {
  lock_arn = "${local.state_bucket_arn}/locks/${var.environment}.lock"

  environment_lock = [
    {
      Sid      = "EnvironmentLock"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
      Resource = local.lock_arn
    },
  ]
}
