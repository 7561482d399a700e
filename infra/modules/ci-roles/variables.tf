variable "service" {
  description = "Service name; roles are named `<service>-<environment>-{deploy,infra,plan}`."
  type        = string
  default     = "hello"
}

variable "environment" {
  description = "Environment name (`dev`, `prod`); also the GitHub environment the deploy role trusts (`<env>-infra` for the infra role)."
  type        = string
}

variable "github_repository" {
  description = "GitHub repository as `<org>/<repo>`, matched exactly in the OIDC `sub` claim."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be <org>/<repo>."
  }
}

variable "create_oidc_provider" {
  description = "Create the GitHub OIDC provider; an account has at most one, so set false where it exists already."
  type        = bool
  default     = true
}

variable "ecr_repository_arn" {
  description = "ARN of the image repository (in the dev account; prod reads it cross-account)."
  type        = string
}

variable "repository_in_account" {
  description = "True where the image repository lives (dev): the deploy role may push and the infra role manages the repository."
  type        = bool
}

variable "state_bucket" {
  description = "S3 bucket holding this environment's OpenTofu state."
  type        = string
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
