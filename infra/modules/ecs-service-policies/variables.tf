variable "account_id" {
  description = "Account the service runs in: only ECS tasks of this account may assume its roles."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the environment's image repository: the only one the execution role pulls from."
  type        = string
}

variable "log_group_arn" {
  description = "ARN of the service's log group (as the provider gives it, without `:*`); the execution role writes its streams only."
  type        = string
}
