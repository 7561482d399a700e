# Resolves the VPC and subnets the platform runs in. With no IDs given it uses the
# account's default VPC and its default subnets (one public subnet per AZ); give
# private subnet IDs (with a NAT gateway or VPC endpoints) plus public ones for the
# load balancer to run tasks without public IPs. See docs/decisions/0004-default-vpc.md.

data "aws_vpc" "this" {
  id      = var.vpc_id == "" ? null : var.vpc_id
  default = var.vpc_id == ""
}

data "aws_subnets" "default" {
  count = length(var.subnet_ids) == 0 ? 1 : 0

  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.this.id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

locals {
  subnet_ids        = length(var.subnet_ids) > 0 ? var.subnet_ids : sort(data.aws_subnets.default[0].ids)
  public_subnet_ids = length(var.public_subnet_ids) > 0 ? var.public_subnet_ids : local.subnet_ids
}

data "aws_subnet" "selected" {
  for_each = toset(local.subnet_ids)

  id = each.value
}
