variable "partition" {
  description = "AWS partition of the account (`aws` in the commercial regions)."
  type        = string
}

variable "region" {
  description = "Region of the alarms that publish to the topic."
  type        = string
}

variable "account_id" {
  description = "Account of the key, the topic and the alarms; it administers the key."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "alarm_name_prefix" {
  description = "Only alarms whose names start with this (the environment's, `<name>-`) may publish to the topic and use its key."
  type        = string

  validation {
    condition     = length(var.alarm_name_prefix) > 0 && !strcontains(var.alarm_name_prefix, "*") && !strcontains(var.alarm_name_prefix, "?")
    error_message = "alarm_name_prefix must be a literal, non-empty prefix (no * or ?), or every alarm of the account could publish."
  }
}

variable "topic_arn" {
  description = "ARN of the alerts topic the topic policy is attached to."
  type        = string
}

variable "event_rule_name_prefix" {
  description = "Only EventBridge rules whose names start with this (the environment's release-audit rules, `<name>-release-audit-`) may publish to the topic and use its key."
  type        = string

  validation {
    condition     = length(var.event_rule_name_prefix) > 0 && !strcontains(var.event_rule_name_prefix, "*") && !strcontains(var.event_rule_name_prefix, "?")
    error_message = "event_rule_name_prefix must be a literal, non-empty prefix (no * or ?), or every rule of the account could publish."
  }
}
