# Private subnets for the tasks, one per availability zone of the load balancer's subnets,
# with a route table that has no route out of the VPC: the tasks reach ECR (api and dkr),
# S3 (image layers, a gateway endpoint) and CloudWatch Logs (the awslogs driver) through
# VPC endpoints and nothing else. Nothing here exists without private_subnet_cidrs.

data "aws_region" "current" {}

data "aws_subnet" "public" {
  for_each = local.private ? toset(local.public_subnet_ids) : toset([])

  id = each.value
}

locals {
  public_zones = sort(distinct([for subnet in data.aws_subnet.public : subnet.availability_zone]))
  # The zone of each private subnet ("" past the last zone: the precondition says so).
  private_zones = [for index, cidr in var.private_subnet_cidrs : try(local.public_zones[index], "")]
  # Interface endpoints the tasks need (billed per AZ-hour and per GB: README.md).
  interface_endpoints = local.private ? toset(["ecr.api", "ecr.dkr", "logs"]) : toset([])
}

resource "aws_subnet" "private" {
  count = length(var.private_subnet_cidrs)

  vpc_id                  = data.aws_vpc.this.id
  cidr_block              = var.private_subnet_cidrs[count.index]
  availability_zone       = local.private_zones[count.index]
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name}-private-${local.private_zones[count.index]}" })

  lifecycle {
    precondition {
      condition     = local.private_zones[count.index] != ""
      error_message = "private_subnet_cidrs has ${length(var.private_subnet_cidrs)} blocks for ${length(local.public_zones)} availability zones of the load balancer's subnets: give one per zone at most."
    }
  }
}

# No routes but the VPC's own: no internet gateway, no NAT.
resource "aws_route_table" "private" {
  count = local.private ? 1 : 0

  vpc_id = data.aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "private" {
  count = length(var.private_subnet_cidrs)

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

resource "aws_vpc_endpoint" "s3" {
  count = local.private ? 1 : 0

  vpc_id            = data.aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private[0].id]
  tags              = merge(var.tags, { Name = "${var.name}-s3" })
}

resource "aws_security_group" "endpoints" {
  count = local.private ? 1 : 0

  name        = "${var.name}-endpoints"
  description = "VPC endpoints of ${var.name}: HTTPS in from the VPC"
  vpc_id      = data.aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-endpoints" })
}

# From the whole VPC, not only the private subnets: private DNS makes every subnet of the
# VPC resolve ECR and CloudWatch Logs to these endpoints (the public subnets' tasks of an
# environment that shares the VPC included), so whatever is admitted nowhere else would
# lose both.
resource "aws_vpc_security_group_ingress_rule" "endpoints" {
  count = local.private ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = data.aws_vpc.this.cidr_block
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = data.aws_vpc.this.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.value}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name}-${replace(each.value, ".", "-")}" })
}
