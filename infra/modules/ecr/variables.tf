variable "name" {
  description = "Repository name: the service's for the build repository (`hello`), the environment's resource name for its own (`hello-prod`)."
  type        = string
}

variable "pull_account_ids" {
  description = "Other AWS account IDs allowed to read (pull and describe) images: those of the environments that copy from the build repository, when not this one."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.pull_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "Each pull account ID must be 12 digits."
  }
}

variable "keep_images" {
  description = "Images kept, the newest by push time; older ones expire. In an environment's own repository: what it runs and how far back it can roll back."
  type        = number

  validation {
    condition     = var.keep_images >= 2
    error_message = "Keep at least 2 images: the running one and a rollback target."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (interrupted pushes) expire; null: no such rule. An environment's own repository holds only untagged images (copied by digest): null there, or they all expire."
  type        = number
  default     = null

  validation {
    condition     = var.untagged_expiry_days == null || try(var.untagged_expiry_days >= 1, false)
    error_message = "untagged_expiry_days must be at least 1, or null."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for image encryption; null uses AES256. Cross-account readers then need grants on the key too."
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
