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

variable "certificate_arn" {
  description = "ACM certificate for an HTTPS listener; when given, HTTP redirects to HTTPS. Null serves plain HTTP."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
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

variable "access_logs_bucket" {
  description = "S3 bucket for access logs (with the ELB log delivery policy); null disables access logs."
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
