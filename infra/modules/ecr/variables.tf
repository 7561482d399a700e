variable "name" {
  description = "Repository name (the contract name is `hello`)."
  type        = string
}

variable "pull_account_ids" {
  description = "Other AWS account IDs allowed to pull (and describe) images, e.g. the prod account when it is not this one."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.pull_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "Each pull account ID must be 12 digits."
  }
}

variable "release_tag_role_arns" {
  description = "Roles of pull_account_ids that tag the images they release (PutImage of an existing manifest as `<env>-<sha>`): prod's deploy role when prod has its own account."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.release_tag_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "Each release tag role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "keep_prod_releases" {
  description = "Prod releases (`prod-<sha>` tags) kept: what prod runs and how far back a prod rollback can go."
  type        = number
  default     = 10

  validation {
    condition     = var.keep_prod_releases >= 2
    error_message = "Keep at least 2 prod releases: the running one and a rollback target."
  }
}

variable "keep_dev_releases" {
  description = "Dev releases (`dev-<sha>` tags) kept: what dev runs and the candidates for promotion."
  type        = number
  default     = 5

  validation {
    condition     = var.keep_dev_releases >= 2
    error_message = "Keep at least 2 dev releases: the running one and a rollback target."
  }
}

variable "keep_builds" {
  description = "Builds never released (only the `<sha>` tag) expire once this many newer images (of any kind) exist."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_builds >= 1
    error_message = "keep_builds must be at least 1."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (interrupted pushes) expire."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1
    error_message = "untagged_expiry_days must be at least 1."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for image encryption; null uses AES256. Cross-account pullers then need grants on the key too."
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
