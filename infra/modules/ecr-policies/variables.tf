variable "partition" {
  description = "AWS partition of the accounts (`aws` in the commercial regions)."
  type        = string
}

variable "pull_account_ids" {
  description = "Other AWS accounts allowed to pull (and describe) the images; none gives no repository policy."
  type        = list(string)
}

variable "release_tag_role_arns" {
  description = "Roles of pull_account_ids that may tag the images they release (PutImage of an existing manifest)."
  type        = list(string)

  validation {
    condition     = alltrue([for arn in var.release_tag_role_arns : contains(var.pull_account_ids, split(":", arn)[4])])
    error_message = "Each release_tag_role_arns role must be in one of pull_account_ids: tagging needs the pull grant to read the image."
  }
}

variable "keep_prod_releases" {
  description = "Prod releases (`prod-<sha>` tags) never expired: what prod runs and its rollback targets."
  type        = number
}

variable "keep_dev_releases" {
  description = "Dev releases (`dev-<sha>` tags) never expired: what dev runs and the promotion candidates."
  type        = number
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (interrupted pushes) expire."
  type        = number
}

variable "keep_builds" {
  description = "Builds never released (only the `<sha>` tag) expire once this many newer images exist."
  type        = number
}
