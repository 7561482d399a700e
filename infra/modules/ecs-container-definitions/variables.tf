variable "container_name" {
  description = "Name of the container; the service's load balancer block and the release tool find it by this name."
  type        = string
}

variable "image" {
  description = "Image of the container: `<repository>:<tag>` or `<repository>@sha256:<digest>`."
  type        = string
}

variable "environment" {
  description = "Environment variables of the container, by name."
  type        = map(string)
  default     = {}
}

variable "container_port" {
  description = "Port the application listens on, inside the container and on the task's interface."
  type        = number
}

variable "health_check_path" {
  description = "Liveness path the container health check requests on 127.0.0.1:<container_port> (200 = healthy)."
  type        = string

  validation {
    condition     = startswith(var.health_check_path, "/")
    error_message = "health_check_path is a path such as /healthz."
  }
}

variable "stop_timeout" {
  description = "Seconds ECS waits between SIGTERM and SIGKILL; above the application's graceful timeout."
  type        = number

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "Fargate takes a stopTimeout of 2 to 120 seconds."
  }
}

variable "user" {
  description = "Numeric UID (or UID:GID) the container runs as; never root."
  type        = string
  default     = "10001"

  validation {
    condition     = can(regex("^[0-9]+(:[0-9]+)?$", var.user)) && !can(regex("^0(:|$)", var.user))
    error_message = "user must be a numeric UID (optionally :GID) other than 0: a name can map to root, and 0 is root."
  }
}

variable "log_group_name" {
  description = "CloudWatch Logs group the container's output goes to (awslogs driver)."
  type        = string
}

variable "log_region" {
  description = "Region of the log group."
  type        = string
}
