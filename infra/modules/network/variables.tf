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

variable "name" {
  description = "Prefix of what the module creates (`hello-<env>`): the private subnets, their route table, the endpoints and their security group."
  type        = string
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of private subnets to create for the tasks, one per availability zone of the load balancer's subnets (in zone order), at least two; unused blocks of the VPC. The tasks then reach ECR, S3 and CloudWatch Logs through VPC endpoints and get no public IP (interface endpoints are billed: README). Empty: the tasks run in subnet_ids."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.private_subnet_cidrs) == 0 || length(var.private_subnet_cidrs) >= 2
    error_message = "Give at least two private subnet CIDR blocks (two availability zones), or none."
  }

  validation {
    condition     = alltrue([for cidr in var.private_subnet_cidrs : can(cidrnetmask(cidr))])
    error_message = "private_subnet_cidrs are IPv4 CIDR blocks such as 172.31.96.0/20."
  }

  validation {
    condition     = length(var.private_subnet_cidrs) == 0 || length(var.subnet_ids) == 0
    error_message = "Give either subnet_ids (your own subnets for the tasks) or private_subnet_cidrs (subnets this module creates), not both."
  }
}

variable "tags" {
  description = "Extra tags (the provider's default_tags already carry service, environment, repository, managed-by)."
  type        = map(string)
  default     = {}
}
