variable "vpc_id" {
  description = "VPC to run in; empty means the account's default VPC."
  type        = string
  default     = ""
}

variable "subnet_ids" {
  description = "Subnets for the tasks; empty means the default VPC's default subnets. Give at least two, in different AZs."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.subnet_ids) == 0 || length(var.subnet_ids) >= 2
    error_message = "Give at least two subnets (in different availability zones), or none to use the default VPC's."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets for the load balancer; empty means the same as the tasks' subnets (right for the default VPC)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.public_subnet_ids) == 0 || length(var.public_subnet_ids) >= 2
    error_message = "Give at least two public subnets (in different availability zones), or none."
  }
}
