variable "name" {
  description = "Environment prefix `hello-<env>`: the topic is `<name>-alerts`, and only alarms named `<name>-*` may publish to it."
  type        = string
}

variable "emails" {
  description = "E-mail addresses subscribed to the topic (each confirms the subscription from the mail AWS sends)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Each alert e-mail must be an address like oncall@example.com."
  }
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
