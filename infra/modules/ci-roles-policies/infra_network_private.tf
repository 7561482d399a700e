# The network module's private subnets (private_subnet_cidrs): subnets, a route table and
# VPC endpoints that carry the project's tags, and only the endpoints the tasks need. No
# route can be added (no CreateRoute), so the route table never leads out of the VPC, and
# only tagged subnets can be moved onto it (the default subnets the load balancer uses
# cannot). The security group of the endpoints is covered by infra.tf's group statements.

locals {
  # The services of the endpoints the network module creates.
  endpoint_services = [for service in ["ecr.api", "ecr.dkr", "logs", "s3"] : "com.amazonaws.${local.region}.${service}"]
  private_network_arns = [
    "${local.ec2_prefix}:subnet/*",
    "${local.ec2_prefix}:route-table/*",
    "${local.ec2_prefix}:vpc-endpoint/*",
  ]

  infra_private_network = [
    {
      Sid       = "PrivateNetworkCreate"
      Effect    = "Allow"
      Action    = ["ec2:CreateRouteTable", "ec2:CreateSubnet"]
      Resource  = ["${local.ec2_prefix}:subnet/*", "${local.ec2_prefix}:route-table/*"]
      Condition = { StringEquals = local.request_tags }
    },
    {
      Sid       = "EndpointCreate"
      Effect    = "Allow"
      Action    = "ec2:CreateVpcEndpoint"
      Resource  = "${local.ec2_prefix}:vpc-endpoint/*"
      Condition = { StringEquals = merge(local.request_tags, { "ec2:VpceServiceName" = local.endpoint_services }) }
    },
    {
      Sid      = "PrivateNetworkCreateInVpc"
      Effect   = "Allow"
      Action   = ["ec2:CreateRouteTable", "ec2:CreateSubnet", "ec2:CreateVpcEndpoint"]
      Resource = "${local.ec2_prefix}:vpc/*"
    },
    {
      Sid       = "PrivateNetworkTagOnCreate"
      Effect    = "Allow"
      Action    = "ec2:CreateTags"
      Resource  = local.private_network_arns
      Condition = { StringEquals = { "ec2:CreateAction" = ["CreateRouteTable", "CreateSubnet", "CreateVpcEndpoint"] } }
    },
    # An endpoint goes into the project's subnets, route table and security groups only.
    {
      Sid       = "EndpointPlacement"
      Effect    = "Allow"
      Action    = ["ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint"]
      Resource  = ["${local.ec2_prefix}:subnet/*", "${local.ec2_prefix}:route-table/*", "${local.ec2_prefix}:security-group/*"]
      Condition = { StringEquals = local.resource_tags }
    },
    {
      Sid    = "PrivateNetworkOfTheProject"
      Effect = "Allow"
      Action = [
        "ec2:AssociateRouteTable",
        "ec2:CreateTags",
        "ec2:DeleteRouteTable",
        "ec2:DeleteSubnet",
        "ec2:DeleteTags",
        "ec2:DeleteVpcEndpoints",
        "ec2:DisassociateRouteTable",
        "ec2:ModifySubnetAttribute",
        "ec2:ModifyVpcEndpoint",
      ]
      Resource  = local.private_network_arns
      Condition = { StringEquals = local.resource_tags }
    },
  ]

  # What a plan reads of them (the subnets and route tables: read.tf).
  private_network_read = [
    {
      Sid    = "PrivateNetworkRead"
      Effect = "Allow"
      Action = ["ec2:DescribePrefixLists", "ec2:DescribeVpcEndpointServices", "ec2:DescribeVpcEndpoints"]
      # aws-api-requires-wildcard: these EC2 Describe calls have no resource-level permissions.
      Resource = "*"
    },
  ]
}
