variable "name" {
  description = "Load balancer name, `hello-<env>` (at most 32 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 32
    error_message = "ALB names are at most 32 characters."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its targets."
  type        = string
}

variable "subnet_ids" {
  description = "Public subnets for the load balancer, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "An application load balancer needs subnets in at least two availability zones."
  }
}

variable "target_port" {
  description = "Port the targets listen on; the load balancer may only reach this port inside the VPC."
  type        = number
  default     = 8000
}

variable "ingress_cidr_blocks" {
  description = "IPv4 CIDR blocks allowed to reach the listeners."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "domain_name" {
  description = "Public name of the service (e.g. hello.example.com). Given: the ACM certificate ci-roles issued for it, alias records in hosted_zone_id and HTTPS only (HTTP answers 301). Empty: plain HTTP on the load balancer's DNS name."
  type        = string
  default     = ""

  validation {
    condition     = var.domain_name == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS name such as hello.example.com (or empty for plain HTTP)."
  }

  validation {
    condition     = !var.require_https || var.domain_name != ""
    error_message = "${var.name} must serve HTTPS (require_https): set domain_name and hosted_zone_id."
  }
}

variable "hosted_zone_id" {
  description = "ID of the Route 53 public hosted zone that holds domain_name (the alias records)."
  type        = string
  default     = ""

  validation {
    condition     = var.hosted_zone_id == "" || can(regex("^[A-Z0-9]{1,32}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ (or empty)."
  }

  validation {
    condition     = var.domain_name == "" || var.hosted_zone_id != ""
    error_message = "domain_name ${var.domain_name} needs hosted_zone_id: the Route 53 public hosted zone that holds it."
  }
}

variable "require_https" {
  description = "Refuse to plan without domain_name, so the environment can never serve plain HTTP (prod sets it)."
  type        = bool
  default     = false
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener: a TLS 1.3 one (AWS's recommended hybrid post-quantum policy by default)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "Use a TLS 1.3 security policy (ELBSecurityPolicy-TLS13-*)."
  }
}

variable "hsts_header_value" {
  description = "Strict-Transport-Security header the HTTPS listener adds to every response."
  type        = string
  default     = "max-age=31536000; includeSubDomains"

  validation {
    # Browsers' HSTS preload lists take a year or more.
    condition     = try(tonumber(regex("^max-age=([0-9]+)", var.hsts_header_value)[0]), 0) >= 31536000
    error_message = "An HSTS value starts with max-age=<seconds>, at least a year (31536000)."
  }
}

variable "dualstack" {
  description = "Give the load balancer IPv6 addresses too (and an AAAA alias record); its subnets need IPv6 CIDR blocks, which the default VPC's lack."
  type        = bool
  default     = false
}

variable "ingress_ipv6_cidr_blocks" {
  description = "IPv6 CIDR blocks allowed to reach the listeners when dualstack is on."
  type        = list(string)
  default     = ["::/0"]
}

variable "deletion_protection" {
  description = "Whether the load balancer is protected from deletion."
  type        = bool
  default     = true
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle; keep it below the app server's keep-alive so the ALB closes first."
  type        = number
  default     = 60
}

variable "access_logs_expiration_days" {
  description = "Days the access logs are kept in their bucket before they expire."
  type        = number
  default     = 90

  validation {
    condition     = var.access_logs_expiration_days >= 1
    error_message = "Keep access logs at least one day."
  }
}

variable "access_logs_noncurrent_days" {
  description = "Days a deleted or overwritten access log stays recoverable (as a noncurrent version)."
  type        = number
  default     = 30
}

variable "waf_enabled" {
  description = "Attach an AWS WAF web ACL (managed rule groups, per-IP rate limit, logging) to the load balancer."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests one client IP may send in 5 minutes before WAF blocks it for a while."
  type        = number
  default     = 1000

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000
    error_message = "WAF rate limits range from 10 to 2,000,000,000 requests per 5 minutes."
  }
}

variable "waf_log_retention_days" {
  description = "Days WAF logs are kept in the aws-waf-logs-<name> log group."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
