variable "name" {
  description = "Environment prefix `<service>-<env>`; every name starts with it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*[a-z0-9]$", var.name))
    error_message = "name must be lower-case letters, digits and hyphens, like hello-dev."
  }
}

variable "account_id" {
  description = "ID of the environment's account, where the resources live."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be a 12-digit AWS account ID."
  }
}

variable "region" {
  description = "Region of the environment's resources."
  type        = string
}

variable "partition" {
  description = "AWS partition of the account (`aws` in the commercial regions)."
  type        = string
}
