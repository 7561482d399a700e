# Resolves the VPC and subnets the platform runs in. With no IDs given it uses the
# account's default VPC and its default subnets (one public subnet per AZ). With
# private_subnet_cidrs it also creates private subnets for the tasks (private.tf), which
# reach ECR, S3 and CloudWatch Logs through VPC endpoints and need no public IP. See
# docs/decisions/0004-default-vpc.md.

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
  private           = length(var.private_subnet_cidrs) > 0
  given_subnet_ids  = length(var.subnet_ids) > 0 ? var.subnet_ids : sort(data.aws_subnets.default[0].ids)
  public_subnet_ids = length(var.public_subnet_ids) > 0 ? var.public_subnet_ids : local.given_subnet_ids
  subnet_ids        = local.private ? aws_subnet.private[*].id : local.given_subnet_ids
}

data "aws_subnet" "selected" {
  for_each = local.private ? toset([]) : toset(local.given_subnet_ids)

  id = each.value
}
