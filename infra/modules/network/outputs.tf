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
  description = "Distinct availability zones of the tasks' subnets."
  value       = local.private ? sort(distinct(aws_subnet.private[*].availability_zone)) : sort(distinct([for subnet in data.aws_subnet.selected : subnet.availability_zone]))
}

output "assign_public_ip" {
  description = "Whether the tasks need a public IP to reach ECR and CloudWatch Logs: only in the default VPC's public subnets. Private subnets reach them through the endpoints (or your NAT)."
  value       = !local.private && length(var.subnet_ids) == 0
}

output "public_subnet_ids" {
  description = "Subnets of the load balancer."
  value       = local.public_subnet_ids
}
