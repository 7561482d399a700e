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

variable "keep_images" {
  description = "How many images to keep; older ones expire, which bounds how far back a rollback can go."
  type        = number
  default     = 100
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
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
