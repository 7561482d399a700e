variable "service" {
  description = "Service name; roles are named `<service>-<environment>-{publish,deploy,infra,plan}`."
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
}

variable "create_oidc_provider" {
  description = "Create the GitHub OIDC provider; an account has at most one, so set false where it exists already."
  type        = bool
  default     = true
}

variable "build_repository_arn" {
  description = "ARN of the build repository (dev's account and region), where every image is pushed tagged with its git SHA: the publish role pushes to it, the deploy roles read it."
  type        = string
}

variable "repository_arn" {
  description = "ARN of the environment's own image repository, the one its tasks pull from: the build repository for dev; for prod `<service>-prod`, in its own account, which only its deploy role writes (copies by digest). The publish role exists where the two are one."
  type        = string
}

variable "release_reader_trusted_role_arns" {
  description = "Deploy roles of other accounts (prod's, in dev) that may assume `<service>-<env>-release-reader` to read this service when promoting; empty creates no such role."
  type        = list(string)
  default     = []
}

variable "promote_from_role_arn" {
  description = "Release-reader role of the environment promoted from (dev's, in prod, when dev is another account); the deploy role may assume it."
  type        = string
  default     = null
}

variable "promote_from_service_arn" {
  description = "ECS service promoted from when it is in this account (dev's, in prod, when both share one); the deploy role may describe it."
  type        = string
  default     = null
}

variable "state_bucket" {
  description = "S3 bucket holding this environment's OpenTofu state and its lock."
  type        = string
}

variable "domain_name" {
  description = "The environment's public name (env.hcl `domain_name`; empty: none). This module issues its certificate; the infra role may change its alias records, nothing else. A new name needs this unit applied again."
  type        = string
  default     = ""
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone holding domain_name (env.hcl `hosted_zone_id`): where this module validates the certificate, and the only zone whose records the infra role may change."
  type        = string
  default     = ""
}

variable "deletion_protection" {
  description = "The environment's deletion protection (env.hcl `deletion_protection`). Without it the infra role may empty the access-log bucket, as destroying the environment does."
  type        = bool
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
