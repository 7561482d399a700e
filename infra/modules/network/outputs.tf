output "vpc_id" {
  description = "ID of the VPC in use."
  value       = data.aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "Primary CIDR block of the VPC in use."
  value       = data.aws_vpc.this.cidr_block
}

output "subnet_ids" {
  description = "Subnets of the tasks."
  value       = local.subnet_ids
}

output "availability_zones" {
  description = "Distinct availability zones of the subnets in use."
  value       = sort(distinct([for subnet in data.aws_subnet.selected : subnet.availability_zone]))
}

output "public_subnet_ids" {
  description = "Subnets of the load balancer."
  value       = local.public_subnet_ids
}
