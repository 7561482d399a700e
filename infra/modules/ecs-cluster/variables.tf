variable "name" {
  description = "Cluster name, `hello-<env>`."
  type        = string
}

variable "container_insights" {
  description = "Container Insights mode: `enabled` or `enhanced`."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be enabled or enhanced; it is never turned off."
  }
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
