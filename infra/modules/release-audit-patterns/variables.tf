variable "image_repository_url" {
  description = "URL of the service's image repository (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`): the only image a revision may name, and only by digest."
  type        = string

  validation {
    condition     = can(regex("^[^:@*\\s]+$", var.image_repository_url))
    error_message = "image_repository_url must be a repository URL without tag, digest or wildcard."
  }
}

variable "task_family" {
  description = "Task definition family whose registrations are watched."
  type        = string
}

variable "service_name" {
  description = "ECS service whose updates are watched (requests name it by name or by ARN)."
  type        = string
}
