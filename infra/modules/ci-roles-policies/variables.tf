variable "partition" {
  description = "AWS partition of the account (`aws`, `aws-cn`, ...), as aws_partition gives it."
  type        = string
}

variable "account_id" {
  description = "ID of the environment's account, where the roles and every resource they manage live."
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

variable "oidc_provider_arn" {
  description = "ARN of GitHub's OIDC provider in the account; the trust policies name it, and its host prefixes the token's claims (`<host>:sub`)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/[^/]+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN, arn:<partition>:iam::<account>:oidc-provider/<host>."
  }
}

variable "service" {
  description = "Service name; every name the policies grant or deny starts with `<service>-<environment>`."
  type        = string
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

variable "build_repository_arn" {
  description = "ARN of the build repository (dev's account and region), where every image is pushed tagged with its git SHA: the publish role pushes to it, the deploy roles read it."
  type        = string
}

variable "repository_arn" {
  description = "ARN of the environment's own image repository, the one its tasks pull from: the build repository for dev; for prod `<service>-prod`, in its own account, which only its deploy role writes (copies by digest). The publish role exists where the two are one."
  type        = string
}

variable "release_reader_trusted_role_arns" {
  description = "Deploy roles of other accounts (prod's, in dev) that may assume the release-reader role to read this service when promoting; empty: no such role."
  type        = list(string)
}

variable "promote_from_role_arn" {
  description = "Release-reader role of the environment promoted from (dev's, in prod, when dev is another account); the deploy role may assume it. Null: none."
  type        = string
}

variable "promote_from_service_arn" {
  description = "ECS service promoted from when it is in this account (dev's, in prod, when both share one); the deploy role may describe it. Null: none."
  type        = string
}

variable "state_bucket" {
  description = "S3 bucket holding this environment's OpenTofu state (keys `<env>/<unit>/tofu.tfstate`) and its lock (`locks/<env>.lock`)."
  type        = string
}

variable "domain_name" {
  description = "The environment's public name (empty: none). The infra role may change its alias records, nothing else (its certificate is ci-roles')."
  type        = string

  validation {
    condition     = var.domain_name == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name such as hello.example.com (or empty)."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone holding domain_name: the only zone whose records the infra role may change (empty without a domain)."
  type        = string

  validation {
    condition     = var.hosted_zone_id == "" || can(regex("^[A-Z0-9]{1,32}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (or empty)."
  }
}

variable "deletion_protection" {
  description = "The environment's deletion protection. Without it the infra role may empty the access-log bucket, as destroying the environment does."
  type        = bool
}
